#pragma once
// Builds a Snapshot of one process from its procfs files (live /proc or a captured tree).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/accumulate.h"
#include "model/descriptor.h"
#include "model/snapshot.h"
#include "procfs/process.h"
#include "procfs/smaps.h"

namespace memsnap {

struct CollectOptions {
    bool system = true;  // read <root>/meminfo into Snapshot::system (skipped when absent)
    bool light = false;  // read smaps_rollup instead of smaps: Snapshot::rollup, no categories
    // Read <pid>/fd/ (readlink of each), fdinfo/ of dmabuf and DRM descriptors and task/*/comm
    // into Snapshot::fd, thread, dma, gpu and the GL and Graph rows (no rows when light). Once
    // per snapshot, after smaps; a captured tree without fd/ or task/ leaves those parts empty.
    bool resources = true;
    bool infer = true;  // attribute unnamed anonymous mappings by shape (model/shape_rules.h)
    RuleSetId rules = RuleSetId::Memsnap;  // the rows (model/rules/rule_set.h), in Snapshot::rules
    bool mappings = false;  // keep every mapping in Snapshot::mappings (snapshot --mappings)
    // Told every mapping and its row as smaps is read (memsnap --mem-smaps); not when light.
    std::optional<MappingListener> on_mapping = std::nullopt;
    // Called once smaps is read, with the accumulator: row_of_match() then gives the final row
    // of what on_mapping was told belongs to a shape match.
    std::optional<FunctionRef<void(const MemoryAccumulator&)>> on_finish = std::nullopt;
};

// Reads <pid>/stat, status and smaps (streamed through `reader`), with `resources` fd/, fdinfo/
// and task/, and <root>/meminfo, and returns the snapshot stamped with the current time
// (js_runtime from the name and the mapped libraries, model/runtime.h). Dmabuf mappings and GPU
// device mappings fill dma/gpu even without `resources`. When `fd_list` is given, the
// descriptors read are stored in it (memsnap --mem --fds). Errors name the PID and the file:
// NotFound when the process does not exist or exits while being read (its smaps would be
// truncated, so the result would be wrong), Permission with a hint, Malformed for bad files.
Snapshot collect_snapshot(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          const CollectOptions& options = {},
                          std::vector<OpenFd>* fd_list = nullptr);

// Classifies a lone smaps file (`-` for stdin) with no other context: categories and the
// native heap breakdown, and the dma/gpu parts its dmabuf and GPU device mappings give
// (options.infer, rules, mappings, on_mapping and on_finish as above; the others do not apply).
Snapshot classify_smaps_file(const std::string& path, SmapsReader& reader,
                             const CollectOptions& options = {});

// The totals of <pid>/smaps_rollup alone, one file (watch's steady ticks, cli/watch_many.cpp):
// nullopt for a process without mappings. Errors as the reader's: NotFound when it is gone.
std::optional<MemUsage> read_rollup_totals(const ProcRoot& root, int64_t pid, SmapsReader& reader);

// `last` (a light sample of a live process) read again where it can change while its
// smaps_rollup reads the same: status (name, uid, VmHWM, threads, ...) and cgroup, stamped with
// the current time. For a caller that knows the process is still the one `last` was read from
// and its rollup unchanged (watch --all's held file, procfs/rollup_files.h). Errors as
// collect_snapshot's; NotFound also when status shows no address space (exiting meanwhile).
Snapshot refresh_light_snapshot(const ProcRoot& root, const Snapshot& last);

// Unix time now, in milliseconds.
int64_t unix_time_ms();

}  // namespace memsnap
