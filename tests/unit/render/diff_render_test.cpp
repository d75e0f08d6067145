// The diff table's cells and percentages (render/diff_render.h), on hand-made snapshots; the
// expected cells are worked out by hand in the comments.
#include "render/diff_render.h"

#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "diff/series.h"
#include "diff/series_judge.h"
#include "diff/snapshot_diff.h"
#include "diff/verdict.h"

using namespace memsnap;

namespace {

Snapshot snap(uint64_t native_kb, int64_t time_ms) {
    Snapshot s;
    s.pid = 7;
    s.starttime = 1;
    s.name = "app";
    s.time_ms = time_ms;
    s.categories[Category::NativeHeap].pss = native_kb;  // Private Dirty stays 0: "0 0 +0"
    return s;
}

struct Rendered {
    std::string text;
    std::string headline;  // the first verdict's, empty when none
};

Rendered render(const Snapshot& a, const Snapshot& b) {
    SnapshotDiff d = diff_snapshots(a, b);
    Verdicts v = judge(a, b, d, Thresholds{}, resolve_js_heap_rule(JsHeapMode::Auto, a, b));
    Rendered r{render_diff_text(DiffReport{a, b, "a.json", "b.json", d, v}), ""};
    if (!v.flagged.empty()) r.headline = verdict_headline(v.flagged[0], v);
    return r;
}

// The whitespace-separated words of the table line that starts with `name`.
std::vector<std::string> row_words(const std::string& text, const std::string& name) {
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(name, 0) != 0) continue;
        std::istringstream in(line.substr(name.size()));
        std::vector<std::string> words;
        for (std::string w; in >> w;) words.push_back(w);
        return words;
    }
    FAIL("no row ", name);
    return {};
}

}  // namespace

TEST_CASE("a percentage of a tiny base is >999 %, in the table and in the verdict") {
    // 8 kB -> 8 + 204800 kB (200 MiB): +2 560 000 %, which says only that the base was tiny.
    Rendered r = render(snap(8, 1000), snap(8 + 204800, 61000));
    CHECK(row_words(r.text, "native heap") ==
          std::vector<std::string>{"8", "204808", "+204800", ">999", "%", "0", "0", "+0"});
    CHECK(r.headline == "native heap +200.0 MiB (>999 %) in 1m00s: likely native leak");
}

TEST_CASE("a percentage up to 999 % is printed as it is, and from nothing it is new") {
    // 10240 kB growing by 102297 kB: 102297 / 10240 = 998.99 %, "+999.0" with one decimal.
    Rendered r = render(snap(10240, 0), snap(10240 + 102297, 1000));
    CHECK(row_words(r.text, "native heap")[3] == "+999.0");
    Rendered from_zero = render(snap(0, 0), snap(20480, 1000));
    CHECK(row_words(from_zero.text, "native heap")[3] == "new");
    CHECK(from_zero.headline == "native heap +20.0 MiB (new) in 1.0s: likely native leak");
}

TEST_CASE("cells wider than their column stay apart") {
    // 12-digit sizes (kB) fill a 12-wide column: each cell still starts with a space.
    const uint64_t before = 100000000000, after = 100000000000 + 999999999999;
    Rendered r = render(snap(before, 0), snap(after, 1000));
    // delta 999 999 999 999 kB on a base of 100 000 000 000 kB: +999.99... %, past 999.
    CHECK(row_words(r.text, "native heap") ==
          std::vector<std::string>{"100000000000", "1099999999999", "+999999999999", ">999", "%",
                                   "0", "0", "+0"});
}

TEST_CASE("a series that rose past its threshold and fell back says so, not 'nothing grew'") {
    // 12 samples a second apart: native 20000 kB, 85536 kB (+65536 kB = +64 MiB, past 8 MiB and
    // 10 %) in samples 3-6, 20000 kB again from sample 7: a spike that fell back to its start.
    SeriesPoints points;
    for (int i = 0; i < 12; ++i)
        points.add(sample_of(snap(i >= 3 && i <= 6 ? 20000 + 65536 : 20000, 1000 * i)));
    const Snapshot first = snap(20000, 0), last = snap(20000, 11000);
    SeriesJudgement j = judge_series(first, last, points, Thresholds{}, JsHeapMode::Auto);
    CHECK(j.verdicts.flagged.empty());
    const std::string text =
        render_diff_text(DiffReport{first, last, "s.ndjson", "s.ndjson", j.diff, j.verdicts});
    CHECK(text.find("nothing grew") == std::string::npos);
    // The total (the same +64 MiB) is not named again beside its part.
    CHECK(text.find("verdict: no leak: native +64.0 MiB at its peak (spike, fell back); nothing "
                    "stayed past its threshold (native 8.0 MiB and 10 %") != std::string::npos);
    // Two snapshots alone carry no peak: the words stay "nothing grew".
    CHECK(render(first, last).text.find("verdict: nothing grew past its threshold (") !=
          std::string::npos);
}
