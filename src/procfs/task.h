#pragma once
// Reader for /proc/PID/task/*/comm: the threads of a process and their names.
#include <cstdint>

#include "model/snapshot.h"
#include "procfs/process.h"

namespace memsnap {

// Lists <pid>/task/ and reads each thread's comm (one trailing newline removed): the thread
// count and a count per name. A thread that exits between readdir and the read is skipped.
// Errors: the directory cannot be listed -> from errno (NotFound, Permission, Io) naming it;
// a comm that cannot be read for another reason -> from errno, naming the file.
ThreadSummary read_threads(const ProcRoot& root, int64_t pid);

}  // namespace memsnap
