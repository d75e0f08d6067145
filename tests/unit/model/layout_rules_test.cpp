// Runtime- and allocator-aware attribution: what the mapped files say (model/runtime.cpp), the
// new shapes and regions (model/shape_rules.cpp), one case per layout rule (each expected row
// read off the rule's description by hand), MemoryAccumulator on sequences shaped after real
// processes (JVM, Go, jemalloc, mimalloc; the addresses seen on this machine), and the ELF
// section reader (procfs/exe.cpp) on real and broken files.
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "model/accumulate.h"
#include "model/runtime.h"
#include "model/shape_rules.h"
#include "procfs/exe.h"
#include "procfs/smaps.h"

using namespace memsnap;

namespace {

using C = Category;
using K = ShapeKind;

ProcessLayout layout_of(const std::vector<std::string>& files) {
    ProcessLayout p;
    for (const auto& f : files) p.note_file(f);
    return p;
}

// A smaps text whose i-th mapping has Rss 2^i kB, so a row's Rss says which mappings it got.
CategoryUsage accumulate(const std::vector<std::string>& headers, AccumulateOptions options = {},
                         ProcessLayout* layout = nullptr) {
    std::string text;
    for (std::size_t i = 0; i < headers.size(); ++i)
        text += headers[i] + "\nRss: " + std::to_string(1u << i) + " kB\n";
    MemoryAccumulator acc(options);
    SmapsReader reader;
    reader.read_text(text, "test.smaps", [&](const Mapping& m) { acc.add(m); });
    acc.finish();
    if (layout) *layout = acc.layout();
    return acc.categories();
}

Shape shape(uint64_t start, uint64_t end, const char* perms) {
    Shape s;
    s.start = start;
    s.end = end;
    for (int i = 0; i < 4; ++i) s.perms[i] = perms[i];
    s.unnamed_anon = true;
    return s;
}

const std::string kLibc = "7f0000000000-7f0000026000 r--p 00000000 fe:00 11  /usr/lib/x86_64-linux-gnu/libc.so.6";
const std::string kJvm = "7f0000100000-7f0000200000 r-xp 00000000 fe:00 12  /usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so";

}  // namespace

TEST_CASE("runtime and allocator from mapped files") {
    CHECK(layout_of({"/usr/lib/jvm/java-17-openjdk-amd64/lib/server/libjvm.so"}).runtime ==
          Runtime::Java);
    CHECK(layout_of({"/usr/lib/jvm/x/libjvm.so"}).runtime_name == "java");
    CHECK(layout_of({"/usr/bin/python3.11"}).runtime == Runtime::Python);
    CHECK(layout_of({"/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0"}).runtime ==
          Runtime::Python);
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libnode.so.108"}).runtime == Runtime::Js);
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libjemalloc.so.2"}).allocator() ==
          Allocator::Jemalloc);
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4.5.10"}).allocator() ==
          Allocator::Tcmalloc);
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0"}).allocator() ==
          Allocator::Mimalloc);
    // A replacement wins over libc whatever the order; libc alone is glibc's malloc.
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/libjemalloc.so.2"})
              .allocator() == Allocator::Jemalloc);
    CHECK(layout_of({"/usr/lib/x86_64-linux-gnu/libc.so.6"}).allocator() == Allocator::Glibc);
    // Not these: other names, suffixes that are not versions, a python-named data file.
    CHECK(layout_of({"/opt/libjvm.so.bak", "/usr/lib/libjvmti.so"}).runtime == Runtime::Unknown);
    CHECK(layout_of({"/home/u/python-notes.txt", "/usr/bin/pythonista"}).runtime ==
          Runtime::Unknown);
    CHECK(layout_of({"/usr/lib/libcrypto.so.3"}).allocator() == Allocator::Unknown);
    // A Go binary without libc has no malloc; with libc (cgo) it has glibc's.
    ProcessLayout go;
    go.set_runtime(Runtime::Go, "go");
    CHECK(go.allocator() == Allocator::None);
    go.note_file("/usr/lib/x86_64-linux-gnu/libc.so.6");
    CHECK(go.allocator() == Allocator::Glibc);
    CHECK(allocator_name(Allocator::None).empty());
    CHECK(allocator_name(Allocator::Mimalloc) == "mimalloc");
}

TEST_CASE("full arena and round mapping shapes") {
    constexpr uint64_t M = 1024 * 1024;
    Neighbours none;
    // Two full 64 MiB heaps merged (memhog threadsmall): 64 MiB-aligned, 128 MiB.
    Shape full = shape(0x7f6d88000000, 0x7f6d90000000, "rw-p");
    CHECK(match_shape(full, none).kind == K::FullArena);
    // 64 MiB-aligned but 66 MiB: a round mapping, not an arena.
    Shape round = shape(0x7f6d88000000, 0x7f6d88000000 + 66 * M, "rw-p");
    CHECK(match_shape(round, none).kind == K::RoundMapping);
    // 2 MiB-aligned 64 MiB (the kernel's THP alignment, not 64 MiB): round.
    Shape own = shape(0x7f6d88200000, 0x7f6d8c200000, "rw-p");
    CHECK(match_shape(own, none).kind == K::RoundMapping);
    // A .bss directly after a file mapping is neither.
    Shape file = shape(0x7f6d87f00000, 0x7f6d88000000, "rw-p");
    file.unnamed_anon = false;
    file.file_backed = true;
    Neighbours after_file{&file, K::None, nullptr};
    CHECK(match_shape(full, after_file).kind == K::None);
    // A full heap merged below the head of the next: head + reservation make 128 MiB.
    Shape head = shape(0x7f6d88000000, 0x7f6d8c021000, "rw-p");
    Shape rest = shape(0x7f6d8c021000, 0x7f6d90000000, "---p");
    CHECK(match_shape(head, Neighbours{nullptr, K::None, &rest}).kind == K::ArenaHeap);
    CHECK(match_shape(rest, Neighbours{&head, K::ArenaHeap, nullptr}).kind ==
          K::ArenaReservation);
}

TEST_CASE("regions: Go's arena hints, the compressed-oops range, anywhere else") {
    Neighbours none;
    // Go 1.19: the first arena at 0xc000000000, the next hint 1 TiB up.
    Shape go = shape(0xc000000000, 0xc000200000, "rw-p");
    CHECK(match_shape(go, none).region == Region::GoArena);
    CHECK(match_shape(shape(0x1c000000000, 0x1c004000000, "rw-p"), none).region ==
          Region::GoArena);
    // Its continuation (rw-p, then ---p), and not a mapping after a gap.
    Shape next = shape(0xc000200000, 0xc00cc00000, "rw-p");
    CHECK(match_shape(next, Neighbours{&go, K::RoundMapping, nullptr, Region::GoArena}).region ==
          Region::GoArena);
    Shape apart = shape(0xc010000000, 0xc010200000, "rw-p");
    CHECK(match_shape(apart, Neighbours{&go, K::RoundMapping, nullptr, Region::GoArena}).region ==
          Region::Anywhere);
    // 0x7fc000000000 is hint 0x7f: the mmap area just above it is not a hint.
    CHECK(match_shape(shape(0x7fef5867c000, 0x7fef5b000000, "rw-p"), none).region ==
          Region::Anywhere);
    // openjdk 17's G1 heap: 0x687400000-0x7ff800000, below 32 GiB.
    CHECK(match_shape(shape(0x687400000, 0x6cf800000, "rw-p"), none).region == Region::Low);
    CHECK(match_shape(shape(0x7ff800000, 0x800000000, "rw-p"), none).region == Region::Low);
    CHECK(match_shape(shape(0x7ff800000, 0x800001000, "rw-p"), none).region == Region::Anywhere);
}

TEST_CASE("reservation: touching an unnamed ---p") {
    Shape committed = shape(0x7f15eb400000, 0x7f15eb410000, "rw-p");
    Shape reserved = shape(0x7f15eb410000, 0x7f15ef000000, "---p");
    CHECK(match_shape(committed, Neighbours{nullptr, K::None, &reserved}).reservation);
    CHECK(match_shape(reserved, Neighbours{&committed, K::None, nullptr}).reservation);
    Shape alone = shape(0x7f15eb400000, 0x7f15eb410000, "rw-p");
    Shape other = shape(0x7f15eb410000, 0x7f15eb420000, "rw-p");
    CHECK_FALSE(match_shape(alone, Neighbours{nullptr, K::None, &other}).reservation);
}

TEST_CASE("layout rules: one case per rule, and every rule fires") {
    ProcessLayout java = layout_of({"/x/libc.so.6", "/x/libjvm.so"});
    ProcessLayout go;
    go.set_runtime(Runtime::Go, "go");
    ProcessLayout glibc = layout_of({"/x/libc.so.6"});
    ProcessLayout node = layout_of({"/x/libc.so.6", "/x/libnode.so.108"});
    ProcessLayout jemalloc = layout_of({"/x/libc.so.6", "/x/libjemalloc.so.2"});
    ProcessLayout mimalloc = layout_of({"/x/libc.so.6", "/x/libmimalloc.so.2"});
    ProcessLayout python = layout_of({"/usr/bin/python3.11", "/x/libc.so.6"});
    ProcessLayout unknown;
    auto m = [](K kind, Region r = Region::Anywhere, bool reservation = false,
                K fallback = K::None) { return ShapeMatch{kind, fallback, r, reservation}; };
    struct Case {
        ShapeMatch match;
        const ProcessLayout* layout;
        Category want;
    };
    const std::vector<Case> cases = {
        {m(K::MallocChunk, Region::Low), &java, C::JavaHeapInferred},      // java heap
        {m(K::RoundMapping, Region::GoArena), &go, C::GoHeapInferred},     // go heap
        {m(K::ThreadStack), &go, C::StackInferred},                        // stacks
        {m(K::ArenaHeap), &glibc, C::NativeHeapInferred},                  // glibc arena
        {m(K::MallocChunk, Region::Anywhere, true), &java, C::JavaHeapInferred},  // JVM tables
        {m(K::V8Page), &node, C::JsHeapInferred},                          // V8 page
        {m(K::FullArena), &glibc, C::NativeHeapInferred},                  // full arena
        {m(K::MallocChunk), &glibc, C::NativeHeapInferred},                // malloc chunk
        {m(K::RoundMapping), &jemalloc, C::NativeHeapInferred},            // allocator extent
        {m(K::RoundMapping), &python, C::NativeHeapInferred},              // pymalloc arenas
    };
    std::set<std::string_view> fired;
    for (const Case& c : cases) {
        Category got = attribute(c.match, *c.layout);
        CHECK(static_cast<int>(got) == static_cast<int>(c.want));
        for (const LayoutRule& rule : layout_rules()) {
            if (rule.applies(c.match, *c.layout)) {
                fired.insert(rule.description);
                break;
            }
        }
    }
    for (const LayoutRule& rule : layout_rules()) {
        INFO(rule.description);
        CHECK(fired.count(rule.description) == 1);
        CHECK_FALSE(rule.evidence.empty());
    }
    // And where no rule applies: the mapping stays AnonPage other.
    CHECK(attribute(m(K::RoundMapping), glibc) == C::AnonOther);     // a program's own mmap
    CHECK(attribute(m(K::RoundMapping), unknown) == C::AnonOther);
    CHECK(attribute(m(K::MallocChunk), go) == C::AnonOther);         // no malloc in static Go
    CHECK(attribute(m(K::MallocChunk, Region::Low), glibc) == C::NativeHeapInferred);  // no JVM
    CHECK(attribute(m(K::RoundMapping, Region::GoArena), glibc) == C::AnonOther);      // no Go
    CHECK(attribute(m(K::FullArena), go) == C::AnonOther);
    // V8 shapes: JS heap in a JS runtime or an unknown one; elsewhere what they fall back to.
    CHECK(attribute(m(K::V8LargePage), unknown) == C::JsHeapInferred);
    CHECK(attribute(m(K::V8LargePage, Region::Anywhere, false, K::RoundMapping), mimalloc) ==
          C::NativeHeapInferred);
    CHECK(attribute(m(K::V8Page, Region::Anywhere, false, K::MallocChunk), python) ==
          C::NativeHeapInferred);
    CHECK(attribute(m(K::V8Page, Region::Anywhere, false, K::MallocChunk), java) ==
          C::NativeHeapInferred);
    CHECK(attribute(m(K::V8LargePage, Region::Anywhere, false, K::None), go) == C::AnonOther);
}

TEST_CASE("MemoryAccumulator: a JVM's heap before libjvm.so is mapped") {
    // openjdk 17, G1: the heap (committed head, reserved rest) lies below the libraries.
    std::vector<std::string> jvm = {
        "687400000-6cf800000 rw-p 00000000 00:00 0 ",               // 0: heap, committed
        "6cf800000-7ff800000 ---p 00000000 00:00 0 ",               // 1: heap, reserved
        "7f15eb400000-7f15eb410000 rw-p 00000000 00:00 0 ",         // 2: metaspace granule
        "7f15eb410000-7f15ef000000 ---p 00000000 00:00 0 ",         // 3: metaspace reserved
        "7f1644c7c000-7f1644cfd000 rw-p 00000000 00:00 0 ",         // 4: a malloc chunk
        kLibc,                                                      // 5
        kJvm,                                                       // 6
    };
    ProcessLayout layout;
    CategoryUsage rows = accumulate(jvm, {}, &layout);
    CHECK(layout.runtime == Runtime::Java);
    CHECK(rows[C::JavaHeapInferred].rss == 0b1111);
    CHECK(rows[C::NativeHeapInferred].rss == 0b10000);
    CHECK(rows[C::AnonOther].rss == 0);
    // The same mappings without libjvm.so: no Java heap, the reservations are not attributed.
    jvm.pop_back();
    rows = accumulate(jvm);
    CHECK(rows[C::JavaHeapInferred].rss == 0);
    CHECK(rows[C::NativeHeapInferred].rss == 0b10000);  // the malloc chunk only
    CHECK(rows[C::AnonOther].rss == 0b1111);             // a round mapping, a lone 64 KiB, ---p
}

TEST_CASE("MemoryAccumulator: Go's arenas, by the executable's section or the first hint") {
    std::vector<std::string> go = {
        "00400000-00485000 r-xp 00000000 fe:00 13  /tmp/gohog",      // 0
        "c000000000-c000200000 rw-p 00000000 00:00 0 ",             // 1: arena
        "c000200000-c00cc00000 rw-p 00000000 00:00 0 ",             // 2: arena
        "c00cc00000-c010000000 ---p 00000000 00:00 0 ",             // 3: arena reserved
        "7fef5867c000-7fef5b000000 rw-p 00000000 00:00 0 ",         // 4: runtime metadata
    };
    ProcessLayout layout;
    CategoryUsage rows = accumulate(go, {.go_executable = true}, &layout);
    CHECK(layout.runtime == Runtime::Go);
    CHECK(layout.allocator() == Allocator::None);
    CHECK(rows[C::GoHeapInferred].rss == 0b1110);
    CHECK(rows[C::NativeHeapInferred].rss == 0);  // no malloc without libc
    CHECK(rows[C::AnonOther].rss == 0b10000);
    // A captured tree has no exe: the mapping at Go's first hint says Go.
    rows = accumulate(go);
    CHECK(rows[C::GoHeapInferred].rss == 0b1110);
    // With libc mapped and no exe evidence the hint alone is not enough (cgo or not Go).
    go.push_back(kLibc);
    rows = accumulate(go);
    CHECK(rows[C::GoHeapInferred].rss == 0);
}

TEST_CASE("MemoryAccumulator: jemalloc's and mimalloc's extents are native heap") {
    // jemalloc 5.3 under LD_PRELOAD: 128 MiB extent at a 2 MiB boundary.
    std::vector<std::string> je = {
        "7fa569a00000-7fa571a00000 rw-p 00000000 00:00 0 ", kLibc,
        "7fa584cce000-7fa584cf0000 r-xp 00000000 fe:00 14  /usr/lib/x86_64-linux-gnu/libjemalloc.so.2"};
    ProcessLayout layout;
    CategoryUsage rows = accumulate(je, {}, &layout);
    CHECK(allocator_name(layout.allocator()) == "jemalloc");
    CHECK(rows[C::NativeHeapInferred].rss == 0b1);
    je.pop_back();  // glibc: the same mapping is a program's own mmap
    rows = accumulate(je);
    CHECK(rows[C::AnonOther].rss == 0b1);
    // mimalloc 2.0: 384 MiB of segments at 0x3441e000000 (a V8 large page by shape alone).
    std::vector<std::string> mi = {
        "3441e000000-34436000000 rw-p 00000000 00:00 0 ", kLibc,
        "7f8545000000-7f8545020000 r-xp 00000000 fe:00 15  /usr/lib/x86_64-linux-gnu/libmimalloc.so.2.0"};
    rows = accumulate(mi);
    CHECK(rows[C::NativeHeapInferred].rss == 0b1);
    CHECK(rows[C::JsHeapInferred].rss == 0);
}

TEST_CASE("elf_has_section: real, missing, non-ELF and truncated files") {
    // This test binary is ELF64 with a .text section and no .go.buildinfo.
    CHECK(elf_has_section("/proc/self/exe", ".text"));
    CHECK_FALSE(elf_has_section("/proc/self/exe", ".go.buildinfo"));
    CHECK_FALSE(elf_has_section("/nonexistent/exe", ".text"));
    CHECK_FALSE(elf_has_section("/proc/self", ".text"));  // a directory
    char name[] = "/tmp/memsnap-elf-XXXXXX";
    int fd = mkstemp(name);
    REQUIRE(fd >= 0);
    close(fd);
    {
        std::ofstream f(name, std::ios::binary);
        f << "not an ELF file at all, but long enough to hold a header..............";
    }
    CHECK_FALSE(elf_has_section(name, ".text"));
    {
        // The first 64 bytes of this binary: a valid header whose section table is cut off.
        std::ifstream self("/proc/self/exe", std::ios::binary);
        char header[64];
        self.read(header, sizeof header);
        std::ofstream f(name, std::ios::binary | std::ios::trunc);
        f.write(header, sizeof header);
    }
    CHECK_FALSE(elf_has_section(name, ".text"));
    std::remove(name);
}
