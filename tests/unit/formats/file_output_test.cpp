// Atomic replacement and NDJSON appends, on a scratch directory.
#include "formats/file_output.h"

#include <dirent.h>
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/error.h"

using namespace memsnap;

namespace {

struct ScratchDir {
    std::string path;
    ScratchDir() {
        char tmpl[] = "/tmp/memsnap-test.XXXXXX";
        REQUIRE(::mkdtemp(tmpl) != nullptr);
        path = tmpl;
    }
    ~ScratchDir() { (void)std::system(("rm -rf '" + path + "'").c_str()); }
    std::string operator/(const std::string& name) const { return path + "/" + name; }
    std::vector<std::string> names() const {
        std::vector<std::string> out;
        DIR* d = ::opendir(path.c_str());
        while (dirent* e = ::readdir(d)) {
            std::string n = e->d_name;
            if (n != "." && n != "..") out.push_back(n);
        }
        ::closedir(d);
        return out;
    }
};

std::string slurp(const std::string& path) {
    std::ifstream f(path);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path) << text;
}

}  // namespace

TEST_CASE("write_file_atomically creates, then replaces keeping the old permissions") {
    ScratchDir dir;
    std::string target = dir / "snap.json";
    write_file_atomically(target, "one\n");
    CHECK(slurp(target) == "one\n");
    REQUIRE(::chmod(target.c_str(), 0640) == 0);
    write_file_atomically(target, "two\n");
    CHECK(slurp(target) == "two\n");
    struct stat st {};
    REQUIRE(::stat(target.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0640);
    CHECK(dir.names() == std::vector<std::string>{"snap.json"});  // no temporary left behind
}

TEST_CASE("write_file_atomically refuses to replace a symlink or a directory") {
    ScratchDir dir;
    spit(dir / "real", "precious\n");
    REQUIRE(::symlink("real", (dir / "link").c_str()) == 0);
    CHECK_THROWS_AS(write_file_atomically(dir / "link", "x"), Error);
    CHECK(slurp(dir / "real") == "precious\n");
    char buf[16] = {};
    CHECK(::readlink((dir / "link").c_str(), buf, sizeof buf - 1) == 4);
    REQUIRE(::mkdir((dir / "sub").c_str(), 0755) == 0);
    CHECK_THROWS_AS(write_file_atomically(dir / "sub", "x"), Error);
    CHECK(dir.names().size() == 3);
}

namespace {

// Hands out "planted" first, then "fresh": the first temporary name is taken by the test.
std::string planted_then_fresh() {
    static int calls = 0;
    return ++calls == 1 ? "planted" : "fresh";
}

}  // namespace

TEST_CASE("write_file_atomically never follows a symlink planted at its temporary name") {
    ScratchDir dir;
    spit(dir / "victim", "precious\n");
    REQUIRE(::symlink((dir / "victim").c_str(), (dir / ".snap.json.tmp.planted").c_str()) == 0);
    write_file_atomically(dir / "snap.json", "new\n", planted_then_fresh);
    CHECK(slurp(dir / "victim") == "precious\n");  // neither written through nor truncated
    CHECK(slurp(dir / "snap.json") == "new\n");     // written under the next name instead
    struct stat st {};
    REQUIRE(::lstat((dir / ".snap.json.tmp.planted").c_str(), &st) == 0);
    CHECK(S_ISLNK(st.st_mode));  // the planted link is left as it was
    CHECK(dir.names().size() == 3);
}

TEST_CASE("write_file_atomically: a missing directory is an I/O error naming the path") {
    try {
        write_file_atomically("/nonexistent-dir-memsnap/x.json", "x");
        FAIL("no error");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Io);
        CHECK(std::string(e.what()) ==
              "cannot write /nonexistent-dir-memsnap/x.json: No such file or directory");
    }
}

TEST_CASE("append_line appends whole lines and mends a line cut short") {
    ScratchDir dir;
    std::string series = dir / "s.ndjson";
    append_line(series, "{\"a\":1}\n");
    append_line(series, "{\"a\":2}\n");
    CHECK(slurp(series) == "{\"a\":1}\n{\"a\":2}\n");
    spit(series, "{\"a\":1}\n{\"a\":");  // a writer died mid-line
    append_line(series, "{\"a\":3}\n");
    CHECK(slurp(series) == "{\"a\":1}\n{\"a\":\n{\"a\":3}\n");
    CHECK_THROWS_AS(append_line(dir / "no/such/dir", "x\n"), Error);
}
