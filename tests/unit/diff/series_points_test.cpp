// SeriesPoints: a long series in bounded memory, with exact extremes.
#include <doctest/doctest.h>

#include <algorithm>

#include "diff/series.h"

using namespace memsnap;

namespace {

// Sample i of a made-up series: one a second, native heap i kB, AnonPage other 10 kB, js named
// 5 kB, fd 3; sample `spike_at` has 1000000 kB more native heap.
SeriesSample sample(std::size_t i, std::size_t spike_at) {
    SeriesSample s;
    s.time_ms = 1000 * static_cast<int64_t>(i);
    s.pid = 7;
    s.pss[static_cast<std::size_t>(Category::NativeHeap)] = i + (i == spike_at ? 1000000 : 0);
    s.pss[static_cast<std::size_t>(Category::AnonOther)] = 10;
    s.pss[static_cast<std::size_t>(Category::ArkTsHeap)] = 5;
    s.fd_num = 3;
    return s;
}

}  // namespace

TEST_CASE("a series up to kMaxKept samples is kept whole") {
    SeriesPoints p;
    for (std::size_t i = 0; i < 10; ++i) p.add(sample(i, 4));
    CHECK(p.size() == 10);
    const std::vector<double> v = p.values(Group::Native, JsHeapRule{});
    REQUIRE(v.size() == 10);
    CHECK(v[4] == 1000004);
    CHECK(v[9] == 9);
    CHECK(p.minutes().back() == doctest::Approx(9.0 / 60));
}

TEST_CASE("a long series is thinned evenly, first, last, size and extremes stay exact") {
    // Samples 0..100001: the stride doubles at 4000, 8000, 16000, 32000 and 64000 samples, to
    // 32; kept are 0, 32, ..., 100000 (3126), plus the last one, 100001, not a multiple of 32.
    const std::size_t n = 100002, spike = 777;  // 777 is odd: thinning drops the spike
    SeriesPoints p;
    for (std::size_t i = 0; i < n; ++i) p.add(sample(i, spike));
    CHECK(p.size() == n);
    const std::vector<double> t = p.minutes();
    const std::vector<double> v = p.values(Group::Native, JsHeapRule{});
    REQUIRE(t.size() == v.size());
    CHECK(v.size() == 3126 + 1);
    CHECK(v.front() == 0);
    CHECK(v[1] == 32);
    CHECK(v[v.size() - 2] == 100000);  // 3125 * 32
    CHECK(v.back() == 100001);
    CHECK(t[1] == doctest::Approx(32.0 / 60));
    CHECK(t.back() == doctest::Approx(100001.0 / 60));
    // The spike is not among the kept values, yet the maximum is exact.
    CHECK(std::find(v.begin(), v.end(), 1000777.0) == v.end());
    CHECK(p.max(Group::Native, JsHeapRule{}) == 1000777);
    CHECK(p.min(Group::Native, JsHeapRule{}) == 0);
    // The JS group with and without AnonPage other, as the rule found at the end says.
    JsHeapRule anon;
    anon.counts_anon = true;
    CHECK(p.values(Group::Js, JsHeapRule{}).back() == 5);  // ark ts heap
    CHECK(p.values(Group::Js, anon).back() == 15);
    CHECK(p.max(Group::Js, anon) == 15);
    CHECK(p.values(Group::Fd, anon).back() == 3);
}

TEST_CASE("a series whose last sample is a kept one has it once") {
    SeriesPoints p;
    for (std::size_t i = 0; i <= 2 * SeriesPoints::kMaxKept; ++i) p.add(sample(i, 0));
    // Samples 0..8000: stride 2 from sample 4000; at 8000 the 4000 kept (0..7998) thin to
    // 0, 4, ..., 7996 and 8000 is kept: 2001 values, the last not repeated.
    const std::vector<double> v = p.values(Group::Native, JsHeapRule{});
    CHECK(v.size() == 2001);
    CHECK(v.back() == 8000);
    CHECK(v[v.size() - 2] == 7996);
    CHECK(p.minutes().size() == 2001);
}
