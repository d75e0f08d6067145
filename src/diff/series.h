#pragma once
// A series of snapshots of one process (watch, or a shell loop of `snapshot --append`): the
// trend of every verdict group, and which growth is a steady leak rather than a spike.
#include <array>
#include <vector>

#include "diff/trend.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// What a trend needs of one sample; a long series keeps this, not whole snapshots.
struct SeriesSample {
    int64_t time_ms = 0;
    int64_t pid = 0;
    uint64_t starttime = 0;
    std::array<uint64_t, kCategoryCount> pss{};  // by Category
    bool light = false;
    uint64_t total_pss = 0;  // light samples: smaps_rollup's Pss
    uint64_t fd_num = 0;
    uint64_t thread_num = 0;
    uint64_t status_threads = 0;
    uint64_t dma_total = 0;
    uint64_t gpu_total = 0;
    uint64_t gpu_mapped = 0;
};

// The sample of a full snapshot.
SeriesSample sample_of(const Snapshot& s);
// A snapshot holding only what the sample knows (for judge()).
Snapshot snapshot_of(const SeriesSample& s);

struct GroupSeries {
    Group group;
    std::vector<double> values;  // the group's value at each sample (kB Pss, or a count)
    Trend trend;
    bool leak = false;   // grew steadily: first-vs-last past the threshold, slope > 0, p < 0.05
    bool spike = false;  // its peak was past the threshold, but it did not grow steadily
};

struct SeriesAnalysis {
    std::array<GroupSeries, kGroupCount> groups;  // indexed by Group
    std::vector<Group> leaks;  // leaking groups, dominant (highest first-vs-last score) first
};

// The p-value below which a trend counts as steady.
inline constexpr double kTrendSignificance = 0.05;

// Analyses `samples` (at least two, in time order, one process) whose first sample is `first`.
// Each group's value per sample is what judge() measures for it; `verdicts` is the
// first-vs-last judgement of the series.
SeriesAnalysis analyse_series(const Snapshot& first, const std::vector<SeriesSample>& samples,
                              const Verdicts& verdicts, const Thresholds& thresholds);

}  // namespace memsnap
