// diff/process_series.h: the processes of a many-process stream, judged and ranked.
#include <doctest/doctest.h>

#include "diff/process_series.h"

using namespace memsnap;

namespace {

// A process of 12 light samples a second apart whose Pss is `kb(i)` kB at sample i.
template <class F>
ProcessSeries process(int64_t pid, F kb) {
    ProcessSeries p;
    p.pid = pid;
    p.starttime = 100;
    p.name = std::string("p") + std::to_string(pid);
    for (int i = 0; i < 12; ++i) {
        SeriesSample s;
        s.time_ms = 1000 * i;
        s.pid = pid;
        s.starttime = 100;
        s.light = true;
        s.total_pss = kb(i);
        if (i == 0) p.first_total = s;
        p.last_total = s;
        p.totals.add(totals_only(s));
    }
    return p;
}

}  // namespace

TEST_CASE("totals_only: a full sample's categories summed, a light one's totals kept") {
    SeriesSample full;
    full.pss[static_cast<std::size_t>(Category::NativeHeap)] = 300;
    full.pss[static_cast<std::size_t>(Category::AnonOther)] = 20;
    full.swap_pss[static_cast<std::size_t>(Category::NativeHeap)] = 5;
    full.status_threads = 4;
    full.fd_num = 9;
    const SeriesSample t = totals_only(full);
    CHECK(t.light);
    CHECK(t.total_pss == 320);
    CHECK(t.total_swap_pss == 5);
    CHECK(t.status_threads == 4);
    CHECK(t.fd_num == 0);  // descriptors are read in full samples only
    CHECK(t.pss[static_cast<std::size_t>(Category::NativeHeap)] == 0);
}

TEST_CASE("rank: steady growers first, the larger growth first at equal steadiness, flat and spike not") {
    // Default total threshold 16 MiB / 10 %: growth of 2 MiB and 4 MiB a sample (22 and 44 MiB
    // over 11 steps) both pass; both are perfectly monotonic (the same Mann-Kendall z), so
    // the 44 MiB one ranks first. A flat process and one that spiked by 64 MiB at sample 6 and
    // fell back to its start are not leaks.
    std::vector<ProcessSeries> ps;
    ps.push_back(process(1, [](int) { return uint64_t{50000}; }));
    ps.push_back(process(2, [](int i) { return uint64_t{50000} + 2048u * static_cast<uint64_t>(i); }));
    ps.push_back(process(3, [](int i) { return uint64_t{50000} + (i == 6 ? 65536u : 0u); }));
    ps.push_back(process(4, [](int i) { return uint64_t{50000} + 4096u * static_cast<uint64_t>(i); }));
    const std::vector<ProcessVerdict> ranked = rank_processes(ps, Thresholds{}, JsHeapMode::Auto);
    REQUIRE(ranked.size() == 4);
    CHECK(ranked[0].process->pid == 4);
    CHECK(ranked[1].process->pid == 2);
    CHECK(ranked[0].leak);
    CHECK(ranked[1].leak);
    CHECK(ranked[0].certainty == doctest::Approx(ranked[1].certainty));
    CHECK_FALSE(ranked[2].leak);
    CHECK_FALSE(ranked[3].leak);
    CHECK(ranked[0].verdicts().flagged.front().group == Group::Total);
    CHECK(ranked[0].verdicts().flagged.front().change.delta() == 11 * 4096);
}
