#pragma once
// Which processes of a proc root a many-process watch follows: every one, those whose comm
// matches a pattern, a user's, a cgroup's, named PIDs, and with `children` their descendants.
// Reads <pid>/stat of each (status for a user, cgroup for a cgroup); returns them in PID order.
// Unfiltered (every process, named PIDs; not with children), a process already seen is known by its directory's
// inode instead: the kernel makes a new inode for a new process, so a PID reused is read anew.
#include <regex.h>

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "model/function_ref.h"
#include "procfs/process.h"

namespace memsnap {

struct ProcessFilter {
    bool all = false;
    std::string name_pattern;     // POSIX extended regex on comm, unanchored (as pgrep)
    std::optional<uint32_t> uid;  // status' real Uid
    // A cgroup as /proc/PID/cgroup names it ("/system.slice/ssh.service"; a leading
    // "/sys/fs/cgroup" is dropped): the processes in it and in the cgroups below it.
    std::string cgroup;
    std::vector<int64_t> pids;  // named processes, selected whatever the rest says
    bool children = false;      // also every descendant of a selected process (stat's ppid)
};

// One live process (not a kernel thread) under the root at the time of the call.
struct LiveProcess {
    int64_t pid = 0;
    uint64_t starttime = 0;  // stat field 22: with the PID, tells it from a later process
    std::string comm;
    bool named = false;     // one of ProcessFilter::pids
    bool selected = false;  // matched the filter (named, pattern, user, cgroup, or a child)
};

class ProcessSelector {
  public:
    // Compiles the pattern: Error(Usage, "--name 'P': why") when it is not a valid regex.
    explicit ProcessSelector(ProcessFilter filter);
    ~ProcessSelector();
    ProcessSelector(const ProcessSelector&) = delete;
    ProcessSelector& operator=(const ProcessSelector&) = delete;

    // Every process of the root with its stat readable and an address space (no kernel
    // thread: PF_KTHREAD), on up to `jobs` threads (procfs/parallel_read.h), in PID order. A
    // process that vanished, or whose files cannot be read, is left out (its status or cgroup
    // unreadable: not selected). Throws only when the root itself cannot be listed.
    // Unfiltered, a process whose <pid> directory has the inode it had at the last call is
    // taken from that call (its stat is not read again: a stat of the directory instead).
    // A PID `vouched` for (the caller holds a file of that process open, whose next read
    // fails once the process is gone: procfs/rollup_files.h) that the last call knew is taken
    // from it with no stat at all; the caller calls forget(pid) when that read fails.
    std::vector<LiveProcess> list(const ProcRoot& root, unsigned jobs,
                                  std::optional<FunctionRef<bool(int64_t)>> vouched = std::nullopt);
    // The next list() reads the process of `pid` anew.
    void forget(int64_t pid) { known_.erase(pid); }

  private:
    // What the last list() read of a process's stat, and its directory's inode then.
    struct Known {
        uint64_t inode = 0;
        LiveProcess process;
        int64_t ppid = 0;
        bool kernel_thread = false;
    };
    ProcessFilter filter_;
    std::optional<regex_t> pattern_;
    std::unordered_map<int64_t, Known> known_;  // by PID
};

// True when the cgroup file text (lines "ID:CONTROLLERS:PATH") puts the process in `cgroup`
// or below it; `cgroup` "/" holds every process.
bool in_cgroup(std::string_view cgroup_file, std::string_view cgroup);

}  // namespace memsnap
