// Descriptor typing, the fdinfo parser, and reading fd/ and task/ of this very process.
#include <doctest/doctest.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>

#include "model/descriptor.h"
#include "model/error.h"
#include "procfs/fd.h"
#include "procfs/task.h"

using namespace memsnap;

namespace {
template <class F>
std::string error_of(F&& f) {
    try {
        f();
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        return e.what();
    }
    return "no error";
}

// A scratch directory laid out like /proc: <dir>/1/fd/..., removed at the end.
struct ScratchTree {
    std::string dir;
    ScratchTree() {
        char tmpl[] = "/tmp/memsnap-fd-test-XXXXXX";
        dir = ::mkdtemp(tmpl);
        ::mkdir((dir + "/1").c_str(), 0755);
        ::mkdir((dir + "/1/fd").c_str(), 0755);
    }
    ~ScratchTree() { std::system(("rm -rf '" + dir + "'").c_str()); }
};
}  // namespace

TEST_CASE("descriptor types from readlink text") {
    CHECK(fd_type_of_link("socket:[12345]") == "socket");
    CHECK(fd_type_of_link("pipe:[12345]") == "pipe");
    CHECK(fd_type_of_link("anon_inode:[eventfd]") == "eventfd");
    CHECK(fd_type_of_link("anon_inode:[eventpoll]") == "eventpoll");
    CHECK(fd_type_of_link("anon_inode:[timerfd]") == "timerfd");
    CHECK(fd_type_of_link("anon_inode:[signalfd]") == "signalfd");
    CHECK(fd_type_of_link("anon_inode:inotify") == "inotify");
    CHECK(fd_type_of_link("anon_inode:dmabuf") == "dmabuf");
    CHECK(fd_type_of_link("/dmabuf:gralloc") == "dmabuf");
    CHECK(fd_type_of_link("anon_inode:sync_file") == "sync_file");
    CHECK(fd_type_of_link("anon_inode:[pidfd]") == "anon_inode:pidfd");
    CHECK(fd_type_of_link("anon_inode:[io_uring]") == "anon_inode:io_uring");
    CHECK(fd_type_of_link("/dev/null") == "device");
    CHECK(fd_type_of_link("/dev/dri/renderD128") == "device");
    CHECK(fd_type_of_link("/dev/shm/sem.x") == "file");
    CHECK(fd_type_of_link("/memfd:jit (deleted)") == "file");
    CHECK(fd_type_of_link("/home/u/a file.txt") == "file");
    CHECK(fd_type_of_link("net:[4026531840]") == "other");
    CHECK(fd_type_of_link("") == "other");
    // Not fooled by look-alikes.
    CHECK(fd_type_of_link("pipes:[1]") == "other");
    CHECK(fd_type_of_link("/devices/x") == "file");
}

TEST_CASE("GPU and DRM device paths") {
    CHECK(is_gpu_device("/dev/kgsl-3d0"));
    CHECK(is_gpu_device("/dev/mali0"));
    CHECK(is_gpu_device("/dev/dri/card0"));
    CHECK(is_gpu_device("/dev/nvidia0"));
    CHECK(is_gpu_device("/dev/nvidiactl"));
    CHECK_FALSE(is_gpu_device("/dev/ashmem/dalvik"));
    CHECK_FALSE(is_gpu_device("/dev/driver"));
    CHECK(is_drm_device("/dev/dri/renderD128"));
    CHECK(is_drm_device("/dev/accel/accel0"));
    CHECK_FALSE(is_drm_device("/dev/kgsl-3d0"));
}

TEST_CASE("fd summary: counts by type, top type, ties by name") {
    std::vector<OpenFd> fds;
    for (const char* t : {"pipe:[1]", "socket:[2]", "pipe:[3]", "socket:[4]", "/dev/null"})
        fds.push_back(OpenFd{static_cast<int64_t>(fds.size()), t, fd_type_of_link(t)});
    FdSummary s = summarize_fds(fds);
    CHECK(s.num == 5);
    CHECK(s.by_type == std::map<std::string, uint64_t>{{"device", 1}, {"pipe", 2}, {"socket", 2}});
    CHECK(s.top_fd_type == "pipe");
    CHECK(s.top_fd_num == 2);
    CHECK(summarize_fds({}) == FdSummary{});
}

TEST_CASE("DRM sizes: bytes, KiB, MiB") {
    CHECK(parse_drm_size("4096") == 4096u);
    CHECK(parse_drm_size("12 KiB") == 12u * 1024);
    CHECK(parse_drm_size("3 MiB") == 3u * 1024 * 1024);
    CHECK(parse_drm_size("  7\tKiB ") == 7u * 1024);
    CHECK_FALSE(parse_drm_size("12 kB"));
    CHECK_FALSE(parse_drm_size("12 GiB"));
    CHECK_FALSE(parse_drm_size(""));
    CHECK_FALSE(parse_drm_size("KiB"));
    CHECK_FALSE(parse_drm_size("-1"));
    CHECK_FALSE(parse_drm_size("18446744073709551615 MiB"));  // overflows 64 bits
}

TEST_CASE("fdinfo of a dmabuf") {
    FdInfo i = parse_fdinfo(
        "pos:\t0\nflags:\t02000002\nmnt_id:\t15\nino:\t5001\nsize:\t4194304\ncount:\t3\n"
        "exp_name:\tqcom,system\nname:\tgralloc\n",
        "fdinfo/7");
    CHECK(i.ino == 5001u);
    CHECK(i.size == 4194304u);
    CHECK(i.exp_name == "qcom,system");
    CHECK_FALSE(i.drm);
}

TEST_CASE("fdinfo of a DRM client: regions, units, drm-memory as the older drm-total") {
    FdInfo i = parse_fdinfo(
        "pos:\t0\ndrm-driver:\tamdgpu\ndrm-pdev:\t0000:03:00.0\ndrm-client-id:\t42\n"
        "drm-engine-gfx:\t123 ns\ndrm-memory-vram:\t3 MiB\ndrm-total-gtt:\t2048 KiB\n"
        "drm-memory-gtt:\t9 MiB\ndrm-resident-gtt:\t1024 KiB\ndrm-resident-vram:\t4096\n"
        "drm-shared-gtt:\t0\n",
        "fdinfo/9");
    CHECK(i.drm);
    CHECK(i.drm_driver == "amdgpu");
    CHECK(i.drm_pdev == "0000:03:00.0");
    CHECK(i.drm_client_id == "42");
    // vram: drm-memory only (3 MiB); gtt: drm-total (2 MiB) wins over its alias drm-memory.
    CHECK(i.drm_total == 3u * 1024 * 1024 + 2048u * 1024);
    CHECK(i.drm_resident == 1024u * 1024 + 4096);
    CHECK_FALSE(i.ino);
    // No trailing newline, blank lines, unknown keys: fine.
    FdInfo j = parse_fdinfo("\nfoo: bar\ndrm-total-vram: 1 KiB", "x");
    CHECK(j.drm_total == 1024);
}

TEST_CASE("malformed fdinfo names the file and line") {
    CHECK(error_of([] { parse_fdinfo("pos:\t0\nflags:\t02\nbroken line\n", "fdinfo/3"); }) ==
          "fdinfo/3:3: expected 'key: value'");
    CHECK(error_of([] { parse_fdinfo(": 5\n", "f"); }) == "f:1: expected 'key: value'");
    CHECK(error_of([] { parse_fdinfo("pos: 0\nsize:\t12x\n", "f"); }) ==
          "f:2: size: expected a number, got '12x'");
    CHECK(error_of([] { parse_fdinfo("ino:\n", "f"); }) == "f:1: ino: expected a number, got ''");
    CHECK(error_of([] { parse_fdinfo("drm-total-vram:\t12 GiB\n", "f"); }) ==
          "f:1: drm-total-vram: expected a number of bytes, KiB or MiB, got '12 GiB'");
    CHECK(error_of([] { parse_fdinfo("a: 1\nb: 2\ndrm-resident-gtt: lots\n", "f"); }) ==
          "f:3: drm-resident-gtt: expected a number of bytes, KiB or MiB, got 'lots'");
}

TEST_CASE("this process's descriptors: a pipe we open is there, typed") {
    int p[2];
    REQUIRE(::pipe(p) == 0);
    std::vector<OpenFd> fds = read_fd_table(ProcRoot{"/proc"}, ::getpid());
    int found = 0;
    for (const OpenFd& f : fds)
        if ((f.fd == p[0] || f.fd == p[1]) && f.type == "pipe") ++found;
    ::close(p[0]);
    ::close(p[1]);
    CHECK(found == 2);
}

TEST_CASE("a descriptor closed between readdir and readlink is skipped") {
    // The race, made deterministic: the numbers come from "readdir" (we hold them), then the
    // descriptors are closed, then read_fd_links reads the real /proc/self/fd.
    int p[2];
    REQUIRE(::pipe(p) == 0);
    int kept = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    REQUIRE(kept >= 0);
    ::close(p[0]);
    ::close(p[1]);
    std::vector<OpenFd> fds = read_fd_links(ProcRoot{}, "self/fd", {p[0], kept, p[1]});
    ::close(kept);
    REQUIRE(fds.size() == 1);
    CHECK(fds[0].fd == kept);
    CHECK(fds[0].target == "/dev/null");
    CHECK(fds[0].type == "device");
}

TEST_CASE("a captured fd/ entry that is not a link, or not a number, is malformed") {
    ScratchTree t;
    std::ofstream(t.dir + "/1/fd/3") << "not a link\n";
    CHECK(error_of([&] { read_fd_table(ProcRoot{t.dir}, 1); }) ==
          t.dir + "/1/fd/3: not a symbolic link");
    ::unlink((t.dir + "/1/fd/3").c_str());
    REQUIRE(::symlink("pipe:[7]", (t.dir + "/1/fd/5").c_str()) == 0);
    REQUIRE(::symlink("socket:[8]", (t.dir + "/1/fd/12").c_str()) == 0);
    std::vector<OpenFd> fds = read_fd_table(ProcRoot{t.dir}, 1);
    REQUIRE(fds.size() == 2);
    CHECK(fds[0] == OpenFd{5, "pipe:[7]", "pipe"});  // in numeric order
    CHECK(fds[1] == OpenFd{12, "socket:[8]", "socket"});
    REQUIRE(::symlink("pipe:[9]", (t.dir + "/1/fd/x1").c_str()) == 0);
    CHECK(error_of([&] { read_fd_table(ProcRoot{t.dir}, 1); }) ==
          t.dir + "/1/fd: entry 'x1' is not a descriptor number");
}

TEST_CASE("this process's threads: count and names") {
    ThreadSummary before = read_threads(ProcRoot{"/proc"}, ::getpid());
    std::atomic<bool> named{false}, stop{false};
    std::thread worker([&] {
        pthread_setname_np(pthread_self(), "fdtest-worker");
        named = true;
        while (!stop) std::this_thread::yield();
    });
    while (!named) std::this_thread::yield();
    ThreadSummary during = read_threads(ProcRoot{"/proc"}, ::getpid());
    stop = true;
    worker.join();
    CHECK(during.num == before.num + 1);
    CHECK(during.by_name["fdtest-worker"] == before.by_name["fdtest-worker"] + 1);
}

TEST_CASE("a captured task/ : a thread gone since readdir is skipped") {
    ScratchTree t;
    ::mkdir((t.dir + "/1/task").c_str(), 0755);
    for (const char* tid : {"1", "2", "3"}) ::mkdir((t.dir + "/1/task/" + tid).c_str(), 0755);
    std::ofstream(t.dir + "/1/task/1/comm") << "main\n";
    std::ofstream(t.dir + "/1/task/2/comm") << "pool worker\n";
    // task/3 has no comm: the thread exited between readdir and the read.
    ThreadSummary s = read_threads(ProcRoot{t.dir}, 1);
    CHECK(s.num == 2);
    CHECK(s.by_name == std::map<std::string, uint64_t>{{"main", 1}, {"pool worker", 1}});
}
