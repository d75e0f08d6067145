// procfs/process_select.h: which cgroup file text puts a process in a cgroup (watch --cgroup).
#include <doctest/doctest.h>

#include "procfs/process_select.h"

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
