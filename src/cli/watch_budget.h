#pragma once
// watch's sampling budget (issue 20): what one sample costs against the interval, the one
// message said when samples do not fit it, and, under --budget PCT, the rule that decides tick
// by tick between a full smaps read and a smaps_rollup-only look. Pure: times come in as values.

#include <cstdint>
#include <string>

#include "model/snapshot.h"

namespace memsnap {

// The shortest interval of the 10-20-50 series (10ms, 20ms, 50ms, 100ms, ... 1s, 2s, 5s, 10s,
// ...) that is at least `cost_ms` and a quarter more: the fastest cadence a sample of that cost
// fits with room to spare. Never below 10 ms, watch's floor.
int64_t fitting_interval_ms(int64_t cost_ms);

// "--budget 5%" or "5" -> 0.05. Usage error unless 0 < PCT <= 100.
double parse_budget(const std::string& text);

// Counts the samples that overran the interval, keeps their cost, and says the first overrun
// once (what it cost, the cadence that fits, --light): later ones go to the summary.
class OverrunReport {
  public:
    explicit OverrunReport(int64_t interval_ms) : interval_ms_(interval_ms) {}
    // One sample of `cost_ms` (wall: reading and writing it) made the watch miss `missed`
    // ticks. Returns the message to print for the first overrun, else "".
    std::string overran(int64_t cost_ms, int64_t missed, bool light, int64_t sample_no);
    // "" when no sample overran; else "N of M samples overran the 20ms interval (K ticks
    // skipped; they cost up to X ms: --interval Yms fits)".
    std::string summary(int64_t samples) const;
    int64_t overruns() const { return overruns_; }

  private:
    int64_t interval_ms_;
    int64_t overruns_ = 0;
    int64_t missed_ = 0;
    int64_t worst_ms_ = 0;
};

// --budget: each tick either reads the full smaps (categories; one NDJSON line) or only
// smaps_rollup and status (nothing written). A full read happens on the first tick, and later
// when both hold:
//  - the reads so far cost no more than `fraction` of the time watched (CPU time of memsnap,
//    user + system, against wall time since the first tick), and
//  - the rollup's Pss + SwapPss moved by at least kMoveKb since the last full read, or the
//    descriptor or thread count changed, or kEveryTicks ticks went by without a full read.
class SampleBudget {
  public:
    static constexpr uint64_t kMoveKb = 1024;
    static constexpr int64_t kEveryTicks = 60;

    explicit SampleBudget(double fraction) : fraction_(fraction) {}

    // What the last full read saw: the reference the rollup is compared with.
    struct Seen {
        uint64_t pss_kb = 0;  // Pss + SwapPss
        uint64_t fds = 0;
        uint64_t threads = 0;
    };
    // Before tick `tick` (0-based), `elapsed_ms` after the first one began: is a full read
    // due, given what this tick's rollup look saw (no look is needed before the first)?
    bool want_full(int64_t tick, int64_t elapsed_ms, const Seen& now) const;
    void add_cost(int64_t cpu_us) { cpu_us_ += cpu_us; }
    // A tick that only looked at the rollup, at this cost.
    void looked(int64_t cpu_us) {
        ++rollup_reads_;
        cpu_us_ += cpu_us;
        look_cpu_us_ += cpu_us;
    }
    void read_full(int64_t tick, const Seen& seen);
    // The summary's line: reads, looks, the CPU share; and when the looks alone cost more than
    // the budget allows a tick, that there is no room left and the interval that would fit.
    std::string summary(const std::string& pct_text, int64_t watched_ms, int64_t interval_ms) const;

    int64_t full_reads() const { return full_reads_; }
    int64_t rollup_reads() const { return rollup_reads_; }
    int64_t cpu_us() const { return cpu_us_; }

  private:
    double fraction_;
    int64_t cpu_us_ = 0;
    int64_t full_reads_ = 0;
    int64_t rollup_reads_ = 0;
    int64_t look_cpu_us_ = 0;
    int64_t last_full_tick_ = -1;
    Seen last_full_;
};

// What a snapshot (full or rollup) shows the budget: its Pss + SwapPss, fds and threads.
SampleBudget::Seen seen_of(const Snapshot& s);

}  // namespace memsnap
