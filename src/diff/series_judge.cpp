#include "diff/series_judge.h"

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
        std::vector<GroupGrowth> steady;
        for (const GroupGrowth& g : out.verdicts.flagged) {
            if (out.analysis.groups[static_cast<std::size_t>(g.group)].leak) steady.push_back(g);
        }
        out.verdicts.flagged = std::move(steady);
    }
    return out;
}

}  // namespace memsnap
