// Thresholds, groups and verdict wording, on hand-made snapshots (numbers worked out by hand
// in the comments).
#include "diff/verdict.h"

#include <doctest/doctest.h>

#include "diff/snapshot_diff.h"
#include "model/error.h"
#include "render/diff_render.h"

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
    // The label stays "native heap" whichever row grew; the inferred share is said as a fact:
    // 32768 of 33792 kB = 97 %.
    CHECK(verdict_headline(v.flagged[0], v) ==
          "native heap +33.0 MiB (+206 %) in 0ms (97 % inferred from mapping shapes): likely "
          "native leak");
}

TEST_CASE("AnonPage other is JS heap under anon, or auto for a JS runtime, never under ark") {
    Snapshot a = base(), b = base();
    b.categories[Category::AnonOther].pss += 102400;  // +100 MiB, +1000 %
    // "app" is no JS runtime: the growth is unattributed anonymous memory, not JS heap.
    for (JsHeapMode mode : {JsHeapMode::Auto, JsHeapMode::Ark}) {
        Verdicts v = verdicts_of(a, b, mode);
        REQUIRE(v.flagged.size() == 1);
        CHECK(v.flagged[0].group == Group::Anon);
    }
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
    // Names sharing a stem are summed under it; a lone numbered name keeps its own.
    const std::map<std::string, uint64_t> names = {
        {"worker-0", 1}, {"worker-1", 2}, {"worker-59", 1}, {"gmain", 1}, {"pool-7", 1}};
    const std::map<std::string, uint64_t> grouped = {{"worker-*", 4}, {"gmain", 1}, {"pool-7", 1}};
    CHECK(group_numbered_names(names) == grouped);
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

TEST_CASE("every category belongs to the group DESIGN.md section 6 puts it in") {
    // Written out by hand from DESIGN.md, independently of the table in diff/groups.cpp.
    using C = Category;
    const std::pair<Category, Group> expected[] = {
        {C::GL, Group::Graphics},         {C::Graph, Group::Graphics},
        {C::ArkTsHeap, Group::Js},        {C::JsHeapInferred, Group::Js},
        {C::JavaHeapInferred, Group::Js}, {C::GoHeapInferred, Group::Js},
        {C::ArkTsStaticHeap, Group::Js},  {C::Guard, Group::Anon},
        {C::NativeHeap, Group::Native},   {C::NativeHeapInferred, Group::Native},
        {C::Hap, Group::File},            {C::AnonOther, Group::Anon},
        {C::Stack, Group::Anon},          {C::StackInferred, Group::Anon},
        {C::Db, Group::File},             {C::So, Group::File},
        {C::Dev, Group::Shared},          {C::Dmabuf, Group::Graphics},
        {C::Ttf, Group::File},            {C::ArkWebPaHeap, Group::Native},
        {C::DalvikHeap, Group::Js},       {C::FileOther, Group::File},
        // The rule sets' rows (hiview and androidprocheaps): managed heaps are js, ART's other
        // anonymous memory is anon, ashmem/memfd/cursors are shared, kgsl is graphics, the
        // Android file rows are file.
        {C::JsvmHeap, Group::Js},         {C::ArkWebJsHeap, Group::Js},
        {C::KotlinHeap, Group::Js},       {C::RnHermesHeap, Group::Js},
        {C::DartHeap, Group::Js},         {C::DalvikOther, Group::Anon},
        {C::Cursor, Group::Shared},       {C::Ashmem, Group::Shared},
        {C::GfxDev, Group::Graphics},     {C::Jar, Group::File},
        {C::Apk, Group::File},            {C::Dex, Group::File},
        {C::Oat, Group::File},            {C::Art, Group::File},
        {C::OtherMmap, Group::File},      {C::Memfd, Group::Shared},
    };
    CHECK(std::size(expected) == kCategoryCount);
    for (const auto& [c, g] : expected) {
        CAPTURE(category_info(c).key);
        CHECK(group_of(c, false) == g);
        // Only AnonPage other moves under the anon JS heap rule.
        CHECK(group_of(c, true) == (c == C::AnonOther ? Group::Js : g));
    }
}

TEST_CASE("growth of any category past the thresholds is named, never 'nothing grew'") {
    // +200 MiB in each row alone, on the base process (31624 kB in all): every row's growth
    // must reach some verdict, whichever group it is in.
    for (const CategoryInfo& info : category_table()) {
        CAPTURE(info.key);
        Snapshot a = base(), b = base();
        b.categories[info.category].pss += 204800;
        if (info.category == Category::Dmabuf) b.dma.total = b.dma.mapped = 204800;
        Verdicts v = verdicts_of(a, b);
        REQUIRE(!v.flagged.empty());
        CHECK(v.flagged[0].group != Group::Total);  // a group of its own was named
        const GroupGrowth& g = group(v, group_of(info.category, false));
        CHECK(g.flagged);
        CHECK(g.change.delta() == 204800);
    }
}

TEST_CASE("anonymous memory no runtime claims is named by its row and its mappings") {
    Snapshot a = base(), b = base();
    b.time_ms += 5000;
    for (Snapshot* s : {&a, &b}) {  // every row counts its mappings
        for (auto& row : s->categories.rows) row.mappings = 1;
    }
    a.categories[Category::AnonOther].mappings = 12;
    a.categories[Category::AnonOther].size = 20000;
    // A program's own 100 mmaps of 2 MiB: +100 mappings, Size +204800 kB, Pss +204800 kB
    // (from 10240 kB: +2000 %, printed as ">999 %").
    b.categories[Category::AnonOther].mappings = 112;
    b.categories[Category::AnonOther].size = 20000 + 204800;
    b.categories[Category::AnonOther].pss += 204800;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Anon);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "AnonPage other +200.0 MiB (>999 %) in 5.0s, in 100 new mappings of 2.0 MiB on "
          "average: unattributed anonymous memory, likely leak");
    // Grown in place (no new mapping, Size +64 MiB), and alongside a stack that grew 10 % of
    // it: the row is named as where most of it is.
    Snapshot c = a;
    c.time_ms = b.time_ms;
    c.categories[Category::AnonOther].size += 65536;
    c.categories[Category::AnonOther].pss += 65536;
    c.categories[Category::Stack].pss += 8192;
    Verdicts w = verdicts_of(a, c);
    REQUIRE(w.flagged.size() == 1);
    // 73728 kB = 72.0 MiB; 73728 / 10240 = +720 %.
    CHECK(verdict_headline(w.flagged[0], w) ==
          "anonymous memory +72.0 MiB (+720 %) in 5.0s, most in AnonPage other +64.0 MiB, in "
          "mappings already there, which grew by 64.0 MiB: unattributed anonymous memory, "
          "likely leak");
}

TEST_CASE("growth spread under every group's threshold is still named, as the total") {
    Snapshot a = base(), b = base();
    // native +6 MiB (< 8), AnonPage other +6 MiB (< 8), .so +6 MiB (< 16): total +18 MiB of
    // 31624 kB = +58 %, past total 16 MiB and 10 %.
    b.categories[Category::NativeHeap].pss += 6144;
    b.categories[Category::AnonOther].pss += 6144;
    b.categories[Category::So].pss += 6144;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Total);
    CHECK(v.flagged[0].change.delta() == 18432);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "Pss Total (+SwapPss) +18.0 MiB (+58 %) in 0ms, spread over native +6.0 MiB, anon "
          "+6.0 MiB, file +6.0 MiB: the process grew, no group past its own threshold");
    // Under the total threshold (+12 MiB of 31624 kB is past 10 % but under 16 MiB): nothing.
    b.categories[Category::So].pss -= 6144;
    CHECK(verdicts_of(a, b).flagged.empty());
    // SwapPss counts like Pss: memory swapped out is still the process's.
    Snapshot c = base();
    c.categories[Category::NativeHeap].swap_pss = 20480;
    Verdicts s = verdicts_of(a, c);
    REQUIRE(s.flagged.size() == 1);
    CHECK(s.flagged[0].group == Group::Native);
}

TEST_CASE("a light sample against a full one: categories unknown, the total judged") {
    Snapshot a = base(), b = base();
    b.rollup = MemUsage{};
    b.rollup->pss = 31624 + 40960;  // +40 MiB of 31624 kB
    b.categories = {};
    Verdicts v = verdicts_of(a, b);
    CHECK_FALSE(v.categories_known);
    CHECK(group(v, Group::Native).change == Change{});  // not -100 %
    CHECK(group(v, Group::Anon).change == Change{});
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Total);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "Pss Total (+SwapPss) +40.0 MiB (+130 %) in 0ms: the process grew; light samples "
          "carry no categories, so which memory is unknown");
}

TEST_CASE("a managed heap's verdict names its runtime, from the row that grew most") {
    // +218 MiB in java heap (inferred), +1 MiB in js heap (inferred): Java, never "JS heap".
    Snapshot a = base(), b = base();
    b.categories[Category::JavaHeapInferred].pss = 218 * 1024;
    b.categories[Category::JsHeapInferred].pss = 1024;
    Verdicts v = verdicts_of(a, b, JsHeapMode::Ark);
    REQUIRE(v.flagged.size() == 1);
    CHECK(verdict_headline(v.flagged[0], v) ==
          "java heap (inferred) +219.0 MiB (new) in 0ms: likely Java heap leak");
    Snapshot c = base();
    c.categories[Category::GoHeapInferred].pss = 64 * 1024;
    Verdicts go = verdicts_of(a, c, JsHeapMode::Ark);
    REQUIRE(go.flagged.size() == 1);
    CHECK(verdict_headline(go.flagged[0], go).starts_with("go heap (inferred) +64.0 MiB (new)"));
    CHECK(verdict_headline(go.flagged[0], go).find("likely Go heap leak") != std::string::npos);
}

TEST_CASE("native growth within V8's own bookkeeping beside a JS heap leak is no second verdict") {
    // JS heap (inferred) +242 MiB; native +14 MiB is 5.8 % of it, under kV8BookkeepingShare
    // (20 %; measured 7.4-10.5 % on node 20).
    Snapshot a = base("node"), b = base("node");
    b.categories[Category::JsHeapInferred].pss = 242 * 1024;
    b.categories[Category::NativeHeap].pss += 14 * 1024;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Js);
    CHECK(group(v, Group::Native).v8_bookkeeping);
    CHECK(bookkeeping_line(v) ==
          "native +14.0 MiB alongside JS +242.0 MiB: V8's own bookkeeping, not a separate leak");
    // +60 MiB of native is 24.8 % of 242: a native leak of its own.
    b.categories[Category::NativeHeap].pss += 46 * 1024;
    Verdicts w = verdicts_of(a, b);
    REQUIRE(w.flagged.size() == 2);
    CHECK_FALSE(group(w, Group::Native).v8_bookkeeping);
    // Beside a Java heap there is no V8: native +14 MiB stays a verdict.
    Snapshot j = base();
    j.categories[Category::JavaHeapInferred].pss = 242 * 1024;
    j.categories[Category::NativeHeap].pss += 14 * 1024;
    CHECK(verdicts_of(a, j).flagged.size() == 2);
}

namespace {
// `s` with 18 MiB more of FilePage other, all of it clean (Private_Clean): a read-only
// mapped file paged in.
Snapshot with_clean_file_pages(Snapshot s) {
    s.categories[Category::FileOther].pss = 18 * 1024;
    s.categories[Category::FileOther].private_clean = 18 * 1024;
    return s;
}
}  // namespace

TEST_CASE("clean file pages beside another leak are a note, dirty ones and file alone a verdict") {
    // native +100 MiB (flagged), FilePage other +18 MiB of Pss all Private_Clean: the file
    // threshold is 16 MiB and 10 %, the dirty part (Private_Dirty + Shared_Dirty + SwapPss)
    // grew by 0, under 16 MiB: a note, no second verdict.
    Snapshot a = base(), b = with_clean_file_pages(base());
    b.categories[Category::NativeHeap].pss += 100 * 1024;
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(v.flagged[0].group == Group::Native);
    CHECK(group(v, Group::File).clean_pages);
    CHECK(group(v, Group::File).dirty_delta == 0);
    REQUIRE(verdict_notes(v).size() == 1);
    CHECK(verdict_notes(v)[0] ==
          "file +18.0 MiB alongside native heap +100.0 MiB: clean pages of files it maps, which "
          "the kernel can drop; not a separate leak");
    // 10 MiB of it dirty (a private file mapping written to) + 7 MiB in swap = 17 MiB >= 16:
    // pages the kernel cannot drop, a verdict of its own.
    b.categories[Category::FileOther].private_dirty = 10 * 1024;
    b.categories[Category::FileOther].swap_pss = 7 * 1024;
    Verdicts w = verdicts_of(a, b);
    REQUIRE(w.flagged.size() == 2);
    CHECK_FALSE(group(w, Group::File).clean_pages);
    CHECK(group(w, Group::File).dirty_delta == 17 * 1024);
    CHECK(verdict_notes(w).empty());
    // Clean file growth alone is still named (the total grew): a verdict, as before.
    Verdicts alone = verdicts_of(a, with_clean_file_pages(base()));
    REQUIRE(alone.flagged.size() == 1);
    CHECK(alone.flagged[0].group == Group::File);
    CHECK_FALSE(group(alone, Group::File).clean_pages);
}

TEST_CASE("the native verdict names a non-glibc allocator and Python's objects") {
    Snapshot a = base(), b = base();
    b.categories[Category::NativeHeapInferred].pss = 32768;
    b.allocator = "jemalloc";
    Verdicts v = verdicts_of(a, b);
    REQUIRE(v.flagged.size() == 1);
    CHECK(verdict_headline(v.flagged[0], v).starts_with("native heap (jemalloc) +32.0 MiB"));
    b.allocator = "glibc";
    b.runtime = "python";
    Verdicts p = verdicts_of(a, b);
    CHECK(verdict_headline(p.flagged[0], p) ==
          "native heap +32.0 MiB (+200 %) in 0ms (100 % inferred from mapping shapes): likely "
          "native leak (Python objects live in native heap)");
}

TEST_CASE("a JS runtime that renamed itself is still one: its runtime field, or its V8 pages") {
    // node with process.title = "my-server": no JS name, no libnode.so (a static node).
    Snapshot a = base("my-server"), b = base("my-server");
    b.categories[Category::AnonOther].pss += 102400;
    b.runtime = "node";
    Verdicts by_field = verdicts_of(a, b);
    CHECK(by_field.js_rule.counts_anon);
    CHECK(by_field.js_rule.reason ==
          "js-heap auto: my-server is a JS runtime (node), AnonPage other counted as JS heap");
    b.runtime.clear();
    b.categories[Category::JsHeapInferred].pss = 2048;  // eight V8 pages
    Verdicts by_pages = verdicts_of(a, b);
    CHECK(by_pages.js_rule.counts_anon);
    REQUIRE(by_pages.flagged.size() == 1);
    CHECK(by_pages.flagged[0].group == Group::Js);
    CHECK(by_pages.js_rule.reason.find("is not a known JS runtime") == std::string::npos);
}
