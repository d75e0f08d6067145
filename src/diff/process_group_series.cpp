#include "diff/process_group_series.h"

#include <algorithm>

namespace memsnap {
namespace {

uint64_t charged(const SeriesSample& s) { return s.total_pss + s.total_swap_pss; }

// True when `grown` passes threshold `t` over a start of `base`.
bool past(int64_t grown, uint64_t base, const Threshold& t) {
    return grown > 0 && static_cast<uint64_t>(grown) >= t.absolute &&
           static_cast<double>(grown) >= t.percent / 100.0 * static_cast<double>(base);
}

}  // namespace

void ProcessGroupSeriesBuilder::add(uint64_t tick, int64_t time_ms, const ProcessSeries& p,
                             const SeriesSample& totals) {
    std::string key = by_ == GroupBy::Program ? p.name
                      : by_ == GroupBy::User  ? user_name_(p.uid)
                                              : (p.cgroup.empty() ? "(unknown)" : p.cgroup);
    auto [it, added] = index_.try_emplace(std::move(key), groups_.size());
    if (added) {
        groups_.emplace_back();
        groups_.back().group.key = it->first;
        if (by_ == GroupBy::User) groups_.back().group.uid = p.uid;
    }
    Building& b = groups_[it->second];
    if (b.open && b.now_tick != tick) close(b);
    if (!b.open) {
        b.open = true;
        b.now_tick = tick;
        b.now = Tick{time_ms, 0, 0, 0, 0, 0};
    }
    auto [member, is_new] = b.members.try_emplace({p.pid, p.starttime});
    member->second.last_tick = tick;
    if (is_new) {
        ++b.group.processes;
        if (b.started) ++b.group.came;
        member->second.from_start = !b.started;
    }
    if (member->second.from_start) {
        // Its first sample is of the group's first tick: what it grew since then is its own.
        b.now.growth += static_cast<int64_t>(charged(totals)) - static_cast<int64_t>(charged(p.first_total));
        b.now.thread_growth += static_cast<int64_t>(totals.status_threads) -
                               static_cast<int64_t>(p.first_total.status_threads);
    }
    b.now.sum += charged(totals);
    b.now.threads += totals.status_threads;
    ++b.now.members;
}

void ProcessGroupSeriesBuilder::close(Building& b) {
    b.open = false;
    ProcessGroupSeries& g = b.group;
    if (!b.started) {
        b.started = true;
        g.first_tick = b.now_tick;
        g.first_members = b.now.members;
        g.first_sum = b.now.sum;
    }
    g.last_tick = b.now_tick;
    g.last_members = b.now.members;
    g.last_sum = b.now.sum;
    b.last = b.now;
    SeriesSample s;
    s.time_ms = b.now.time_ms;
    s.light = true;
    s.total_pss = b.now.sum;
    s.status_threads = b.now.threads;
    ProcessSeries& series = g.series;
    if (series.totals.empty()) series.first_total = s;
    series.last_total = s;
    series.totals.add(s);
}

std::vector<ProcessGroupSeries> ProcessGroupSeriesBuilder::finish() {
    std::vector<ProcessGroupSeries> out;
    out.reserve(groups_.size());
    for (Building& b : groups_) {
        if (b.open) close(b);
        ProcessGroupSeries& g = b.group;
        for (const auto& [key, m] : b.members) g.gone += m.last_tick != g.last_tick;
        g.members_growth = b.last.growth;
        g.members_thread_growth = b.last.thread_growth;
        g.series.name = g.key;
        out.push_back(std::move(g));
    }
    return out;
}

std::vector<ProcessVerdict> rank_process_groups(const std::vector<ProcessGroupSeries>& groups,
                                        const std::vector<ProcessSeries>& series,
                                        const Thresholds& thresholds, JsHeapMode js_mode) {
    std::vector<ProcessVerdict> ranked = rank_processes(series, thresholds, js_mode);
    for (ProcessVerdict& v : ranked) {
        if (!v.leak) continue;
        const ProcessGroupSeries& g = groups[static_cast<std::size_t>(v.process - series.data())];
        bool own = false;
        for (const GroupGrowth& f : v.verdicts().flagged)
            own = own || (f.group == Group::Thread
                              ? past(g.members_thread_growth, g.series.first_total.status_threads,
                                     thresholds[Group::Thread])
                              : past(g.members_growth, g.first_sum, thresholds[Group::Total]));
        v.leak = own;
    }
    std::stable_sort(ranked.begin(), ranked.end(),
                     [](const ProcessVerdict& a, const ProcessVerdict& b) { return a.leak && !b.leak; });
    return ranked;
}

}  // namespace memsnap
