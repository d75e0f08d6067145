#include "diff/process_series.h"

#include <algorithm>

namespace memsnap {

SeriesSample totals_only(const SeriesSample& s) {
    SeriesSample out;
    out.time_ms = s.time_ms;
    out.pid = s.pid;
    out.starttime = s.starttime;
    out.light = true;
    uint64_t pss = s.total_pss, swap = s.total_swap_pss;
    if (!s.light) {
        pss = swap = 0;
        for (std::size_t c = 0; c < kCategoryCount; ++c) {
            pss += s.pss[c];
            swap += s.swap_pss[c];
        }
    }
    out.total_pss = pss;
    out.total_swap_pss = swap;
    out.status_threads = s.status_threads;
    return out;
}

std::vector<ProcessVerdict> rank_processes(const std::vector<ProcessSeries>& processes,
                                           const Thresholds& thresholds, JsHeapMode js_mode) {
    std::vector<ProcessVerdict> out;
    out.reserve(processes.size());
    for (const ProcessSeries& p : processes) {
        ProcessVerdict v;
        v.process = &p;
        v.totals = judge_series(snapshot_of(p.first_total), snapshot_of(p.last_total), p.totals,
                                thresholds, js_mode);
        if (p.full_samples >= 2)
            v.full = judge_series(p.first_full, p.last_full, p.full, thresholds, js_mode);
        // A full view without a trend is two snapshots: growth, not its shape. Only a trend
        // (there, or over every sample) calls a leak.
        v.from_full = v.full && v.full->trend && !v.full->verdicts.flagged.empty();
        const bool totals_leak = v.totals.trend && !v.totals.verdicts.flagged.empty();
        v.leak = v.from_full || totals_leak;
        if (v.totals.trend) {
            const Trend& t = v.totals.analysis.groups[static_cast<std::size_t>(Group::Total)].trend;
            v.certainty = t.mk_z;
        }
        out.push_back(std::move(v));
    }
    std::stable_sort(out.begin(), out.end(), [](const ProcessVerdict& a, const ProcessVerdict& b) {
        if (a.leak != b.leak) return a.leak;
        if (!a.leak) return false;
        if (a.certainty != b.certainty) return a.certainty > b.certainty;
        const double sa = a.verdicts().flagged.empty() ? 0 : a.verdicts().flagged.front().score;
        const double sb = b.verdicts().flagged.empty() ? 0 : b.verdicts().flagged.front().score;
        return sa > sb;
    });
    return out;
}

}  // namespace memsnap
