// The mapping diff (diff/mapping_diff.h) on hand-made mapping sets; every expected number is
// worked out in the comments.
#include "diff/mapping_diff.h"

#include <doctest/doctest.h>

#include <cstdio>

#include "render/mapping_diff_render.h"

using namespace memsnap;

namespace {

constexpr uint64_t kKiB = 1024, kMiB = 1024 * kKiB;

struct Builder {
    MappingSet set;
    uint32_t name(const std::string& n) {
        for (uint32_t i = 0; i < set.names.size(); ++i)
            if (set.names[i] == n) return i;
        set.names.push_back(n);
        return static_cast<uint32_t>(set.names.size() - 1);
    }
    void add(uint64_t start, uint64_t bytes, const char* perms, const std::string& n, Category c,
             uint64_t pss_kb) {
        MappingRecord r;
        r.start = start;
        r.end = start + bytes;
        std::snprintf(r.perms, sizeof r.perms, "%s", perms);
        r.name = name(n);
        r.category = c;
        r.pss = r.rss = pss_kb;
        set.records.push_back(r);
    }
};

constexpr uint64_t kHeap = 0x555500000000;
constexpr uint64_t kLib = 0x7e0000000000;
constexpr uint64_t kArenas = 0x7f0000000000;  // a multiple of 64 MiB
constexpr uint64_t kV8 = 0x200000000000;      // a multiple of 256 KiB
constexpr uint64_t kGone = 0x7ff000000000;

// Before: [heap] 1 MiB (Pss 1024), libfoo.so's text and its 64 KiB .bss (Pss 100), /tmp/gone
// (Pss 500). After: [heap] 3 MiB (3072), the .bss grown to 2 MiB + 64 KiB (Pss 2148), three
// glibc arenas (each a 16 MiB heap, Pss 16384, and its 48 MiB ---p reservation, all native
// heap (inferred)), 320 V8 pages of 256 KiB (Pss 256 each, 256 KiB apart so none touch), and
// /tmp/gone unmapped.
MappingSet before_set() {
    Builder b;
    b.add(kHeap, 1 * kMiB, "rw-p", "[heap]", Category::NativeHeap, 1024);
    b.add(kLib, 2 * kMiB, "r-xp", "/usr/lib/libfoo.so", Category::So, 400);
    b.add(kLib + 2 * kMiB, 64 * kKiB, "rw-p", "", Category::AnonOther, 100);
    b.add(kGone, 1 * kMiB, "rw-s", "/tmp/gone", Category::FileOther, 500);
    return b.set;
}

MappingSet after_set() {
    Builder b;
    b.add(kHeap, 3 * kMiB, "rw-p", "[heap]", Category::NativeHeap, 3072);
    for (uint64_t i = 0; i < 320; ++i)
        b.add(kV8 + i * 512 * kKiB, 256 * kKiB, "rw-p", "", Category::JsHeapInferred, 256);
    b.add(kLib, 2 * kMiB, "r-xp", "/usr/lib/libfoo.so", Category::So, 400);
    b.add(kLib + 2 * kMiB, 2 * kMiB + 64 * kKiB, "rw-p", "", Category::AnonOther, 2148);
    for (uint64_t k = 0; k < 3; ++k) {
        uint64_t at = kArenas + k * 64 * kMiB;  // three arenas back to back
        b.add(at, 16 * kMiB, "rw-p", "", Category::NativeHeapInferred, 16384);
        b.add(at + 16 * kMiB, 48 * kMiB, "---p", "", Category::NativeHeapInferred, 0);
    }
    return b.set;
}

Verdicts native_and_js_flagged() {
    Verdicts v;
    GroupGrowth native;
    native.group = Group::Native;
    GroupGrowth js;
    js.group = Group::Js;
    v.flagged = {js, native};  // dominant first: the lists follow this order
    return v;
}

}  // namespace

TEST_CASE("mapping diff: new, grown and vanished mappings, by flagged group and total") {
    MappingDiff d = diff_mappings(before_set(), after_set(), native_and_js_flagged());
    CHECK(d.before_mappings == 4);
    CHECK(d.after_mappings == 1 + 320 + 2 + 6);
    REQUIRE(d.groups.size() == 3);

    // JS: 320 x 256 kB = 81920 kB, one line.
    const MappingGroupDiff& js = d.groups[0];
    CHECK(js.group == Group::Js);
    CHECK(js.pss_total_delta == 81920);
    REQUIRE(js.lines.size() == 1);
    CHECK(js.lines[0].kind == MappingChangeKind::New);
    CHECK(js.lines[0].count == 320);
    CHECK(js.lines[0].max_bytes == 256 * kKiB);
    CHECK(mapping_change_words(js.lines[0]) == "320 new 256 KiB V8 pages");

    // Native: 3 x 16384 = 49152 kB of arenas, [heap] 3072 - 1024 = +2048 kB.
    const MappingGroupDiff& native = d.groups[1];
    CHECK(native.group == Group::Native);
    CHECK(native.pss_total_delta == 49152 + 2048);
    REQUIRE(native.lines.size() == 2);
    CHECK(native.lines[0].pss_total_delta == 49152);
    CHECK(native.lines[0].count == 3);  // each heap with its reservation: 64 MiB
    CHECK(mapping_change_words(native.lines[0]) == "3 new 64 MiB glibc arenas");
    CHECK(native.lines[1].pss_total_delta == 2048);
    CHECK(mapping_change_words(native.lines[1]) ==
          "[heap] grown (now 3 MiB)  555500000000-555500300000");

    // Total: also the .bss (+2048, AnonOther, in no flagged group) and /tmp/gone (-500):
    // 81920 + 49152 + 2048 + 2048 - 500 = 134668.
    const MappingGroupDiff& total = d.groups[2];
    CHECK(!total.group);
    CHECK(total.pss_total_delta == 134668);
    REQUIRE(total.lines.size() == 5);
    CHECK(total.lines[0].pss_total_delta == 81920);
    CHECK(total.lines[1].pss_total_delta == 49152);
    CHECK(mapping_change_words(total.lines[2]) ==
          "[heap] grown (now 3 MiB)  555500000000-555500300000");
    CHECK(mapping_change_words(total.lines[3]) ==
          "libfoo.so .bss grown (now 2.1 MiB)  7e0000200000-7e0000410000");
    CHECK(total.lines[4].pss_total_delta == -500);
    CHECK(mapping_change_words(total.lines[4]) ==
          "vanished 1 MiB /tmp/gone  7ff000000000-7ff000100000");
}

TEST_CASE("mapping diff: a total verdict is the one list of every mapping, not an empty second") {
    // CI saw a series whose total was flagged: diff JSON had an empty "total" list first.
    Verdicts v;
    GroupGrowth total;
    total.group = Group::Total;
    GroupGrowth fd;
    fd.group = Group::Fd;
    v.flagged = {total, fd};
    MappingDiff d = diff_mappings(before_set(), after_set(), v);
    REQUIRE(d.groups.size() == 1);
    CHECK(!d.groups[0].group);
    CHECK(d.groups[0].pss_total_delta == 134668);  // as worked out in the case above
}

TEST_CASE("mapping diff: the line limit sums what it leaves out, unchanged mappings say nothing") {
    MappingDiff d = diff_mappings(before_set(), after_set(), Verdicts{}, 2);
    REQUIRE(d.groups.size() == 1);  // nothing flagged: the total only
    const MappingGroupDiff& total = d.groups[0];
    CHECK(total.lines.size() == 2);
    CHECK(total.more_lines == 3);
    CHECK(total.more_pss_total_delta == 2048 + 2048 - 500);
    CHECK(total.pss_total_delta == 134668);

    MappingDiff same = diff_mappings(before_set(), before_set(), Verdicts{});
    CHECK(same.groups[0].lines.empty());
    CHECK(same.groups[0].pss_total_delta == 0);
}

TEST_CASE("mapping diff: a mapping that moved is one vanished and one new") {
    Builder a, b;
    a.add(0x10000, 4 * kMiB, "rw-s", "/data/cache", Category::FileOther, 4096);
    b.add(0x90000, 4 * kMiB, "rw-s", "/data/cache", Category::FileOther, 4096);
    MappingDiff d = diff_mappings(a.set, b.set, Verdicts{});
    const MappingGroupDiff& total = d.groups[0];
    CHECK(total.pss_total_delta == 0);
    REQUIRE(total.lines.size() == 2);
    CHECK(total.lines[0].kind == MappingChangeKind::New);
    CHECK(total.lines[1].kind == MappingChangeKind::Vanished);
}

TEST_CASE("mapping diff: a thread stack counts with its guard, back-to-back stacks stay apart") {
    // Two new threads, their stacks adjacent: guard 4 KiB ---p, stack 8 MiB rw-p (Pss 16 kB
    // touched), guard, stack. Each guard goes with the stack above it: 2 stacks of 8 MiB + 4 KiB.
    Builder a, b;
    const uint64_t at = 0x7f0000000000;
    for (uint64_t k = 0; k < 2; ++k) {
        uint64_t base = at + k * (8 * kMiB + 4 * kKiB);
        b.add(base, 4 * kKiB, "---p", "", Category::StackInferred, 0);
        b.add(base + 4 * kKiB, 8 * kMiB, "rw-p", "", Category::StackInferred, 16);
    }
    MappingDiff d = diff_mappings(a.set, b.set, Verdicts{});
    REQUIRE(d.groups[0].lines.size() == 1);
    const MappingChangeLine& l = d.groups[0].lines[0];
    CHECK(l.count == 2);
    CHECK(l.pss_total_delta == 32);
    CHECK(l.min_bytes == 8 * kMiB + 4 * kKiB);
    CHECK(l.max_bytes == 8 * kMiB + 4 * kKiB);
    CHECK(mapping_change_words(l) == "2 new 8.0 MiB thread stacks");
}
