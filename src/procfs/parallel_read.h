#pragma once
// Reading many processes at once: runs one read per item on up to N threads, each thread with
// its own buffers. Shared by the all-process listing and `watch --all`.
#include <cstddef>

#include "model/function_ref.h"
#include "procfs/process.h"

namespace memsnap {

// The threads that reading `items` processes of `root` with --jobs `jobs` takes: listing_jobs
// (0: the online CPUs), 1 for a root that must be read in order (a tarball), never more than
// the items (at least 1).
unsigned parallel_read_jobs(const ProcRoot& root, std::size_t items, unsigned jobs);

// Calls read(i, worker) once for every i in [0, items), on `jobs` threads: with one, the
// calling thread reads; with more, `jobs` threads are started for the call (workers 0 to
// jobs - 1; a worker uses its own buffers: readers[worker]) and the caller waits. A caller that
// read its share as worker 0 made the all-process listing slower on this 2-CPU machine (100
// rounds beside cat on 65 processes: 1.22x against 1.04x; 0.64x against 0.62x on 1 065), its
// wall time never its CPU. Each worker takes the next item (sizes differ a thousandfold, so
// fixed shares would leave one thread with the big ones). `read` must not throw: it stores its
// outcome in the item's own slot. When no more threads can be started (RLIMIT_NPROC) those
// started do the work, and the caller when none could be.
void read_in_parallel(std::size_t items, unsigned jobs,
                      FunctionRef<void(std::size_t, unsigned)> read);

}  // namespace memsnap
