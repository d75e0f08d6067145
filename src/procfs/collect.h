#pragma once
// Builds a Snapshot of one process from its procfs files (live /proc or a captured tree).
#include <cstdint>
#include <string>

#include "model/snapshot.h"
#include "procfs/process.h"
#include "procfs/smaps.h"

namespace memsnap {

struct CollectOptions {
    bool system = true;  // read <root>/meminfo into Snapshot::system (skipped when absent)
    bool light = false;  // read smaps_rollup instead of smaps: Snapshot::rollup, no categories
};

// Reads <pid>/stat, status and smaps (streamed through `reader`) and <root>/meminfo, and
// returns the snapshot stamped with the current time (js_runtime from the name and the mapped
// libraries, model/runtime.h). Errors name the PID and the file:
// NotFound when the process does not exist or exits while being read (its smaps would be
// truncated, so the result would be wrong), Permission with a hint, Malformed for bad files.
Snapshot collect_snapshot(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          const CollectOptions& options = {});

// Classifies a lone smaps file (`-` for stdin) with no other context: categories and the
// native heap breakdown only.
Snapshot classify_smaps_file(const std::string& path, SmapsReader& reader);

// Unix time now, in milliseconds.
int64_t unix_time_ms();

}  // namespace memsnap
