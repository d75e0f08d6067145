// watch's sampling budget (cli/watch_budget.h). Expected values are worked out by hand from the
// rules in the header: the 10-20-50 series with a quarter of headroom, and the full-read rule.
#include "cli/watch_budget.h"

#include <doctest/doctest.h>

#include "model/error.h"

using namespace memsnap;

TEST_CASE("the cadence that fits a sample's cost, with a quarter to spare") {
    CHECK(fitting_interval_ms(0) == 10);      // watch's floor
    CHECK(fitting_interval_ms(8) == 10);      // 8 + 2 = 10
    CHECK(fitting_interval_ms(9) == 20);      // 9 + 3 = 12
    CHECK(fitting_interval_ms(40) == 50);     // 40 + 10 = 50
    CHECK(fitting_interval_ms(41) == 100);    // 41 + 11 = 52
    CHECK(fitting_interval_ms(412) == 1000);  // 412 + 103 = 515 > 500
    CHECK(fitting_interval_ms(1500) == 2000);
    CHECK(fitting_interval_ms(4001) == 10000);  // 5002 > 5000
}

TEST_CASE("--budget takes a percentage of one CPU") {
    CHECK(parse_budget("5%") == doctest::Approx(0.05));
    CHECK(parse_budget("12.5") == doctest::Approx(0.125));
    CHECK(parse_budget("100%") == doctest::Approx(1.0));
    for (const char* bad : {"0", "0%", "-1%", "101%", "5%%", "abc", "", "%", "nan", "5 %"}) {
        CAPTURE(bad);
        CHECK_THROWS_AS(parse_budget(bad), Error);
    }
}

TEST_CASE("the first overrun is said once, the rest are counted for the summary") {
    OverrunReport r(20);
    CHECK(r.summary(5).empty());
    std::string first = r.overran(412, 20, false, 3);
    CHECK(first.find("sample 3 took 412 ms, longer than the 20ms interval (20 tick(s) skipped") ==
          0);
    CHECK(first.find("--interval 1s fits") != std::string::npos);
    CHECK(first.find("--light") != std::string::npos);
    CHECK(r.overran(500, 25, false, 4).empty());
    CHECK(r.overran(300, 15, false, 5).empty());
    CHECK(r.overruns() == 3);
    // 20 + 25 + 15 = 60 ticks; the slowest, 500 ms, needs 625 ms: 1s.
    CHECK(r.summary(7) ==
          "3 of 7 samples overran the 20ms interval (60 tick(s) skipped; the slowest took 500 ms: "
          "--interval 1s fits)");
    OverrunReport light(10);
    CHECK(light.overran(30, 2, true, 1).find("--light") == std::string::npos);
}

TEST_CASE("--budget reads full smaps when the rollup moved and the budget has room") {
    SampleBudget b(0.05);  // 5 % of a CPU: 50 ms of CPU per second watched
    const SampleBudget::Seen base{100000, 10, 4};
    CHECK(b.want_full(0, 0, base));  // the first tick always
    b.add_cost(400000);              // a 400 ms full read
    b.read_full(0, base);
    // 400 ms spent: room again once 400 / 0.05 = 8000 ms have been watched.
    SampleBudget::Seen moved = base;
    moved.pss_kb += 4096;
    CHECK_FALSE(b.want_full(1, 1000, moved));
    CHECK_FALSE(b.want_full(7, 7999, moved));
    CHECK(b.want_full(8, 8000, moved));
    // With room, nothing moved: no full read; 1023 kB is under the 1 MiB bound, 1024 is not.
    SampleBudget::Seen small = base;
    small.pss_kb += 1023;
    CHECK_FALSE(b.want_full(9, 20000, base));
    CHECK_FALSE(b.want_full(9, 20000, small));
    small.pss_kb += 1;
    CHECK(b.want_full(9, 20000, small));
    SampleBudget::Seen shrank = base;
    shrank.pss_kb -= 2048;  // falling counts as moving too
    CHECK(b.want_full(9, 20000, shrank));
    SampleBudget::Seen fds = base;
    fds.fds += 1;
    CHECK(b.want_full(9, 20000, fds));
    SampleBudget::Seen threads = base;
    threads.threads -= 1;
    CHECK(b.want_full(9, 20000, threads));
    // Nothing moved for 60 ticks since the full read at tick 0: one is due anyway.
    CHECK_FALSE(b.want_full(59, 60000, base));
    CHECK(b.want_full(60, 60000, base));
    b.looked(1000);
    CHECK(b.rollup_reads() == 1);
    CHECK(b.full_reads() == 1);
    CHECK(b.cpu_us() == 401000);
    // 401 ms of CPU over 10 s watched: 4.0 %; a 1 ms look fits 5 % of a 1s tick (50 ms).
    CHECK(b.summary("5%", 10000, 1000) ==
          "--budget 5%: 1 full reads, 1 rollup-only looks; the reads cost 4.0 % of one CPU over "
          "the watch");
}

TEST_CASE("--budget says when the rollup looks alone leave no room") {
    SampleBudget b(0.05);
    b.add_cost(300000);
    b.read_full(0, {});
    b.looked(80000);  // 80 ms and 120 ms looks: 100 ms a look, over 5 % of 1s (50 ms)
    b.looked(120000);
    // 500 ms over 3 s: 16.7 %; 100 ms / 0.05 = 2000 ms, +25 %: 2500 -> 5s.
    CHECK(
        b.summary("5%", 3000, 1000) ==
        "--budget 5%: 1 full reads, 2 rollup-only looks; the reads cost 16.7 % of one CPU over the "
        "watch (a rollup look alone costs 100.0 ms, more than the budget's share of a 1s tick: no "
        "room for full reads; --interval 5s fits)");
}
