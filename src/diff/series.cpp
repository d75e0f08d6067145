#include "diff/series.h"

#include <algorithm>

#include "diff/snapshot_diff.h"

namespace memsnap {

SeriesSample sample_of(const Snapshot& s) {
    SeriesSample out;
    out.time_ms = s.time_ms;
    out.pid = s.pid;
    out.starttime = s.starttime;
    for (std::size_t c = 0; c < kCategoryCount; ++c) {
        out.pss[c] = s.categories.rows[c].pss;
        out.swap_pss[c] = s.categories.rows[c].swap_pss;
    }
    out.light = s.rollup.has_value();
    out.total_pss = s.total().pss;
    out.total_swap_pss = s.total().swap_pss;
    out.fd_num = s.fd.num;
    out.thread_num = s.thread.num;
    out.status_threads = s.status.threads;
    out.dma_total = s.dma.total;
    out.gpu_total = s.gpu.total;
    out.gpu_mapped = s.gpu.mapped;
    out.mappings = s.mappings.has_value();
    return out;
}

Snapshot snapshot_of(const SeriesSample& s) {
    Snapshot out;
    out.time_ms = s.time_ms;
    out.pid = s.pid;
    out.starttime = s.starttime;
    for (std::size_t c = 0; c < kCategoryCount; ++c) {
        out.categories.rows[c].pss = s.pss[c];
        out.categories.rows[c].swap_pss = s.swap_pss[c];
    }
    if (s.light) {
        out.rollup.emplace();
        out.rollup->pss = s.total_pss;
        out.rollup->swap_pss = s.total_swap_pss;
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
    return static_cast<std::size_t>(g) + (rule.counts_anon ? kGroupCount : 0);
}

void SeriesPoints::add(const SeriesSample& sample) {
    const Snapshot snap = snapshot_of(sample);
    const std::array<uint64_t, kGroupCount> anon = group_values(snap, false);
    const std::array<uint64_t, kGroupCount> js = group_values(snap, true);
    Point p{sample.time_ms, {}};
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        p.value[g] = static_cast<double>(anon[g]);
        p.value[kGroupCount + g] = static_cast<double>(js[g]);
    }
    for (std::size_t i = 0; i < kSlots; ++i) {
        min_[i] = count_ == 0 ? p.value[i] : std::min(min_[i], p.value[i]);
        max_[i] = count_ == 0 ? p.value[i] : std::max(max_[i], p.value[i]);
    }
    if (count_ % stride_ == 0) {
        if (kept_.size() == max_kept_) {  // thin to every other one: the stride doubles
            for (std::size_t i = 0; i < max_kept_ / 2; ++i) kept_[i] = kept_[2 * i];
            kept_.resize(max_kept_ / 2);
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

std::string_view shape_words(SeriesShape shape) {
    switch (shape) {
        case SeriesShape::Flat:
            return "";
        case SeriesShape::Steady:
            return "steady growth";
        case SeriesShape::Plateau:
            return "grew, then held (a leak that stopped)";
        case SeriesShape::Spike:
            return "spike, fell back";
        case SeriesShape::SawtoothRising:
            return "sawtooth, rising floor";
        case SeriesShape::SawtoothFlat:
            return "sawtooth, flat floor (churn)";
    }
    return "";
}

namespace {

double median_of(std::vector<double> v) {
    if (v.empty()) return 0;
    const std::size_t mid = v.size() / 2;
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid), v.end());
    double m = v[mid];
    if (v.size() % 2 == 0) m = (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(mid))) / 2;
    return m;
}

}  // namespace

ShapeJudgement judge_shape(std::span<const double> minutes, std::span<const double> values,
                           const Trend& trend, const Threshold& th) {
    ShapeJudgement out;
    const std::size_t n = values.size();
    if (n == 0) return out;
    const double first = trend.first, abs = static_cast<double>(th.absolute);
    auto past = [&](double grew) {
        return grew > 0 && grew >= abs && (first <= 0 || grew * 100.0 / first >= th.percent);
    };
    const bool rising_trend = trend.slope_per_min > 0 && trend.p_value < kTrendSignificance;
    const std::size_t tail_n = std::min(n, std::max<std::size_t>(3, n / 5));
    out.tail = median_of(std::vector<double>(values.end() - static_cast<std::ptrdiff_t>(tail_n), values.end()));
    const double rise = trend.max - first, stay = out.tail - first;
    // 1. never past
    if (!past(rise) && !(rising_trend && stay >= abs && abs > 0)) return out;

    // 2. falls: a state machine between "rising" and "fallen".
    const double fall = std::max(abs / 2, 0.3 * (trend.max - trend.min));
    double peak = values[0], trough = values[0];
    bool fallen = false;
    for (double v : values) {
        if (!fallen) {
            peak = std::max(peak, v);
            if (fall > 0 && v <= peak - fall) fallen = true, trough = v, ++out.falls;
        } else {
            trough = std::min(trough, v);
            if (v >= trough + fall) fallen = false, peak = v;
        }
    }
    if (out.falls >= 3) {
        const std::size_t third = std::max<std::size_t>(1, n / 3);
        out.floor_first = *std::min_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(third));
        out.floor_last = *std::min_element(values.end() - static_cast<std::ptrdiff_t>(third), values.end());
        out.leak = past(out.floor_last - out.floor_first);
        out.shape = out.leak ? SeriesShape::SawtoothRising : SeriesShape::SawtoothFlat;
        return out;
    }

    // 3. and 4. up at the end
    if (past(stay) || (rising_trend && stay >= abs && abs > 0)) {
        out.leak = true;
        out.by_trend = !past(stay);
        const double span = minutes[n - 1] - minutes[0];
        double t90 = minutes[n - 1];
        for (std::size_t i = 0; i < n; ++i) {
            if (values[i] - first >= 0.9 * stay) {
                t90 = minutes[i];
                break;
            }
        }
        const bool late = span <= 0 || t90 - minutes[0] >= 0.6 * span;
        out.shape = rising_trend && late ? SeriesShape::Steady : SeriesShape::Plateau;
        return out;
    }
    // 5. back down
    out.shape = stay <= rise / 2 ? SeriesShape::Spike : SeriesShape::Flat;
    return out;
}

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
        // A light series knows no categories: their groups stay flat at 0.
        gs.shape = judge_shape(minutes, gs.values, gs.trend, thresholds[gs.group]);
        gs.leak = gs.shape.leak;
        gs.spike = gs.shape.shape == SeriesShape::Spike;
    }
    std::vector<std::pair<double, Group>> ranked;
    for (const GroupSeries& gs : out.groups) {
        if (!gs.leak) continue;
        const double abs = static_cast<double>(std::max<uint64_t>(thresholds[gs.group].absolute, 1));
        ranked.emplace_back((gs.shape.tail - gs.trend.first) / abs, gs.group);
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const auto& x, const auto& y) { return x.first > y.first; });
    // The total is a verdict only when no memory group named the growth.
    bool memory_named = false;
    for (const auto& [score, g] : ranked) memory_named |= g != Group::Total && group_is_memory(g);
    for (const auto& [score, g] : ranked) {
        if (g == Group::Total && memory_named) continue;
        out.leaks.push_back(g);
    }
    return out;
}

}  // namespace memsnap
