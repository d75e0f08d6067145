#pragma once
// memsnap serve's sampler: reads the selected processes under a proc root once per call (all
// of them through the listing's smaps_rollup, full smaps for named PIDs, --name or
// --categories) and renders the Prometheus exposition of that sample with the exporter's cost.
#include <regex.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/prom.h"
#include "model/process_list.h"
#include "model/rules/rule_set.h"
#include "model/snapshot.h"
#include "procfs/process.h"
#include "procfs/smaps.h"

namespace memsnap {

// Which processes a sample reads. With neither `pids` nor `name_pattern`, every process.
struct ServeSelection {
    std::vector<std::string> pids;  // PID, 'self' or an exact comm; resolved once, at start
    std::string name_pattern;       // POSIX extended regex on comm, unanchored (as pgrep), every sample
    bool all = false;               // every process (smaps_rollup) besides `pids` and the pattern
    bool categories = false;        // full smaps (categories) for every process of `all` too
};

struct ServeSamplerOptions {
    std::string proc_root = "/proc";
    ServeSelection selection;
    // --group-by: every process read is summed into its group (memsnap_process_group_*), and
    // only the processes named (PIDs, --name) keep their own families; with --categories the
    // others are read through the listing's full smaps, not as snapshots.
    std::optional<GroupBy> group_by;
    bool infer = true;
    RuleSetId rules = RuleSetId::Memsnap;
};

// One sample: what was read, before it is rendered. `rollups` are the processes read through
// the listing (no categories); `full` those read with categories; a PID is in one of them at
// most. With --group-by, render() sums both into groups.
struct ServeSample {
    ProcessList rollups;
    std::vector<Snapshot> full;
    std::vector<SkippedProcess> skipped;  // every skipped process, listing's and ours
    SystemMemory system;
    double seconds = 0;  // reading time
    std::string error;   // set when the root itself could not be listed: nothing else is
};

class ServeSampler {
  public:
    // Opens the root, resolves `pids` (Error NotFound/Usage as `memsnap --mem PID` says) and
    // compiles the pattern (Error Usage naming it).
    explicit ServeSampler(ServeSamplerOptions options);
    ~ServeSampler();
    ServeSampler(const ServeSampler&) = delete;
    ServeSampler& operator=(const ServeSampler&) = delete;

    // Reads every selected process once. A process that cannot be read is skipped with its
    // reason, never an error; a named PID that went away, or whose PID now belongs to another
    // process, is skipped as "gone" (said once on stderr). Never throws for the root either:
    // ServeSample::error says it.
    ServeSample read();

    // read() and the whole exposition: the processes' metrics (full: per category and group;
    // rollups: the listing's), the system's, and the exporter's own (formats/prom.h
    // add_exporter_metrics), counting this sample.
    std::string sample();

    // How many processes the selection named (PIDs) and whether it reads all processes.
    std::string describe() const;

  private:
    void read_named(ServeSample& out, int64_t pid, std::size_t index);
    std::string render(const ServeSample& s);
    // The sample's processes (rollups and full) summed into groups (--group-by).
    ProcessList grouped(const ServeSample& s) const;

    ServeSamplerOptions options_;
    ProcRoot root_;
    SmapsReader reader_;
    std::vector<int64_t> pids_;
    std::vector<std::optional<uint64_t>> starttimes_;  // of each named PID, once first read
    std::vector<bool> reported_gone_;
    std::optional<regex_t> pattern_;
    uint64_t samples_ = 0;
    uint64_t failed_ = 0;
    bool reported_error_ = false;
};

}  // namespace memsnap
