#include "diff/series.h"

#include <algorithm>

#include "diff/snapshot_diff.h"

namespace memsnap {

SeriesAnalysis analyse_series(const std::vector<Snapshot>& samples, const Verdicts& verdicts,
                              const Thresholds& thresholds) {
    SeriesAnalysis out;
    const Snapshot& first = samples.front();
    std::vector<double> minutes;
    minutes.reserve(samples.size());
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        out.groups[g].group = static_cast<Group>(g);
        out.groups[g].values.reserve(samples.size());
    }
    for (const Snapshot& s : samples) {
        minutes.push_back(static_cast<double>(s.time_ms - first.time_ms) / 60000.0);
        Verdicts v = judge(first, s, diff_snapshots(first, s), thresholds, verdicts.js_rule);
        for (std::size_t g = 0; g < kGroupCount; ++g)
            out.groups[g].values.push_back(static_cast<double>(v.groups[g].change.after));
    }
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        GroupSeries& gs = out.groups[g];
        gs.trend = analyse_trend(minutes, gs.values);
        const GroupGrowth& end = verdicts.groups[g];
        gs.leak = end.flagged && gs.trend.slope_per_min > 0 &&
                  gs.trend.p_value < kTrendSignificance;
        // A spike: at its peak the group was past both thresholds, yet it is no steady leak.
        const Threshold& th = thresholds[gs.group];
        double rise = gs.trend.max - gs.trend.first;
        bool peak_past = rise >= static_cast<double>(th.absolute) &&
                         (gs.trend.first <= 0 || rise * 100.0 / gs.trend.first >= th.percent);
        gs.spike = !gs.leak && peak_past;
    }
    for (const GroupGrowth& g : verdicts.flagged) {
        if (out.groups[static_cast<std::size_t>(g.group)].leak) out.leaks.push_back(g.group);
    }
    return out;
}

}  // namespace memsnap
