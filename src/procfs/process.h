#pragma once
// Finding processes under a proc root: the live /proc or a captured tree laid out like it.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace memsnap {

struct ProcRoot {
    std::string dir = "/proc";

    // "<dir>/<pid>/<file>".
    std::string pid_path(int64_t pid, std::string_view file) const;
    // "<dir>/<file>" (meminfo, ...).
    std::string path(std::string_view file) const;
};

// True when <dir>/<pid> is a directory.
bool has_process(const ProcRoot& root, int64_t pid);

// Every numeric directory of the root, ascending.
std::vector<int64_t> list_pids(const ProcRoot& root);

// Turns a user's PID argument into a PID of `root`: a number (which must exist under the root),
// `self` (the root's self link: memsnap itself on a live /proc), or a process name matched
// exactly against <pid>/comm. Throws Error(NotFound, "no process 42" / "no process named X"),
// or Error(Usage, ...) when a name matches several processes, listing them.
int64_t resolve_process(const ProcRoot& root, std::string_view spec);

}  // namespace memsnap
