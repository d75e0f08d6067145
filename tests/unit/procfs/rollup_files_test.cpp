// procfs/rollup_files.h on real processes: a held smaps_rollup reads as the file read by path,
// and fails (NotFound) once its process has exec'd or exited; a captured tree holds nothing.
#include "procfs/rollup_files.h"

#include <doctest/doctest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <thread>

#include "model/error.h"
#include "procfs/collect.h"
#include "procfs/file.h"

using namespace memsnap;

namespace {

// A child running `sh -c 'read x; exec sleep 60'`: it execs when a line is written to `in`.
struct ExecingChild {
    pid_t pid = -1;
    int in = -1;
    ExecingChild() {
        int p[2];
        REQUIRE(::pipe(p) == 0);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) {
            ::dup2(p[0], 0);
            ::close(p[1]);
            ::execl("/bin/sh", "sh", "-c", "read x; exec sleep 60", static_cast<char*>(nullptr));
            ::_exit(127);
        }
        ::close(p[0]);
        in = p[1];
        wait_for_comm("sh");
    }
    ~ExecingChild() {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, nullptr, 0);
        ::close(in);
    }
    std::string comm() const {
        std::string text;
        try {
            read_small_file("/proc/" + std::to_string(pid) + "/comm", text);
        } catch (const Error&) {
        }
        return text;
    }
    void wait_for_comm(const std::string& name) const {
        for (int i = 0; i < 500 && comm() != name + "\n"; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        REQUIRE(comm() == name + "\n");
    }
};

ErrorKind read_error(const RollupFiles& files, int64_t pid, SmapsReader& reader) {
    try {
        files.read(pid, reader);
    } catch (const Error& e) {
        return e.kind();
    }
    return ErrorKind::Io;  // stands for "no error": not what the cases expect
}

}  // namespace

TEST_CASE("a held smaps_rollup reads as by path, again and again, until its process execs") {
    ExecingChild child;
    const ProcRoot root;
    RollupFiles files(root);
    REQUIRE(files.enabled());
    SmapsReader reader;
    const int fd = files.open(child.pid);
    REQUIRE(fd >= 0);
    files.adopt(child.pid, 1, fd);
    REQUIRE(files.holds(child.pid));
    // sh waits in read(2): its rollup does not move between the two reads.
    for (int i = 0; i < 3; ++i) CHECK(files.read(child.pid, reader) == read_rollup_totals(root, child.pid, reader));
    REQUIRE(::write(child.in, "go\n", 3) == 3);
    child.wait_for_comm("sleep");
    // The same process (PID and start time) with a new address space: the held file is the
    // old one's, and says so.
    CHECK(read_error(files, child.pid, reader) == ErrorKind::NotFound);
    CHECK(read_rollup_totals(root, child.pid, reader).has_value());  // by path: sleep's
    files.drop(child.pid, 2);  // another process's start time: not dropped
    CHECK(files.holds(child.pid));
    files.drop(child.pid, 1);
    CHECK_FALSE(files.holds(child.pid));
}

TEST_CASE("a held smaps_rollup of a process that exited reads NotFound") {
    const ProcRoot root;
    RollupFiles files(root);
    SmapsReader reader;
    int64_t pid = 0;
    {
        ExecingChild child;
        pid = child.pid;
        files.adopt(pid, 1, files.open(pid));
        REQUIRE(files.holds(pid));
        CHECK(files.read(pid, reader).has_value());
    }  // killed and reaped
    CHECK(read_error(files, pid, reader) == ErrorKind::NotFound);
}

TEST_CASE("a captured tree holds no file: it is read by path") {
    char tmpl[] = "/tmp/memsnap-rollup-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    const std::filesystem::path dir(tmpl);
    std::filesystem::create_directories(dir / "42");
    std::ofstream(dir / "42" / "smaps_rollup") << "00400000-00500000 ---p 00000000 00:00 0 [rollup]\nRss: 8 kB\n";
    RollupFiles files{ProcRoot(dir.string())};
    CHECK_FALSE(files.enabled());
    CHECK_FALSE(files.has_room());
    CHECK(files.open(42) == -1);
    std::filesystem::remove_all(dir);
}
