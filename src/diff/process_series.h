#pragma once
// The processes of a many-process stream (`watch --all`, several PIDs, --name ...), each judged
// as diff judges one series, and ranked: which of them grew steadily, most certain first.
// Filled by formats/process_stream.h; bounded per process whatever the stream's length.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diff/series.h"
#include "diff/series_judge.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// Samples kept per process and view (SeriesPoints' thinning; the exact first, last, min and max
// stay exact): 600 processes hold 2 x 128 points each.
inline constexpr std::size_t kProcessSeriesKept = 128;

// One process of the stream, from its first line to its last (or its gone line).
struct ProcessSeries {
    int64_t pid = 0;
    uint64_t starttime = 0;
    std::string name;
    uint32_t uid = 0;    // of its first line, as its name: what diff --group-by groups by
    std::string cgroup;  // "" when its lines do not say
    uint64_t first_line = 0, last_line = 0;  // of its samples, in the file
    uint64_t first_tick = 0;                 // the "tick" of its first line
    std::optional<std::string> gone;  // the gone line's reason, when the stream has one

    // Every sample as totals (its categories dropped, so a full sample and a smaps_rollup one
    // measure the same): Pss + SwapPss and threads over every tick.
    SeriesSample first_total, last_total;
    SeriesPoints totals{kProcessSeriesKept};
    // The samples read in full (categories, descriptors, threads): what grew.
    uint64_t full_samples = 0;
    Snapshot first_full, last_full;
    std::string first_full_origin, last_full_origin;  // "FILE:N"
    SeriesPoints full{kProcessSeriesKept};

    // "42@2465592" : how --pid names this process when its PID was reused.
    std::string key() const { return std::to_string(pid) + "@" + std::to_string(starttime); }
};

// A sample as totals only (light: categories, descriptors and GPU dropped; status threads kept).
SeriesSample totals_only(const SeriesSample& s);

struct ProcessVerdict {
    const ProcessSeries* process = nullptr;
    SeriesJudgement totals;               // over every sample: the total and threads
    std::optional<SeriesJudgement> full;  // over the full samples (two or more): the groups
    bool leak = false;
    bool from_full = false;  // the full samples have a trend and flag a group
    // The verdicts, dominant first: the full samples' when from_full, else the totals'.
    const Verdicts& verdicts() const { return from_full ? full->verdicts : totals.verdicts; }
    // How certain the growth is: the Mann-Kendall z of the total over every sample (0 without
    // a trend), then by how far past its threshold.
    double certainty = 0;
};

// Judges every process (judge_series over its totals and over its full samples) and returns
// them ranked: leaking ones first, most certain first, then the rest in stream order. A
// process leaks when its totals' shape is a leak (steady growth, a step that stayed, a rising
// sawtooth floor) or, with a trend (kMinTrendSamples full samples), a group of its full
// samples is. `process` points into `processes`, which must outlive the result.
std::vector<ProcessVerdict> rank_processes(const std::vector<ProcessSeries>& processes,
                                           const Thresholds& thresholds, JsHeapMode js_mode);

}  // namespace memsnap
