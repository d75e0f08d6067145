#include "diff/series.h"

#include <algorithm>

#include "diff/snapshot_diff.h"

namespace memsnap {

SeriesSample sample_of(const Snapshot& s) {
    SeriesSample out;
    out.time_ms = s.time_ms;
    out.pid = s.pid;
    out.starttime = s.starttime;
    for (std::size_t c = 0; c < kCategoryCount; ++c) out.pss[c] = s.categories.rows[c].pss;
    out.light = s.rollup.has_value();
    out.total_pss = s.total().pss;
    out.fd_num = s.fd.num;
    out.thread_num = s.thread.num;
    out.status_threads = s.status.threads;
    out.dma_total = s.dma.total;
    out.gpu_total = s.gpu.total;
    out.gpu_mapped = s.gpu.mapped;
    return out;
}

Snapshot snapshot_of(const SeriesSample& s) {
    Snapshot out;
    out.time_ms = s.time_ms;
    out.pid = s.pid;
    out.starttime = s.starttime;
    for (std::size_t c = 0; c < kCategoryCount; ++c) out.categories.rows[c].pss = s.pss[c];
    if (s.light) {
        out.rollup.emplace();
        out.rollup->pss = s.total_pss;
    }
    out.fd.num = s.fd_num;
    out.thread.num = s.thread_num;
    out.status.threads = s.status_threads;
    out.dma.total = s.dma_total;
    out.gpu.total = s.gpu_total;
    out.gpu.mapped = s.gpu_mapped;
    return out;
}

SeriesAnalysis analyse_series(const Snapshot& first, const std::vector<SeriesSample>& samples,
                              const Verdicts& verdicts, const Thresholds& thresholds) {
    SeriesAnalysis out;
    std::vector<double> minutes;
    minutes.reserve(samples.size());
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        out.groups[g].group = static_cast<Group>(g);
        out.groups[g].values.reserve(samples.size());
    }
    for (const SeriesSample& sample : samples) {
        minutes.push_back(static_cast<double>(sample.time_ms - first.time_ms) / 60000.0);
        Snapshot s = snapshot_of(sample);
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
