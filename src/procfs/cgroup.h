#pragma once
// The cgroup a process is in, from /proc/PID/cgroup (lines "ID:CONTROLLERS:PATH"): the
// unified (v2) hierarchy's path, what `--group-by cgroup` and systemd name a process by.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/function_ref.h"
#include "procfs/process.h"

namespace memsnap {

// One "ID:CONTROLLERS:PATH" line of a cgroup file ("0::/init.scope", "4:cpu,memory:/x").
struct CgroupLine {
    std::string_view id, controllers, path;
};

// Calls `on_line` for each line of the text with two colons, in order, until it returns false
// (other lines are passed over).
void for_each_cgroup_line(std::string_view cgroup_file, FunctionRef<bool(const CgroupLine&)> on_line);

// The path of the "0::PATH" line (cgroup v2; also present on a hybrid v1/v2 system); on a
// v1-only system the path of the hierarchy with the `memory` controller, the one that accounts
// memory. "" when the text has neither (never an error: the file's other lines are ignored).
std::string cgroup_path_of(std::string_view cgroup_file);

// Reads <pid>/cgroup of `root` (at most 64 KiB) and returns cgroup_path_of() it. Errors as
// read_small_file: NotFound when the process or the file (an older capture) is not there.
std::string read_cgroup_path(const ProcRoot& root, int64_t pid);

}  // namespace memsnap
