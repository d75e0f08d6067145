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

std::size_t SeriesPoints::slot(Group g, const JsHeapRule& rule) {
    return g == Group::Js && rule.counts_anon ? kGroupCount : static_cast<std::size_t>(g);
}

void SeriesPoints::add(const SeriesSample& sample) {
    const Snapshot snap = snapshot_of(sample);
    const std::array<uint64_t, kGroupCount> v = group_values(snap, JsHeapRule{});
    Point p{sample.time_ms, {}};
    for (std::size_t g = 0; g < kGroupCount; ++g) p.value[g] = static_cast<double>(v[g]);
    p.value[kGroupCount] = p.value[static_cast<std::size_t>(Group::Js)] +
                           static_cast<double>(snap.categories[Category::AnonOther].pss);
    for (std::size_t i = 0; i < kSlots; ++i) {
        min_[i] = count_ == 0 ? p.value[i] : std::min(min_[i], p.value[i]);
        max_[i] = count_ == 0 ? p.value[i] : std::max(max_[i], p.value[i]);
    }
    if (count_ % stride_ == 0) {
        if (kept_.size() == kMaxKept) {  // thin to every other one: the stride doubles
            for (std::size_t i = 0; i < kMaxKept / 2; ++i) kept_[i] = kept_[2 * i];
            kept_.resize(kMaxKept / 2);
            stride_ *= 2;
        }
        if (count_ % stride_ == 0) kept_.push_back(p);
    }
    latest_ = p;
    ++count_;
}

std::vector<double> SeriesPoints::minutes() const {
    std::vector<double> out;
    if (count_ == 0) return out;
    out.reserve(kept_.size() + 1);
    const int64_t t0 = kept_.front().time_ms;
    for (const Point& p : kept_) out.push_back(static_cast<double>(p.time_ms - t0) / 60000.0);
    if ((count_ - 1) % stride_ != 0) out.push_back(static_cast<double>(latest_.time_ms - t0) / 60000.0);
    return out;
}

std::vector<double> SeriesPoints::values(Group g, const JsHeapRule& rule) const {
    std::vector<double> out;
    if (count_ == 0) return out;
    const std::size_t i = slot(g, rule);
    out.reserve(kept_.size() + 1);
    for (const Point& p : kept_) out.push_back(p.value[i]);
    if ((count_ - 1) % stride_ != 0) out.push_back(latest_.value[i]);
    return out;
}

double SeriesPoints::min(Group g, const JsHeapRule& rule) const { return min_[slot(g, rule)]; }
double SeriesPoints::max(Group g, const JsHeapRule& rule) const { return max_[slot(g, rule)]; }

SeriesAnalysis analyse_series(const SeriesPoints& points, const Verdicts& verdicts,
                              const Thresholds& thresholds) {
    SeriesAnalysis out;
    const std::vector<double> minutes = points.minutes();
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        GroupSeries& gs = out.groups[g];
        gs.group = static_cast<Group>(g);
        gs.values = points.values(gs.group, verdicts.js_rule);
        gs.trend = analyse_trend(minutes, gs.values);
        gs.trend.samples = points.size();
        gs.trend.min = points.min(gs.group, verdicts.js_rule);
        gs.trend.max = points.max(gs.group, verdicts.js_rule);
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
