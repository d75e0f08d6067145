#pragma once
// A series of snapshots of one process (watch, or a shell loop of `snapshot --append`): the
// trend of every verdict group, and which growth is a steady leak rather than a spike.
#include <array>
#include <vector>

#include "diff/trend.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

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

// Analyses `samples` (at least two, in time order, one process). Each group's value per sample
// is what judge() measures for it; `verdicts` is the first-vs-last judgement of the series.
SeriesAnalysis analyse_series(const std::vector<Snapshot>& samples, const Verdicts& verdicts,
                              const Thresholds& thresholds);

}  // namespace memsnap
