#include "diff/series_judge.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <string>
#include <utility>

namespace memsnap {

SeriesJudgement judge_series(const Snapshot& first, const Snapshot& last, const SeriesPoints& points,
                             const Thresholds& thresholds, JsHeapMode js_mode) {
    SeriesJudgement out;
    out.diff = diff_snapshots(first, last);
    out.verdicts = judge(first, last, out.diff, thresholds, resolve_js_heap_rule(js_mode, first, last));
    out.trend = points.size() >= kMinTrendSamples;
    if (out.trend) {
        out.analysis = analyse_series(points, out.verdicts, thresholds);
        // The shape decides: a step that stayed up is a leak, a spike that fell back is not, a
        // sawtooth is judged by its floor, a significant trend whatever its relative size.
        for (std::size_t g = 0; g < kGroupCount; ++g) {
            const GroupSeries& gs = out.analysis.groups[g];
            GroupGrowth& growth = out.verdicts.groups[g];
            growth.flagged = gs.leak;
            growth.shape = std::string(shape_words(gs.shape.shape));
            growth.peak_delta = std::llround(gs.trend.max - gs.trend.first);
            if (gs.leak)
                growth.score = (gs.shape.tail - gs.trend.first) /
                               static_cast<double>(std::max<uint64_t>(growth.threshold.absolute, 1));
        }
        std::array<bool, kGroupCount> all;
        all.fill(true);
        select_verdicts(out.verdicts, all);
        // The series' leaks are the verdicts: the total only when no memory group leaks, native
        // not when it is V8's bookkeeping beside the JS heap.
        SeriesAnalysis& a = out.analysis;
        a.leaks.clear();
        for (const GroupGrowth& g : out.verdicts.flagged) a.leaks.push_back(g.group);
        for (GroupSeries& gs : a.groups)
            gs.leak = std::find(a.leaks.begin(), a.leaks.end(), gs.group) != a.leaks.end();
    }
    return out;
}

}  // namespace memsnap
