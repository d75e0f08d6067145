// Thresholds, groups and verdict wording, on hand-made snapshots (numbers worked out by hand
// in the comments).
#include "diff/verdict.h"

#include <doctest/doctest.h>

#include "diff/snapshot_diff.h"
#include "formats/diff_render.h"
#include "model/error.h"

using namespace memsnap;

namespace {

Snapshot base(const char* name = "app") {
    Snapshot s;
    s.pid = 10;
    s.starttime = 99;
    s.name = name;
    s.time_ms = 1000;
    s.categories[Category::NativeHeap].pss = 16384;  // 16 MiB
    s.categories[Category::AnonOther].pss = 10240;   // 10 MiB
    s.categories[Category::So].pss = 5000;
    s.fd.num = 10;
    s.fd.by_type = {{"pipe", 2}, {"socket", 8}};
    s.thread.num = 4;
    s.thread.by_name = {{"app", 1}, {"worker", 3}};
    return s;
}

Verdicts verdicts_of(const Snapshot& a, const Snapshot& b, JsHeapMode mode = JsHeapMode::Auto,
                     const Thresholds& t = {}) {
    SnapshotDiff d = diff_snapshots(a, b);
    return judge(a, b, d, t, resolve_js_heap_rule(mode, a, b));
}

const GroupGrowth& group(const Verdicts& v, Group g) {
    return v.groups[static_cast<std::size_t>(g)];
}

}  // namespace

TEST_CASE("sizes: plain kB, binary units, decimals, garbage refused") {
    CHECK(parse_size_kb("512") == 512);
    CHECK(parse_size_kb("8MiB") == 8192);
    CHECK(parse_size_kb("8 mib") == 8192);
    CHECK(parse_size_kb("8M") == 8192);
    CHECK(parse_size_kb("1.5GiB") == 1572864);
    CHECK(parse_size_kb("64kB") == 64);
    CHECK(parse_size_kb("64KiB") == 64);
    CHECK(parse_size_kb("2048B") == 2);
    CHECK(parse_size_kb("1B") == 1);
    for (const char* bad : {"", "MiB", "-8MiB", "8 parsecs", "8MiBs", "1e3", ".", "8..2"})
        CHECK_THROWS_AS(parse_size_kb(bad), Error);
}

TEST_CASE("--threshold overrides absolute and relative values per group") {
    Thresholds t;
    CHECK(t[Group::Native].absolute == 8192);
    CHECK(t[Group::Fd].absolute == 50);
    apply_threshold_spec("native=4MiB, js=16MiB/5%,fd=20,thread=30%", t);
    CHECK(t[Group::Native].absolute == 4096);
    CHECK(t[Group::Native].percent == 10);
    CHECK(t[Group::Js].absolute == 16384);
    CHECK(t[Group::Js].percent == 5);
    CHECK(t[Group::Fd].absolute == 20);
    CHECK(t[Group::Thread].absolute == 10);
    CHECK(t[Group::Thread].percent == 30);
    for (const char* bad : {"", "native", "heap=8MiB", "native=", "native=8 bananas", "fd=8MiB",
                            "fd=-1", "js=10%%", "thread=x%", "native=8MiB/"}) {
        Thresholds u;
        try {
            apply_threshold_spec(bad, u);
            FAIL("accepted ", bad);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Usage);
        }
    }
}

TEST_CASE("native heap growth past both thresholds is the verdict, in words") {
    Snapshot a = base(), b = base();
    b.time_ms = a.time_ms + 130000;                  // 2m10s later
    b.categories[Category::NativeHeap].pss = 65536;  // +49152 kB = +48.0 MiB, +300 %
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Native);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "native heap +48.0 MiB (+300 %) in 2m10s: likely native leak");
}

TEST_CASE("a group needs both the absolute and the relative threshold") {
    Snapshot a = base(), b = base();
    // +4 MiB is +25 % but under 8 MiB.
    b.categories[Category::NativeHeap].pss = 16384 + 4096;
    CHECK(verdicts_of(a, b).flagged.empty());
    // +9 MiB on a 200 MiB heap is 4.5 %: under 10 %.
    a.categories[Category::NativeHeap].pss = b.categories[Category::NativeHeap].pss = 204800;
    b.categories[Category::NativeHeap].pss += 9216;
    CHECK(verdicts_of(a, b).flagged.empty());
    Thresholds loose;
    apply_threshold_spec("native=8MiB/4%", loose);
    CHECK(verdicts_of(a, b, JsHeapMode::Auto, loose).flagged.size() == 1);
    // Shrinking is never a leak.
    CHECK(verdicts_of(b, a).flagged.empty());
}

TEST_CASE("growth in the inferred row says so") {
    Snapshot a = base(), b = base();
    b.categories[Category::NativeHeapInferred].pss = 32768;  // +32 MiB from nothing
    b.categories[Category::NativeHeap].pss += 1024;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(group(v, Group::Native).change.delta() == 33792);
    CHECK(
        verdict_headline(v.flagged[0], v).starts_with("native heap (inferred) +33.0 MiB (+206 %)"));
}

TEST_CASE("AnonPage other is JS heap under anon, or auto for a JS runtime, never under ark") {
    Snapshot a = base(), b = base();
    b.categories[Category::AnonOther].pss += 102400;             // +100 MiB, +1000 %
    CHECK(verdicts_of(a, b, JsHeapMode::Auto).flagged.empty());  // "app" is no JS runtime
    CHECK(verdicts_of(a, b, JsHeapMode::Ark).flagged.empty());
    Verdicts anon = verdicts_of(a, b, JsHeapMode::Anon);
    REQUIRE(anon.flagged.size() == 1);
    CHECK(anon.flagged[0].group == Group::Js);
    CHECK(verdict_headline(anon.flagged[0], anon) ==
          "JS heap (AnonPage other) +100.0 MiB (>999 %) in 0ms: likely JS leak "
          "[js-heap anon: AnonPage other counted as JS heap]");

    Snapshot na = base("node"), nb = b;
    nb.name = "node";
    Verdicts node = verdicts_of(na, nb, JsHeapMode::Auto);
    REQUIRE(node.flagged.size() == 1);
    CHECK(node.js_rule.reason ==
          "js-heap auto: node is a JS runtime (node), AnonPage other counted as JS heap");
    // A JSVM app is recognised by the library it maps, recorded in js_runtime.
    Snapshot ja = base("com.example"), jb = b;
    jb.name = "com.example";
    jb.js_runtime = "jsvm";
    CHECK(verdicts_of(ja, jb, JsHeapMode::Auto).flagged.size() == 1);
    // ArkTS heap counts under every rule.
    Snapshot c = base();
    c.categories[Category::ArkTsHeap].pss = 20480;
    Verdicts ark = verdicts_of(a, c, JsHeapMode::Ark);
    REQUIRE(ark.flagged.size() == 1);
    CHECK(verdict_headline(ark.flagged[0], ark).starts_with("JS heap +20.0 MiB (new)"));
}

TEST_CASE("descriptors and threads: counts, the type or name that grew, dominant first") {
    Snapshot a = base(), b = base();
    b.time_ms += 4200;
    b.fd.num = 410;  // +400 = 8x the threshold of 50
    b.fd.by_type = {{"pipe", 402}, {"socket", 8}};
    b.thread.num = 24;  // +20 = 2x the threshold of 10
    b.thread.by_name = {{"app", 1}, {"worker", 3}};
    for (int i = 0; i < 20; ++i) b.thread.by_name["pool-" + std::to_string(i)] = 1;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 2);
    CHECK(v.flagged[0].group == Group::Fd);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "descriptors +400 (>999 %) in 4.2s: likely fd leak, mostly pipe +400");
    CHECK(verdict_headline(v.flagged[1], v) ==
          "threads +20 (+500 %) in 4.2s: likely thread leak, mostly pool-* +20");
    // Without a task list the thread count comes from status.
    Snapshot c = base(), d = base();
    c.thread = {};
    d.thread = {};
    c.status.threads = 1;
    d.status.threads = 21;
    CHECK(verdicts_of(c, d).flagged.size() == 1);
}

TEST_CASE("thread names of a numbered pool share a stem") {
    CHECK(thread_name_stem("worker-12") == "worker-*");
    CHECK(thread_name_stem("gmain") == "gmain");
    CHECK(thread_name_stem("1234") == "1234");
    CHECK(thread_name_stem("") == "");
}

TEST_CASE("graphics counts a dmabuf once, mapped or not") {
    Snapshot a = base(), b = base();
    // 20 MiB of dmabuf, all mapped: the dmabuf row and dma.total say the same thing.
    b.categories[Category::Dmabuf].pss = 20480;
    b.dma.total = 20480;
    b.dma.mapped = 20480;
    Verdicts v = verdicts_of(a, b);
    CHECK(group(v, Group::Graphics).change.delta() == 20480);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Graphics);
}

TEST_CASE("durations read at a glance") {
    CHECK(format_duration(850) == "850ms");
    CHECK(format_duration(4200) == "4.2s");
    CHECK(format_duration(42000) == "42s");
    CHECK(format_duration(130000) == "2m10s");
    CHECK(format_duration(3900000) == "1h05m");
    CHECK(format_duration(2 * 86400000LL + 3 * 3600000LL) == "2d03h");
    CHECK(format_duration(-130000) == "-2m10s");
}
