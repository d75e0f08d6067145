// Shape inference (src/model/shape_rules.cpp): for every rule a synthetic sequence of smaps
// header lines where it fires and one where it must not, then MemoryAccumulator end to end
// (rows, the pending mapping at the end, --no-infer, names switching inference off). The
// addresses are shaped after mappings seen on real processes (see each rule's evidence).
#include "model/shape_rules.h"

#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "model/accumulate.h"
#include "procfs/smaps.h"

using namespace memsnap;

namespace {

using K = ShapeKind;

// Parses header lines (one mapping each, no counters) into shapes.
std::vector<Shape> shapes_of(const std::vector<std::string>& headers) {
    std::string text;
    for (const auto& h : headers) text += h + "\n";
    std::vector<Shape> out;
    SmapsReader reader;
    reader.read_text(text, "test.smaps", [&](const Mapping& m) {
        Shape s;
        s.start = m.start;
        s.end = m.end;
        for (int i = 0; i < 5; ++i) s.perms[i] = m.perms[i];
        s.file_backed = m.inode != 0;
        s.unnamed_anon = m.inode == 0 && m.name.empty();
        out.push_back(s);
    });
    return out;
}

// What each mapping of the sequence is inferred as, walking it as MemoryAccumulator does
// (previous shape and what it was inferred as, next shape).
std::vector<ShapeKind> kinds_of(const std::vector<std::string>& headers) {
    std::vector<Shape> shapes = shapes_of(headers);
    std::vector<ShapeKind> kinds;
    for (std::size_t i = 0; i < shapes.size(); ++i) {
        Neighbours n{i > 0 ? &shapes[i - 1] : nullptr, i > 0 ? kinds[i - 1] : K::None,
                     i + 1 < shapes.size() ? &shapes[i + 1] : nullptr};
        const ShapeRule* rule = infer_shape(shapes[i], n);
        kinds.push_back(rule ? rule->kind : K::None);
    }
    return kinds;
}

void check_kinds(const std::vector<std::string>& headers, const std::vector<ShapeKind>& want) {
    std::vector<ShapeKind> got = kinds_of(headers);
    REQUIRE(got.size() == want.size());
    for (std::size_t i = 0; i < got.size(); ++i) {
        INFO("mapping " << i << ": " << headers[i]);
        CHECK(static_cast<int>(got[i]) == static_cast<int>(want[i]));
    }
}

// A smaps text whose i-th mapping has Rss 2^i kB, so a row's Rss says which mappings it got.
std::string smaps_with_bits(const std::vector<std::string>& headers) {
    std::string text;
    for (std::size_t i = 0; i < headers.size(); ++i)
        text += headers[i] + "\nRss: " + std::to_string(1u << i) + " kB\n";
    return text;
}

CategoryUsage accumulate(const std::vector<std::string>& headers, AccumulateOptions options = {}) {
    MemoryAccumulator acc(options);
    SmapsReader reader;
    reader.read_text(smaps_with_bits(headers), "test.smaps", [&](const Mapping& m) { acc.add(m); });
    acc.finish();
    return acc.categories();
}

// glibc arena: 132 KiB head on a 64 MiB boundary + 65404 KiB reservation (node, memhog).
const std::string kArenaHead = "7f2d30000000-7f2d30021000 rw-p 00000000 00:00 0 ";
const std::string kArenaRest = "7f2d30021000-7f2d34000000 ---p 00000000 00:00 0 ";
// A glibc thread stack: 4 KiB guard, 8 MiB stack.
const std::string kGuard = "7f3f950df000-7f3f950e0000 ---p 00000000 00:00 0 ";
const std::string kStack = "7f3f950e0000-7f3f958e0000 rw-p 00000000 00:00 0 ";
// Two glibc arena heaps used to their full 64 MiB, merged (memhog threadsmall).
const std::string kFullArenas = "7f6d88000000-7f6d90000000 rw-p 00000000 00:00 0 ";

}  // namespace

TEST_CASE("arena heap: a 64 MiB-aligned rw-p head and its ---p reservation, 64 MiB together") {
    check_kinds({kArenaHead, kArenaRest}, {K::ArenaHeap, K::ArenaReservation});
    // Two arenas back to back: the second head follows the first reservation.
    check_kinds({kArenaHead, kArenaRest, "7f2d34000000-7f2d34021000 rw-p 00000000 00:00 0 ",
                 "7f2d34021000-7f2d38000000 ---p 00000000 00:00 0 "},
                {K::ArenaHeap, K::ArenaReservation, K::ArenaHeap, K::ArenaReservation});
}

TEST_CASE("arena heap: not when the two do not make 64 MiB or the head is not aligned") {
    // 132 KiB + 32 MiB: the head is then just an unround chunk-like mapping.
    auto kinds = kinds_of({kArenaHead, "7f2d30021000-7f2d32000000 ---p 00000000 00:00 0 "});
    CHECK(kinds[0] != K::ArenaHeap);
    CHECK(kinds[1] != K::ArenaReservation);
    // Head one page off the boundary.
    kinds = kinds_of({"7f2d30001000-7f2d30022000 rw-p 00000000 00:00 0 ",
                      "7f2d30022000-7f2d34001000 ---p 00000000 00:00 0 "});
    CHECK(kinds[0] != K::ArenaHeap);
    // A reservation needs its head right below it.
    kinds = kinds_of({"7f2d2f000000-7f2d2f100000 rw-p 00000000 00:00 0 ", kArenaRest});
    CHECK(kinds[1] == K::None);
}

TEST_CASE("thread stack: rw-p of at least 16 KiB directly above a ---p guard no larger") {
    check_kinds({kGuard, kStack}, {K::StackGuard, K::ThreadStack});
    // Three stacks in a row, each guard directly above the previous stack (memhog threads).
    check_kinds({"7f3f948de000-7f3f948df000 ---p 00000000 00:00 0 ",
                 "7f3f948df000-7f3f950df000 rw-p 00000000 00:00 0 ", kGuard, kStack},
                {K::StackGuard, K::ThreadStack, K::StackGuard, K::ThreadStack});
}

TEST_CASE("thread stack: not below 16 KiB, not when the guard is larger, not when apart") {
    // V8's 496 KiB ---p followed by 24 KiB rw-p (node): the "guard" is larger than the "stack".
    auto kinds = kinds_of({"7f2d61044000-7f2d610c0000 ---p 00000000 00:00 0 ",
                           "7f2d610c0000-7f2d610c6000 rw-p 00000000 00:00 0 "});
    CHECK(kinds == std::vector<ShapeKind>{K::None, K::None});
    // 8 KiB: below PTHREAD_STACK_MIN.
    kinds = kinds_of({kGuard, "7f3f950e0000-7f3f950e2000 rw-p 00000000 00:00 0 "});
    CHECK(kinds == std::vector<ShapeKind>{K::None, K::None});
    // A gap between them.
    kinds = kinds_of({kGuard, "7f3f950e1000-7f3f958e1000 rw-p 00000000 00:00 0 "});
    CHECK(kinds[0] == K::None);
    CHECK(kinds[1] != K::ThreadStack);
    // Executable after a guard: V8's code range (rwxp), not a stack.
    kinds = kinds_of({"7f2d39fc2000-7f2d39fc3000 ---p 00000000 00:00 0 ",
                      "7f2d39fc3000-7f2d39fff000 rwxp 00000000 00:00 0 "});
    CHECK(kinds == std::vector<ShapeKind>{K::None, K::None});
}

TEST_CASE("V8 page: exactly 256 KiB on a 256 KiB boundary") {
    check_kinds({"36837240000-36837280000 rw-p 00000000 00:00 0 "}, {K::V8Page});
    // Anywhere in the address space, even next to another page.
    check_kinds({"7f0000040000-7f0000080000 rw-p 00000000 00:00 0 ",
                 "7f0000080000-7f00000c0000 ---p 00000000 00:00 0 "},
                {K::V8Page, K::None});
}

TEST_CASE("V8 page: not off the boundary, not another size, not read-only") {
    CHECK(kinds_of({"36837241000-36837281000 rw-p 00000000 00:00 0 "})[0] != K::V8Page);
    CHECK(kinds_of({"36837240000-36837278000 rw-p 00000000 00:00 0 "})[0] != K::V8Page);  // 224K
    CHECK(kinds_of({"36837240000-36837280000 r--p 00000000 00:00 0 "})[0] == K::None);
}

TEST_CASE("V8 large page: 256 KiB aligned, larger, below 2^46, touching no neighbour") {
    // An 828 KiB large-object page (node allocating 800 KB arrays).
    check_kinds({"1a12b380000-1a12b44f000 rw-p 00000000 00:00 0 "}, {K::V8LargePage});
    check_kinds({"1a12b000000-1a12b001000 r--p 00000000 00:00 0 ",
                 "1a12b380000-1a12b44f000 rw-p 00000000 00:00 0 ",
                 "1a12b500000-1a12b501000 r--p 00000000 00:00 0 "},
                {K::None, K::V8LargePage, K::None});
}

TEST_CASE("V8 large page: not above 2^46, not touching a neighbour") {
    // memhog's mmap 32 + 8 merged into 40 MiB, isolated, but near the top of the address
    // space where the kernel puts mmap(NULL): a program's own mapping.
    CHECK(kinds_of({"7f3f9de00000-7f3fa0600000 rw-p 00000000 00:00 0 "})[0] != K::V8LargePage);
    auto kinds = kinds_of({"1a12b37f000-1a12b380000 r--p 00000000 00:00 0 ",
                           "1a12b380000-1a12b44f000 rw-p 00000000 00:00 0 "});
    CHECK(kinds[1] != K::V8LargePage);
}

TEST_CASE("malloc chunks: rw-p of at least 132 KiB that is not round and not a .bss") {
    // memhog bigmalloc 50: a run of 1028 KiB chunks merged by the kernel (31868 KiB).
    check_kinds({"7f3f960e1000-7f3f98000000 rw-p 00000000 00:00 0 "}, {K::MallocChunk});
    // One 1 MiB chunk (1028 KiB) starting on a 64 KiB boundary: its size is not round.
    check_kinds({"7f3f96000000-7f3f96101000 rw-p 00000000 00:00 0 "}, {K::MallocChunk});
    // 16 such chunks ending on an arena's 64 MiB boundary (node's 1 MiB Buffers): start and
    // size are multiples of 64 KiB, not of 2 MiB.
    check_kinds({"7f3f96ff0000-7f3f98000000 rw-p 00000000 00:00 0 "}, {K::MallocChunk});
}

TEST_CASE("malloc chunks: not round mmaps, not small, not a .bss after a file mapping") {
    // A program's own mmap of 8 MiB, 2 MiB-aligned by the kernel for THP: a round mapping.
    CHECK(kinds_of({"7f3f9de00000-7f3f9e600000 rw-p 00000000 00:00 0 "})[0] == K::RoundMapping);
    // mmap 32 + 8 merged: still round.
    CHECK(kinds_of({"7f3f9de00000-7f3fa0600000 rw-p 00000000 00:00 0 "})[0] == K::RoundMapping);
    CHECK(kinds_of({"7f3fa0774000-7f3fa0777000 rw-p 00000000 00:00 0 "})[0] == K::None);  // 12K
    // node's .bss: 176 KiB directly after its data segment.
    auto kinds = kinds_of({"05600000-0565d000 rw-p 01234000 fe:00 4242  /usr/bin/node",
                           "0565d000-05689000 rw-p 00000000 00:00 0 "});
    CHECK(kinds[1] == K::None);
}

TEST_CASE("named and file-backed mappings are never inferred") {
    auto kinds = kinds_of({"7f2d30000000-7f2d30021000 rw-p 00000000 00:00 0  [anon:foo]",
                           "7f2d30021000-7f2d34000000 ---p 00000000 00:00 0  [anon:bar]",
                           "36837240000-36837280000 rw-p 00000000 fe:00 99  /dev/shm/x"});
    CHECK(kinds == std::vector<ShapeKind>{K::None, K::None, K::None});
}

TEST_CASE("every shape rule fires on one of the sequences above") {
    // The first positive sequence of each rule's test case; a rule added to the table without
    // an example fails here.
    const std::vector<std::vector<std::string>> sequences = {
        {kArenaHead, kArenaRest},
        {kGuard, kStack},
        {"36837240000-36837280000 rw-p 00000000 00:00 0 "},
        {"1a12b380000-1a12b44f000 rw-p 00000000 00:00 0 "},
        {"7f3f960e1000-7f3f98000000 rw-p 00000000 00:00 0 "},
        {kFullArenas},
        {"7f3f9de00000-7f3f9e600000 rw-p 00000000 00:00 0 "},
    };
    std::set<ShapeKind> fired;
    for (const auto& seq : sequences) {
        for (ShapeKind k : kinds_of(seq)) fired.insert(k);
    }
    for (const ShapeRule& rule : shape_rules()) {
        INFO(rule.description);
        CHECK(fired.count(rule.kind) == 1);
        CHECK_FALSE(rule.evidence.empty());
    }
}

TEST_CASE("MemoryAccumulator puts each shape's mapping in its inferred row") {
    using C = Category;
    // In address order, as smaps lists them; mapping i has Rss 2^i kB.
    std::vector<std::string> ordered = {
        "36837240000-36837280000 rw-p 00000000 00:00 0 ",           // 0: V8 page
        kArenaHead,                                                 // 1: arena
        kArenaRest,                                                 // 2: arena
        "7f3f950d0000-7f3f950d1000 r--p 00000000 fe:00 7  /lib/x",  // 3: file
        kGuard,                                                     // 4: guard
        kStack,                                                     // 5: stack
        "7f3f9de00000-7f3f9e600000 rw-p 00000000 00:00 0 ",         // 6: round mmap
        "7f3fa0000000-7f3fa0101000 rw-p 00000000 00:00 0  [heap]",  // 7: native by name
        "7f3fa0200000-7f3fa0301000 rw-p 00000000 00:00 0 ",         // 8: chunk, held to finish
    };
    CategoryUsage rows = accumulate(ordered);
    CHECK(rows[C::JsHeapInferred].rss == 0b1);
    CHECK(rows[C::NativeHeapInferred].rss == 0b100000110);
    CHECK(rows[C::StackInferred].rss == 0b110000);
    CHECK(rows[C::AnonOther].rss == 0b1000000);
    CHECK(rows[C::NativeHeap].rss == 0b10000000);
    CHECK(rows[C::FileOther].rss == 0b1000);
    CHECK(rows.total().rss == 0b111111111);

    // --no-infer: every unnamed mapping stays AnonPage other, the rest is unchanged.
    CategoryUsage plain = accumulate(ordered, {.infer = false});
    CHECK(plain[C::AnonOther].rss == 0b101110111);
    CHECK(plain[C::NativeHeapInferred].rss == 0);
    CHECK(plain[C::JsHeapInferred].rss == 0);
    CHECK(plain[C::StackInferred].rss == 0);
    CHECK(plain[C::NativeHeap].rss == 0b10000000);
}

TEST_CASE("MemoryAccumulator keeps to the name rules in a process that names its memory") {
    using C = Category;
    // OpenHarmony/Android: one [anon:...] name anywhere, even after the candidates.
    CategoryUsage rows = accumulate({kGuard, kStack,
                                     "7f3fa0000000-7f3fa0001000 rw-p 00000000 00:00 0  "
                                     "[anon:ArkTS Heap]"});
    CHECK(rows[C::StackInferred].rss == 0);
    CHECK(rows[C::AnonOther].rss == 0b11);
    CHECK(rows[C::ArkTsHeap].rss == 0b100);
    // [anon_shmem:...] or [vdso] are not allocator names: inference stays on.
    rows = accumulate({kGuard, kStack, "7f3fa0000000-7f3fa0001000 r-xp 00000000 00:00 0  [vdso]"});
    CHECK(rows[C::StackInferred].rss == 0b11);
}
