#pragma once
// Finding processes under a proc root: the live /proc, a captured tree laid out like it, or a
// capture's tarball (procfs/source.h). Every reader reads through a ProcRoot.
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "procfs/source.h"

namespace memsnap {

class ProcRoot {
public:
    ProcRoot() : ProcRoot(std::string("/proc")) {}  // the live /proc
    ProcRoot(std::string dir) : source_(filesystem_source(std::move(dir))) {}  // a directory tree
    explicit ProcRoot(std::shared_ptr<const ProcSource> source) : source_(std::move(source)) {}

    const ProcSource& source() const { return *source_; }
    // "<pid>/<file>", relative to the root like every path a source takes.
    std::string pid_path(int64_t pid, std::string_view file) const;
    // `path` as messages show it ("/proc/42/smaps", "cap.tar:42/smaps").
    std::string display(std::string_view path) const { return source_->display(path); }

private:
    std::shared_ptr<const ProcSource> source_;
};

// The root a user names with --proc-root: a directory, or a tarball (open_source()).
ProcRoot open_proc_root(const std::string& path);

// True when <pid> is a directory of the root.
bool has_process(const ProcRoot& root, int64_t pid);

// Every numeric directory of the root, ascending.
std::vector<int64_t> list_pids(const ProcRoot& root);

// For a process whose main thread has exited while other threads run on (its /proc/PID is a
// zombie with an empty smaps, but the process holds all its memory): "task/<tid>/" of a live
// thread, whose smaps and smaps_rollup show the process's address space. "" when the process is
// not in that state (or its task/ cannot be read: a captured tree).
std::string live_thread_dir(const ProcRoot& root, int64_t pid);

// Turns a user's PID argument into a PID of `root`: a number (which must exist under the root),
// `self` (the root's self link: memsnap itself on a live /proc), or a process name matched
// exactly against <pid>/comm. Throws Error(NotFound, "no process 42" / "no process named X"),
// or Error(Usage, ...) when a name matches several processes, listing them.
int64_t resolve_process(const ProcRoot& root, std::string_view spec);

}  // namespace memsnap
