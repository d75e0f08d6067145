// /proc/PID/status, /proc/PID/stat and /proc/meminfo parsers.
#include <doctest/doctest.h>

#include <string>

#include "model/error.h"
#include "procfs/meminfo.h"
#include "procfs/status.h"

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
}  // namespace

TEST_CASE("status fields") {
    ProcessStatus st = parse_status(
        "Name:\tmy worker\nUmask:\t0022\nState:\tS (sleeping)\nPid:\t4242\n"
        "Uid:\t1000\t1001\t1002\t1003\nVmPeak:\t  20000 kB\nVmSize:\t  19000 kB\n"
        "VmHWM:\t   5000 kB\nVmRSS:\t   4000 kB\nRssAnon:\t   1000 kB\nRssFile:\t   2900 kB\n"
        "RssShmem:\t    100 kB\nVmSwap:\t      7 kB\nThreads:\t3\n"
        "Cpus_allowed_list:\t0-1\n",
        "status");
    CHECK(st.name == "my worker");
    CHECK(st.pid == 4242);
    CHECK(st.uid == 1000);
    CHECK(st.vm_peak == 20000);
    CHECK(st.vm_size == 19000);
    CHECK(st.vm_hwm == 5000);
    CHECK(st.vm_rss == 4000);
    CHECK(st.rss_anon == 1000);
    CHECK(st.rss_file == 2900);
    CHECK(st.rss_shmem == 100);
    CHECK(st.vm_swap == 7);
    CHECK(st.threads == 3);
}

TEST_CASE("status Name is unescaped as the kernel escapes it") {
    // A process named `a\b"c` (prctl PR_SET_NAME) shows as `a\\b"c` in status, raw in comm.
    CHECK(parse_status("Name:\ta\\\\b\"c\nPid:\t1\n", "status").name == "a\\b\"c");
    CHECK(parse_status("Name:\tx\\ny\n", "status").name == "x\ny");
    CHECK(parse_status("Name:\tends\\\n", "status").name == "ends\\");
}

TEST_CASE("malformed status names the line") {
    CHECK(error_of([] { parse_status("Name:\tx\nno colon here\n", "st"); }) ==
          "st:2: expected 'Key: value'");
    CHECK(error_of([] { parse_status("VmRSS:\t12 MB\n", "st"); }) == "st:1: bad number for VmRSS");
    CHECK(error_of([] { parse_status("Uid:\tabc\n", "st"); }) == "st:1: bad number for Uid");
    CHECK(error_of([] { parse_status("Threads:\t99999999999999999999999\n", "st"); }) ==
          "st:1: bad number for Threads");
}

TEST_CASE("stat: comm with spaces and parentheses, state, flags, starttime") {
    // Fields after ')': 3 state, 4 ppid, ..., 9 flags, ..., 22 starttime.
    ProcessStat st = parse_stat(
        "123 (a (b) c) S 1 123 123 0 -1 4194560 100 0 0 0 5 6 0 0 20 0 1 0 987654 1000 200\n",
        "stat");
    CHECK(st.pid == 123);
    CHECK(st.comm == "a (b) c");
    CHECK(st.state == 'S');
    CHECK(st.ppid == 1);
    CHECK(st.flags == 4194560);
    CHECK(st.starttime == 987654);
    CHECK_FALSE(st.exiting());
    st.flags |= 0x4;  // PF_EXITING
    CHECK(st.exiting());
    st.flags = 0;
    st.state = 'Z';
    CHECK(st.exiting());
}

TEST_CASE("malformed stat") {
    CHECK(error_of([] { parse_stat("123 S 1\n", "stat"); }) ==
          "stat:1: expected 'pid (comm) state ...'");
    CHECK(error_of([] { parse_stat("x (c) S 1\n", "stat"); }) == "stat:1: bad pid");
    CHECK(error_of([] { parse_stat("1 (c) S 1 2 3\n", "stat"); }) == "stat:1: fewer than 22 fields");
    CHECK(error_of([] {
              parse_stat("1 (c) S 1 1 1 0 -1 x 0 0 0 0 0 0 0 0 20 0 1 0 5 1 1\n", "stat");
          }) == "stat:1: bad flags (field 9)");
    CHECK(error_of([] {
              parse_stat("1 (c) S x 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 1 0 5 1 1\n", "stat");
          }) == "stat:1: bad ppid (field 4)");
}

TEST_CASE("meminfo") {
    MemInfo mi = parse_meminfo("MemTotal:       24000000 kB\nMemFree: 100 kB\nHugePages_Total:       0\n", "mi");
    CHECK(mi.get("MemTotal") == 24000000u);
    CHECK(mi.get("MemFree") == 100u);
    CHECK(mi.get("HugePages_Total") == 0u);
    CHECK_FALSE(mi.get("MemAvailable").has_value());
    CHECK(error_of([] { parse_meminfo("MemTotal: lots\n", "mi"); }) == "mi:1: expected a number");
    CHECK(error_of([] { parse_meminfo("MemTotal 5 kB\n", "mi"); }) == "mi:1: expected 'Key: value kB'");
}
