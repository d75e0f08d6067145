#include "diff/snapshot_diff.h"

namespace memsnap {

std::optional<double> Change::percent() const {
    if (before == 0) return std::nullopt;
    return 100.0 * static_cast<double>(delta()) / static_cast<double>(before);
}

namespace {

template <class Map>
std::map<std::string, Change> diff_counts(const Map& before, const Map& after) {
    std::map<std::string, Change> out;
    for (const auto& [key, value] : before) out[key].before = value;
    for (const auto& [key, value] : after) out[key].after = value;
    return out;
}

}  // namespace

uint64_t thread_count(const Snapshot& s) {
    return s.thread.num != 0 ? s.thread.num : s.status.threads;
}

bool same_process(const Snapshot& a, const Snapshot& b) {
    return a.pid == b.pid && a.starttime == b.starttime;
}

SnapshotDiff diff_snapshots(const Snapshot& a, const Snapshot& b) {
    SnapshotDiff d;
    d.elapsed_ms = b.time_ms - a.time_ms;
    for (const CategoryInfo& info : category_table()) {
        const MemUsage& x = a.categories[info.category];
        const MemUsage& y = b.categories[info.category];
        d.categories[static_cast<std::size_t>(info.category)] =
            CategoryChange{info.category, {x.pss, y.pss}, {x.private_dirty, y.private_dirty}};
    }
    MemUsage ta = a.total(), tb = b.total();
    d.total =
        CategoryChange{Category::FileOther, {ta.pss, tb.pss}, {ta.private_dirty, tb.private_dirty}};
    d.pss_total = {ta.pss + ta.swap_pss, tb.pss + tb.swap_pss};
    d.status = {
        {"VmRSS", "vm_rss", {a.status.vm_rss, b.status.vm_rss}},
        {"RssAnon", "rss_anon", {a.status.rss_anon, b.status.rss_anon}},
        {"RssFile", "rss_file", {a.status.rss_file, b.status.rss_file}},
        {"VmSwap", "vm_swap", {a.status.vm_swap, b.status.vm_swap}},
        {"Threads", "threads", {a.status.threads, b.status.threads}},
    };
    d.fd_num = {a.fd.num, b.fd.num};
    d.fd_by_type = diff_counts(a.fd.by_type, b.fd.by_type);
    d.thread_num = {thread_count(a), thread_count(b)};
    d.thread_by_name = diff_counts(a.thread.by_name, b.thread.by_name);
    d.dma_total = {a.dma.total, b.dma.total};
    d.gpu_total = {a.gpu.total, b.gpu.total};
    return d;
}

}  // namespace memsnap
