// render/: escaping hostile names, honest thinning (M4 columns), and the chart of a series.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

#include "diff/series.h"
#include "diff/series_judge.h"
#include "model/error.h"
#include "render/escape.h"
#include "render/label_layout.h"
#include "render/series_chart.h"
#include "render/thin.h"

using namespace memsnap;

TEST_CASE("xml_escape: markup characters become entities") {
    // Expected by hand from the XML 1.0 predefined entities.
    CHECK(xml_escape("a<b>&\"'") == "a&lt;b&gt;&amp;&quot;&#39;");
    CHECK(xml_escape("</script><script>alert(1)</script>") ==
          "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;");
    CHECK(xml_escape("]]>") == "]]&gt;");
    CHECK(xml_escape("plain name-1") == "plain name-1");
}

TEST_CASE("xml_escape: invalid UTF-8 and forbidden control characters become U+FFFD") {
    const std::string fffd = "\xEF\xBF\xBD";
    CHECK(xml_escape("caf\xC3\xA9") == "caf\xC3\xA9");          // valid 2-byte sequence kept
    CHECK(xml_escape("\xE2\x82\xAC") == "\xE2\x82\xAC");        // euro sign kept
    CHECK(xml_escape("\xF0\x9F\x98\x80") == "\xF0\x9F\x98\x80");  // emoji kept
    CHECK(xml_escape("a\xFF" "b") == "a" + fffd + "b");          // never a UTF-8 byte
    CHECK(xml_escape("\xC0\xAF") == fffd + fffd);                 // overlong '/'
    CHECK(xml_escape("\xED\xA0\x80") == fffd + fffd + fffd);      // a surrogate
    CHECK(xml_escape("\xE2\x82") == fffd + fffd);                 // cut short
    CHECK(xml_escape(std::string("a\0b\x1b\x7f", 5)) == "a" + fffd + "b" + fffd + fffd);
    CHECK(xml_escape("tab\tnl\n") == "tab\tnl\n");
}

TEST_CASE("ColumnThinner keeps first, min, max and last of each column, in time order") {
    ColumnThinner t(1, 4);  // at most 7 columns
    // 8 samples 1 ms apart fit the first 8 columns? No: 8 >= 2 * 4, so the width doubles at the
    // 8th (offset 7 fits; offset 8 would not). Values chosen so each pair has a known order.
    const std::vector<double> v = {5, 1, 9, 2, 3, 8, 7, 4, 6};
    for (std::size_t i = 0; i < v.size(); ++i) {
        const double x = v[i];
        t.add(static_cast<int64_t>(i), std::span<const double>(&x, 1));
    }
    // Offset 8 needs 9 columns of 1 ms > 8: width 2 ms, columns {0,1} {2,3} {4,5} {6,7} {8}.
    CHECK(t.column_ms() == 2);
    REQUIRE(t.columns().size() == 5);
    const ColumnThinner::Cell& c0 = t.cell(0, 0);  // 5, 1
    CHECK(c0.first == 5);
    CHECK(c0.min == 1);
    CHECK(c0.max == 5);
    CHECK(c0.last == 1);
    CHECK_FALSE(c0.min_first);  // the max (5) came first
    const ColumnThinner::Cell& c1 = t.cell(1, 0);  // 9, 2
    CHECK(c1.max == 9);
    CHECK_FALSE(c1.min_first);
    const ColumnThinner::Cell& c2 = t.cell(2, 0);  // 3, 8
    CHECK(c2.min_first);
    CHECK(t.columns()[4].samples == 1);
    CHECK(t.min(0) == 1);
    CHECK(t.max(0) == 9);
    CHECK(t.samples() == 9);
}

TEST_CASE("ColumnThinner: a line that is 0 holds no cells until it moves, and reads 0 before") {
    ColumnThinner t(3, 4);  // at most 8 columns
    // Line 0 always 5; line 1 is 0 until the 4th sample (t = 3), then 7, then 0 again; line 2 is
    // always 0. Samples 1 ms apart: one column each.
    for (int64_t i = 0; i < 6; ++i) {
        const std::vector<double> v = {5, i == 3 || i == 4 ? 7.0 : 0.0, 0};
        t.add(i, v);
        // Only line 0 holds cells until line 1 moves; line 2 never does.
        CHECK(t.cells() == t.columns().size() * (i < 3 ? 1 : 2));
    }
    REQUIRE(t.columns().size() == 6);
    for (std::size_t c = 0; c < 6; ++c) {
        const double one = c == 3 || c == 4 ? 7 : 0;
        CHECK(t.cell(c, 0).first == 5);
        CHECK(t.cell(c, 1).first == one);
        CHECK(t.cell(c, 1).max == one);
        CHECK(t.cell(c, 1).min_first);
        CHECK(t.cell(c, 2).max == 0);
    }
    // Three more: the 9th needs 9 columns of 1 ms, so the width doubles to 2 ms and the pairs
    // merge as if line 1 had held its zeros all along ({0,1} {2,3} {4,5} {6,7} {8}).
    for (int64_t i = 6; i < 9; ++i) t.add(i, std::vector<double>{5, 0, 0});
    CHECK(t.column_ms() == 2);
    REQUIRE(t.columns().size() == 5);
    CHECK(t.cell(0, 1).max == 0);
    const ColumnThinner::Cell& c1 = t.cell(1, 1);  // 0 then 7
    CHECK(c1.first == 0);
    CHECK(c1.min == 0);
    CHECK(c1.max == 7);
    CHECK(c1.last == 7);
    CHECK(c1.min_first);
    const ColumnThinner::Cell& c2 = t.cell(2, 1);  // 7 then 0
    CHECK(c2.first == 7);
    CHECK(c2.last == 0);
    CHECK_FALSE(c2.min_first);
    CHECK(t.max(1) == 7);
    CHECK(t.max(2) == 0);
    CHECK(t.cells() == 5 * 2);
}

TEST_CASE("ColumnThinner: a single-sample spike in 100 000 samples survives") {
    ColumnThinner t(1, 800);
    std::size_t total = 0;
    for (std::size_t i = 0; i < 100000; ++i) {
        const double x = i == 54321 ? 1e6 : 100.0 + static_cast<double>(i % 7);
        t.add(static_cast<int64_t>(i) * 1000, std::span<const double>(&x, 1));
    }
    CHECK(t.columns().size() >= 800);
    CHECK(t.columns().size() < 1600);
    double peak = 0;
    for (std::size_t c = 0; c < t.columns().size(); ++c) {
        total += t.columns()[c].samples;
        peak = std::max(peak, t.cell(c, 0).max);
    }
    CHECK(total == 100000);
    CHECK(peak == 1e6);
}

namespace {

SeriesSample sample(std::size_t i, std::size_t spike_at) {
    SeriesSample s;
    s.time_ms = 1700000000000 + 1000 * static_cast<int64_t>(i);
    s.pid = 7;
    s.pss[static_cast<std::size_t>(Category::NativeHeap)] = 20000 + (i % 5) + (i == spike_at ? 1000000 : 0);
    s.pss[static_cast<std::size_t>(Category::So)] = 30000;
    s.fd_num = 3;
    s.thread_num = 2;
    return s;
}

// The y coordinates of the path with data-key `key`.
std::vector<double> path_ys(const std::string& svg, const std::string& key) {
    std::vector<double> ys;
    const std::string marker = "class=\"series\" data-key=\"" + key + "\" d=\"";
    const std::size_t at = svg.find(marker);
    if (at == std::string::npos) return ys;
    const std::size_t from = at + marker.size();
    const std::string d = svg.substr(from, svg.find('"', from) - from);
    static const std::regex point("[ML]([0-9.]+) ([0-9.]+)");
    for (auto it = std::sregex_iterator(d.begin(), d.end(), point); it != std::sregex_iterator(); ++it)
        ys.push_back(std::stod((*it)[2]));
    return ys;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("the chart of 100 000 samples still draws a single-sample spike") {
    ChartOptions opts;  // 960 x 540
    SeriesChart chart(opts), flat(opts);
    SeriesPoints points, flat_points;
    for (std::size_t i = 0; i < 100000; ++i) {
        chart.add(sample(i, 77777));
        points.add(sample(i, 77777));
        flat.add(sample(i, 100001));  // no spike
        flat_points.add(sample(i, 100001));
    }
    Snapshot first = snapshot_of(sample(0, 1));
    first.name = "app";
    Snapshot last = snapshot_of(sample(99999, 1));
    const Thresholds th;
    const std::string svg = chart.render_svg(first, points, judge_series(first, last, points, th, JsHeapMode::Auto), th);
    const std::string flat_svg =
        flat.render_svg(first, flat_points, judge_series(first, last, flat_points, th, JsHeapMode::Auto), th);
    // The memory panel spans y 58 .. 58 + its height; the spike (1 020 000 kB) is the panel's
    // maximum, everything else (at most 50 004 kB, with the 30 000 kB .so in total) under 5 % of
    // it: only the spike can reach the upper half of the panel.
    const std::vector<double> ys = path_ys(svg, "native");
    REQUIRE(!ys.empty());
    const double top = *std::min_element(ys.begin(), ys.end());
    CHECK(top < 58 + 100);
    const std::vector<double> flat_ys = path_ys(flat_svg, "native");
    REQUIRE(!flat_ys.empty());
    // Without the spike the same line stays low on its axis (20 004 kB of 30 MiB, the axis set by
    // the native threshold: 20 000 + 8 192 kB, rounded up to a 10 MiB step): so the check above
    // is about the spike, not about the scale.
    CHECK(*std::min_element(flat_ys.begin(), flat_ys.end()) > 58 + 50);
    // The thinned path is bounded by the pixel columns, not by the samples: at most 4 points for
    // each of fewer than 2 x 658 columns.
    CHECK(ys.size() < 4 * 2 * 658);
    // One path per group and the total, and the verdict beside each (8 groups and the total).
    for (const char* key : {"native", "js", "graphics", "total", "fd", "thread"})
        CHECK(count(svg, std::string("class=\"series\" data-key=\"") + key + "\"") == 1);
    CHECK(count(svg, "class=\"verdict\"") == 9);
}

TEST_CASE("the chart thins only the lines its options can draw") {
    // Each thinned line costs a cell in every pixel column (1 236 columns of 40 bytes at 960 px):
    // every group, the anon JS heap and the total always; the ~100 category rows only with
    // --categories (those asked for, all when the largest are picked); the 2 x 6 stacked layers
    // (native .. shared, under either JS heap rule) only with --stack.
    const std::size_t always = kGroupCount + 2;
    ChartOptions o;
    CHECK(SeriesChart(o).thinned_lines() == always);
    o.only = {"native", "fd"};
    CHECK(SeriesChart(o).thinned_lines() == always);
    o.stack = true;
    CHECK(SeriesChart(o).thinned_lines() == always + 12);
    o = {};
    o.categories = true;
    CHECK(SeriesChart(o).thinned_lines() == always + kCategoryCount);
    o.only = {"native_heap", "so"};
    CHECK(SeriesChart(o).thinned_lines() == always + 2);
}

TEST_CASE("the chart escapes the process name") {
    ChartOptions opts;
    SeriesChart chart(opts);
    SeriesPoints points;
    for (std::size_t i = 0; i < 3; ++i) {
        chart.add(sample(i, 99));
        points.add(sample(i, 99));
    }
    Snapshot first = snapshot_of(sample(0, 99));
    first.name = "</script><b>&\"'\xFF";
    const Thresholds th;
    const std::string svg =
        chart.render_svg(first, points, judge_series(first, snapshot_of(sample(2, 99)), points, th, JsHeapMode::Auto), th);
    CHECK(svg.find("</script>") == std::string::npos);
    CHECK(svg.find("<b>") == std::string::npos);
    CHECK(svg.find("&lt;/script&gt;&lt;b&gt;&amp;&quot;&#39;\xEF\xBF\xBD") != std::string::npos);
}

TEST_CASE("chart options: sizes and keys are checked") {
    ChartOptions o;
    CHECK_NOTHROW(check_chart_options(o));
    o.width = 100;
    CHECK_THROWS_AS(check_chart_options(o), Error);
    o = {};
    o.only = {"native", "nosuch"};
    CHECK_THROWS_AS(check_chart_options(o), Error);
    o.only = {"native", "fd", "total"};
    CHECK_NOTHROW(check_chart_options(o));
    o.categories = true;
    o.only = {"native_heap", "so"};
    CHECK_NOTHROW(check_chart_options(o));
    o.only = {"native"};
    CHECK_THROWS_AS(check_chart_options(o), Error);
}

// spread_labels: the expected y are worked out by hand from the rule in label_layout.h (a block
// of touching labels is centred on the mean of its labels' wanted y minus their offsets in it).
TEST_CASE("spread_labels: labels apart stay where they want to be") {
    const std::vector<double> y = spread_labels({100, 50, 200}, {0, 500, 15});
    CHECK(y == std::vector<double>{100, 50, 200});
}

TEST_CASE("spread_labels: two labels at one y share it, one gap apart") {
    // sum = 100 + (100 - 15) = 185 over 2: top 92.5, then 107.5; their mean stays 100.
    const std::vector<double> y = spread_labels({100, 100}, {0, 500, 15});
    CHECK(y == std::vector<double>{92.5, 107.5});
}

TEST_CASE("spread_labels: a cluster centres on its mean and keeps the order asked") {
    // Given out of order: 110, 100, 105. Sorted 100, 105, 110: (100 + 90 + 80) / 3 = 90 is the
    // top, so 90, 105, 120, given back in the caller's order.
    const std::vector<double> y = spread_labels({110, 100, 105}, {0, 500, 15});
    CHECK(y == std::vector<double>{120, 90, 105});
}

TEST_CASE("spread_labels: a merge that reaches the block above merges again") {
    // 100, 112 merge: top (100 + 97) / 2 = 98.5, bottom 113.5; 120 then overlaps it (113.5 + 15
    // > 120): all three, top (100 + 97 + 90) / 3 = 95.67 -> 95.67, 110.67, 125.67. The label at
    // 300 stays.
    const std::vector<double> y = spread_labels({100, 112, 120, 300}, {0, 500, 15});
    REQUIRE(y.size() == 4);
    CHECK(y[0] == doctest::Approx(287.0 / 3));
    CHECK(y[1] == doctest::Approx(287.0 / 3 + 15));
    CHECK(y[2] == doctest::Approx(287.0 / 3 + 30));
    CHECK(y[3] == 300);
}

TEST_CASE("spread_labels: the band's bottom pushes blocks up, one after the other") {
    // 498, 499 merge at top 491 (bottom 506 > 500): moved up to 485, 500; the label at 470 then
    // sits one gap above 485, exactly: it stays. 495 alone at the bottom of a band ending at 490
    // moves to 490.
    CHECK(spread_labels({470, 498, 499}, {0, 500, 15}) == std::vector<double>{470, 485, 500});
    CHECK(spread_labels({495}, {0, 490, 15}) == std::vector<double>{490});
    // 480 must then also move: 490 - 15 = 475.
    CHECK(spread_labels({480, 495}, {0, 490, 15}) == std::vector<double>{475, 490});
}

TEST_CASE("spread_labels: a band too short for all: from its top, a gap apart, past its bottom") {
    // Five at 10 need 60 px between the first and the last; the band holds 40: 0, 15, .., 60.
    CHECK(spread_labels({10, 10, 10, 10, 10}, {0, 40, 15}) == std::vector<double>{0, 15, 30, 45, 60});
    CHECK(spread_labels({}, {0, 40, 15}).empty());
}

TEST_CASE("the chart's labels never overlap, even when the lines end together") {
    // Every group but native and the total ends at 0 kB or 0 threads here (js, graphics, anon,
    // file, shared and thread): six lines end at the panels' bottoms.
    ChartOptions opts;
    opts.height = 300;
    SeriesChart chart(opts);
    SeriesPoints points;
    for (std::size_t i = 0; i < 20; ++i) {
        SeriesSample s = sample(i, 99);
        s.pss[static_cast<std::size_t>(Category::So)] = 0;
        s.thread_num = 0;
        chart.add(s);
        points.add(s);
    }
    Snapshot first = snapshot_of(sample(0, 99));
    const Thresholds th;
    const std::string svg =
        chart.render_svg(first, points, judge_series(first, snapshot_of(sample(19, 99)), points, th, JsHeapMode::Auto), th);
    static const std::regex label(R"re(<text class="verdict" data-key="\w+" x="[0-9.]+" y="([0-9.]+)")re");
    std::vector<double> ys;
    for (auto it = std::sregex_iterator(svg.begin(), svg.end(), label); it != std::sregex_iterator(); ++it)
        ys.push_back(std::stod((*it)[1]));
    REQUIRE(ys.size() == 9);
    std::sort(ys.begin(), ys.end());
    // The labels' font shrinks with the gap (12 px text at 15 px): a baseline 15 * font / 12 from
    // the next keeps the 14/12 em of a DejaVu Sans line apart. Here the band (300 - 46 - 3 - 67 =
    // 184 px) holds 9 labels at 15 px: 12 px text.
    CHECK(svg.find(R"(<g class="labels" font-size="12.0">)") != std::string::npos);
    // (Coordinates are printed to 0.1 px.)
    for (std::size_t i = 1; i < ys.size(); ++i) CHECK(ys[i] - ys[i - 1] >= 14.9);
}
