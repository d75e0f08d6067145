// Series statistics against values worked out by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <random>
#include <vector>

#include "cli/cmd_watch.h"
#include "diff/trend.h"
#include "formats/series.h"
#include "model/error.h"
#include "render/sparkline.h"

using namespace memsnap;

TEST_CASE("Theil-Sen and Mann-Kendall on a small series, by hand") {
    // t = 0..5 min, y = 10 12 11 15 16 18. The 15 pairwise slopes (y_j - y_i)/(t_j - t_i):
    //   from 0: 2, 0.5, 5/3, 6/4, 8/5      from 1: -1, 3/2, 4/3, 6/4
    //   from 2: 4, 5/2, 7/3                from 3: 1, 3/2           from 4: 2
    // sorted: -1 .5 1 4/3 1.5 1.5 1.5 [1.5] 1.6 5/3 2 2 7/3 2.5 4 -> median (8th) = 1.5.
    // Mann-Kendall: 14 pairs rise, 1 falls (12 -> 11): S = 13. No ties:
    //   Var(S) = n(n-1)(2n+5)/18 = 6*5*17/18 = 28.333; Z = (S-1)/sqrt(Var) = 12/5.3229 = 2.2544;
    //   p = 2(1 - Phi(2.2544)) = 0.02417.
    std::vector<double> t = {0, 1, 2, 3, 4, 5};
    std::vector<double> y = {10, 12, 11, 15, 16, 18};
    Trend tr = analyse_trend(t, y);
    CHECK(tr.samples == 6);
    CHECK(tr.used == 6);
    CHECK(tr.slope_per_min == doctest::Approx(1.5));
    CHECK(tr.mk_s == 13);
    CHECK(tr.mk_z == doctest::Approx(2.2544).epsilon(1e-4));
    CHECK(tr.p_value == doctest::Approx(0.02417).epsilon(1e-3));
    CHECK(tr.min == 10);
    CHECK(tr.max == 18);
    CHECK(tr.first == 10);
    CHECK(tr.last == 18);
}

// The median slope is selected without storing the slopes; here it is checked against the
// plain way (every slope stored, sorted, the middle one or the mean of the middle two).
double brute_median_slope(const std::vector<double>& t, const std::vector<double>& y) {
    std::vector<double> slopes;
    for (std::size_t a = 0; a < t.size(); ++a)
        for (std::size_t b = a + 1; b < t.size(); ++b)
            if (t[b] > t[a]) slopes.push_back((y[b] - y[a]) / (t[b] - t[a]));
    std::sort(slopes.begin(), slopes.end());
    const std::size_t n = slopes.size();
    return n % 2 == 1 ? slopes[n / 2] : (slopes[n / 2 - 1] + slopes[n / 2]) / 2;
}

TEST_CASE("Theil-Sen's median slope equals the sorted-slopes median, on many shapes") {
    std::mt19937_64 rng(42);
    for (std::size_t n : {3, 4, 7, 50, 401, 2000}) {  // 2000 points: 2 million slopes, narrowed
        for (int shape = 0; shape < 4; ++shape) {
            std::vector<double> t, y;
            for (std::size_t i = 0; i < n; ++i) {
                t.push_back(static_cast<double>(i) / 60.0);
                double v = 0;
                if (shape == 0) v = 1000 + 4.0 * static_cast<double>(i) + static_cast<double>(rng() % 50);  // trend + noise
                if (shape == 1) v = static_cast<double>(rng() % 3);            // heavy ties
                if (shape == 2) v = 7;                                          // all slopes 0
                if (shape == 3) v = static_cast<double>(rng() % 1000000) * 1e9;  // wide range
                y.push_back(v);
            }
            if (shape == 3 && n > 4) t[2] = t[1];  // two samples at one time: that pair has no slope
            INFO("n=" << n << " shape=" << shape);
            CHECK(analyse_trend(t, y, n).slope_per_min == brute_median_slope(t, y));
        }
    }
}

TEST_CASE("a spike that falls back has no trend, ties are corrected") {
    // y = 5 5 7 5 5: pairs rising: (0,2) (1,2); falling: (2,3) (2,4); the rest tie: S = 0.
    // Ties: four 5s -> Var = [5*4*15 - 4*3*13]/18 = (300 - 156)/18 = 8; Z = 0, p = 1.
    // Slopes: 0 0 1 0 0 2 0 0 -1 -1 ... median 0.
    std::vector<double> t = {0, 1, 2, 3, 4};
    std::vector<double> y = {5, 5, 7, 5, 5};
    Trend tr = analyse_trend(t, y);
    CHECK(tr.mk_s == 0);
    CHECK(tr.mk_z == 0);
    CHECK(tr.p_value == doctest::Approx(1.0));
    CHECK(tr.slope_per_min == doctest::Approx(0.0));
    CHECK(tr.max == 7);
}

TEST_CASE("a long series is subsampled deterministically, first and last kept") {
    std::vector<double> t, y;
    for (int i = 0; i < 100000; ++i) {
        t.push_back(i / 60.0);         // one sample a second
        y.push_back(1000 + 2.0 * i);   // +2 kB a second = +120 kB a minute
    }
    Trend tr = analyse_trend(t, y, 500);
    CHECK(tr.used == 500);
    CHECK(tr.slope_per_min == doctest::Approx(120.0));
    CHECK(tr.p_value < 1e-6);
    CHECK(tr.first == 1000);
    CHECK(tr.last == 1000 + 2.0 * 99999);
}

TEST_CASE("two points: slope from the ends, no test") {
    std::vector<double> t = {0, 2}, y = {0, 10};
    Trend tr = analyse_trend(t, y);
    CHECK(tr.slope_per_min == doctest::Approx(5.0));
    CHECK(tr.p_value == 1.0);
}

TEST_CASE("sparkline scales between min and max") {
    std::vector<double> v = {0, 7, 14};
    CHECK(sparkline(v) == "▁▅█");
    std::vector<double> flat = {3, 3};
    CHECK(sparkline(flat) == "▁▁");
    std::vector<double> many(100, 0.0);
    many[99] = 1;
    CHECK(sparkline(many, 10) == "▁▁▁▁▁▁▁▁▁█");
    CHECK(sparkline(std::vector<double>{}).empty());
}

TEST_CASE("durations") {
    CHECK(parse_duration_ms("500ms") == 500);
    CHECK(parse_duration_ms("2s") == 2000);
    CHECK(parse_duration_ms("1.5s") == 1500);
    CHECK(parse_duration_ms("10m") == 600000);
    CHECK(parse_duration_ms("1h") == 3600000);
    CHECK(parse_duration_ms("3") == 3000);
    CHECK_THROWS_AS(parse_duration_ms("-1s"), Error);
    CHECK_THROWS_AS(parse_duration_ms("fast"), Error);
    CHECK_THROWS_AS(parse_duration_ms("5 parsecs"), Error);
    // from_chars reads these as doubles; a duration they are not (found by fuzz_arguments).
    CHECK_THROWS_AS(parse_duration_ms("nan"), Error);
    CHECK_THROWS_AS(parse_duration_ms("infs"), Error);
    CHECK_THROWS_AS(parse_duration_ms("inf"), Error);
}

TEST_CASE("CSV records parse back, quotes and all") {
    std::vector<std::string> f;
    CHECK(parse_csv_record("1,\"a,b\",\"say \"\"hi\"\"\",", f));
    REQUIRE(f.size() == 4);
    CHECK(f[0] == "1");
    CHECK(f[1] == "a,b");
    CHECK(f[2] == "say \"hi\"");
    CHECK(f[3] == "");
    CHECK_FALSE(parse_csv_record("\"open", f));
}
