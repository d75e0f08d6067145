// procfs/cgroup.h: the cgroup path `--group-by cgroup` names a process by, from cgroup file text.
#include <doctest/doctest.h>

#include "procfs/cgroup.h"

using namespace memsnap;

TEST_CASE("cgroup v2: the path of the 0:: line") {
    CHECK(cgroup_path_of("0::/system.slice/nginx.service\n") == "/system.slice/nginx.service");
    CHECK(cgroup_path_of("0::/\n") == "/");
}

TEST_CASE("hybrid v1/v2: the unified hierarchy's line wins over the v1 memory controller") {
    const char* hybrid = "12:memory:/docker/abc\n1:name=systemd:/docker/abc\n0::/init.scope\n";
    CHECK(cgroup_path_of(hybrid) == "/init.scope");
}

TEST_CASE("v1 only: the hierarchy with the memory controller, also in a list of controllers") {
    CHECK(cgroup_path_of("4:cpu,cpuacct:/a\n3:blkio,memory:/b\n1:name=systemd:/c\n") == "/b");
    // "memoryx" is not "memory"; a line without two colons is skipped.
    CHECK(cgroup_path_of("2:memoryx:/a\nbroken\n") == "");
}

TEST_CASE("no usable line: empty, never an error") {
    CHECK(cgroup_path_of("") == "");
    CHECK(cgroup_path_of("0:cpu:/x") == "");  // id 0 with controllers is not the v2 line
}
