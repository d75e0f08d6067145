// procfs/process_select.h: which cgroup file text puts a process in a cgroup (watch --cgroup),
// and when a known process is looked at again.
#include <doctest/doctest.h>

#include "procfs/process_select.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

using namespace memsnap;

TEST_CASE("cgroup v2: the cgroup itself and those below it, not a sibling sharing a prefix") {
    const char* v2 = "0::/system.slice/nginx.service\n";
    CHECK(in_cgroup(v2, "/system.slice/nginx.service"));
    CHECK(in_cgroup(v2, "/system.slice"));
    CHECK(in_cgroup(v2, "/"));
    CHECK_FALSE(in_cgroup(v2, "/system.slice/nginx"));  // a prefix of the name, not a parent
    CHECK_FALSE(in_cgroup(v2, "/user.slice"));
}

TEST_CASE("cgroup v1: any hierarchy path counts, a line without two colons is skipped") {
    const char* v1 = "12:memory:/docker/abc\n11:cpu,cpuacct:/docker/abc\nbroken line\n";
    CHECK(in_cgroup(v1, "/docker"));
    CHECK(in_cgroup(v1, "/docker/abc"));
    CHECK_FALSE(in_cgroup(v1, "/docker/ab"));
    CHECK_FALSE(in_cgroup("", "/"));  // no line: in no cgroup
}

namespace {

// <dir>/42 made anew with a stat giving `starttime`: a new directory, made while the old one
// is still there so that its inode is another (a filesystem reuses a freed inode at once).
void make_process(const std::filesystem::path& dir, uint64_t starttime) {
    std::filesystem::create_directories(dir / "new");
    std::ofstream(dir / "new" / "stat")
        << "42 (sleep) S 1 42 42 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 " << starttime
        << " 1000 100 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n";
    std::filesystem::remove_all(dir / "42");
    std::filesystem::rename(dir / "new", dir / "42");
}

}  // namespace

TEST_CASE("a vouched-for PID is taken from the last list with no look, and forget() looks again") {
    char tmpl[] = "/tmp/memsnap-select-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::filesystem::path dir(tmpl);
    const ProcRoot root(dir.string());
    ProcessFilter all;
    all.all = true;
    ProcessSelector selector(all);
    auto starttime = [&](bool vouch) {
        std::vector<LiveProcess> live =
            vouch ? selector.list(root, 1, [](int64_t pid) { return pid == 42; }) : selector.list(root, 1);
        REQUIRE(live.size() == 1);
        return live[0].starttime;
    };
    make_process(dir, 100);
    CHECK(starttime(true) == 100);  // not known yet: read
    make_process(dir, 200);         // another process of PID 42 (in a tree: a new directory)
    CHECK(starttime(true) == 100);  // vouched for: the caller's held file would tell
    CHECK(starttime(false) == 200); // not vouched for: the new directory's inode tells
    make_process(dir, 300);
    selector.forget(42);
    CHECK(starttime(true) == 300);
    std::filesystem::remove_all(dir);
}
