#pragma once
// Reads every process under a proc root for the all-process overview.
#include <cstdint>
#include <optional>

#include "model/process_list.h"
#include "procfs/process.h"
#include "procfs/smaps.h"

namespace memsnap {

struct ProcessListOptions {
    bool categories = false;     // read full smaps (native/js columns) instead of smaps_rollup
    bool kernel_threads = false;  // keep processes with no mappings
    bool count_fds = false;      // count the entries of <pid>/fd/
    std::optional<uint32_t> uid;  // only processes of this user
    bool infer = true;            // with categories: shape inference (model/shape_rules.h)
    RuleSetId rules = RuleSetId::Memsnap;  // with categories: the rows (model/rules/)
    // hidumper's Name column: argv[0] of <pid>/cmdline (its last path part when it has
    // "/bin"), status Name when cmdline is empty or unreadable.
    bool cmdline_names = false;
    bool vmallocinfo = false;  // sum <root>/vmallocinfo's sizes (hidumper's Kernel Usage)
    bool cgroups = false;      // fill each row's cgroup from <pid>/cgroup (procfs/cgroup.h)
    // Threads reading processes at once (each with its own buffers); 0: the online CPUs
    // (listing_jobs). The result is the same whatever the number: rows, skips and totals in
    // PID order. A tarball root is always read on one thread.
    unsigned jobs = 1;
};

// The number of threads `jobs` stands for: itself, or for 0 the online CPUs.
unsigned listing_jobs(unsigned jobs);

// Reads <pid>/status and <pid>/smaps_rollup (or smaps with `categories`, which also fills
// the list's category_totals) of every process, and <root>/meminfo. A process that exits while being read, may not be read or has a
// malformed file is skipped and recorded with its reason, never an error for the listing.
// Rows are in PID order, whatever options.jobs. Processes that share one address space
// (CLONE_VM without CLONE_THREAD) get `same_mm_as` set to the lowest PID of them, by this rule:
// their mappings span the same range (the lowest start and highest end of smaps_rollup or of
// smaps), and, on the live /proc, kcmp(KCMP_VM) says they share one address space; where the
// kernel cannot say (a captured tree, a process kcmp may not inspect), their memory totals
// (Size, Rss, Swap and the mapping count; not Pss or the shared/private split, which other
// processes mapping the same pages move) and status' mm-wide sizes (VmPeak, VmSize, VmHWM,
// VmRSS, RssAnon, RssFile, RssShmem, VmSwap) are all equal. kcmp does not depend on when each
// process was read: a shared address space that changes between the two reads still counts
// once.
// Throws only when the root itself cannot be
// listed (or, rethrown in PID order, what is not an Error: out of memory). `reader` serves the
// calling thread, which reads too; the other threads make their own.
ProcessList collect_process_list(const ProcRoot& root, SmapsReader& reader,
                                 const ProcessListOptions& options);

}  // namespace memsnap
