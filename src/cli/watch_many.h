#pragma once
// `memsnap watch --all | PID... | --name P | --user U | --cgroup PATH [--children]`: every tick,
// the selected processes read (smaps_rollup, or full smaps by the rule below) into one NDJSON
// stream (formats/process_stream.h); returns the exit code.
#include <cstdint>
#include <string>
#include <vector>

#include "model/rules/rule_set.h"
#include "procfs/process_select.h"

namespace memsnap {

// Full smaps (categories, descriptors, threads) for a process, rather than smaps_rollup:
// - a PID named on the command line: at every tick (as `watch PID`);
// - any other: at its first tick in the stream, when its Pss + SwapPss moved by at least
//   kFullReadBoundKb since its last full read, and at least every `full_every` ticks sampled
//   (ticks an overrun skipped do not count);
// - none with --light (smaps_rollup and status only, for every process).
inline constexpr uint64_t kFullReadBoundKb = 1024;

struct WatchManyOptions {
    std::vector<std::string> pids;  // PID, 'self' or an exact comm; resolved once, at start
    ProcessFilter filter;           // all / name_pattern / uid / cgroup / children (pids: ours)
    std::string proc_root = "/proc";
    int64_t interval_ms = 1000;
    int64_t count = -1;        // ticks; -1: no limit
    int64_t duration_ms = -1;  // -1: no limit
    std::string output;        // "" for standard output
    bool light = false;
    bool infer = true;
    RuleSetId rules = RuleSetId::Memsnap;
    int64_t full_every = 60;
    unsigned jobs = 0;  // reading threads; 0: the online CPUs
};

// Samples until count/duration or SIGINT/SIGTERM. Exit 0; 3 when only PIDs were named and every
// one of them has gone; errors (Usage, NotFound for a named PID, Io) are thrown.
int run_watch_many(const WatchManyOptions& options);

}  // namespace memsnap
