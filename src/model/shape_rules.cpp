#include "model/shape_rules.h"

#include <array>

namespace memsnap {
namespace {

using C = Category;
using K = ShapeKind;

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
// glibc malloc/arena.c: HEAP_MAX_SIZE = 2 * DEFAULT_MMAP_THRESHOLD_MAX = 64 MiB on 64-bit.
constexpr uint64_t kArenaHeapSize = 64 * kMiB;
// V8 src/heap/memory-chunk-layout.h / globals.h: kPageSizeBits = 18 on x64 and arm64.
constexpr uint64_t kV8PageSize = 256 * kKiB;
// V8 src/base/platform/platform-posix.cc, GetRandomMmapAddr(): hints are masked with
// 0x3FFFFFFFF000 ("truncate the hint address to 46 bits"); the kernel's top-down mmap area
// (glibc's chunks, arenas, stacks, libraries) lies near the top of the 47-bit space.
constexpr uint64_t kV8HintLimit = uint64_t{1} << 46;
// glibc: PTHREAD_STACK_MIN = 16 KiB.
constexpr uint64_t kMinThreadStack = 16 * kKiB;
// glibc malloc.c: DEFAULT_MMAP_THRESHOLD_MIN = 128 KiB; an mmapped chunk adds its header and
// is rounded up to a page, so the smallest is 132 KiB.
constexpr uint64_t kMinMallocChunk = 132 * kKiB;
// A "round" mapping (start and size multiples of 2 MiB) is what a program's own mmap of whole
// 2 MiB units looks like: since Linux 6.7 the kernel aligns an anonymous mapping whose length is
// a multiple of the PMD size (2 MiB) for THP. A run of N 1028 KiB malloc chunks is that round
// only when N is a multiple of 512. (64 KiB was tried first: a run of 16 chunks ending on an
// arena's 64 MiB boundary is 64 KiB-round, and node's 1 MiB Buffers lost 16 MiB to it.)
constexpr uint64_t kRoundUnit = 2 * kMiB;

// HotSpot share/oops/compressedOops.cpp: OopEncodingHeapMax = 32 GiB (4 GiB << 3-bit shift);
// a heap of at most that is placed to end below it, so oops decode with no base.
constexpr uint64_t kCompressedOopsEnd = 32 * 1024 * kMiB;
// Go runtime/malloc.go mallocinit(): on 64-bit, arena hints at i<<40 | 0x00c0<<32 for
// i = 0x7f down to 0; the heap grows upwards from a hint (mheap.sysAlloc).
constexpr uint64_t kGoHintLow = uint64_t{0x00c0} << 32;
constexpr uint64_t kGoHintStride = uint64_t{1} << 40;
constexpr uint64_t kGoHintCount = 0x80;

bool adjacent(const Shape& low, const Shape& high) {
    return low.end == high.start;
}

bool bss_of(const Shape& m, const Neighbours& n) {
    return n.prev != nullptr && n.prev->file_backed && adjacent(*n.prev, m);
}

bool round_mapping_shape(const Shape& m) {
    return m.start % kRoundUnit == 0 && m.bytes() % kRoundUnit == 0;
}

// A heap whose head is writable and whose rest is reserved: the two together whole 64 MiB
// units (one heap, or full heaps merged below the head of the next).
bool arena_heap(const Shape& m, const Neighbours& n) {
    return m.rw_private() && m.start % kArenaHeapSize == 0 && n.next != nullptr &&
           n.next->unnamed_anon && n.next->no_access() && adjacent(m, *n.next) &&
           (m.bytes() + n.next->bytes()) % kArenaHeapSize == 0;
}

bool arena_reservation(const Shape& m, const Neighbours& n) {
    return m.no_access() && n.prev_kind == K::ArenaHeap && n.prev != nullptr &&
           adjacent(*n.prev, m);
}

// The writable mapping a `---p` below it would guard (rule thread_stack, seen from the guard).
bool guardable_stack(const Shape& guard, const Shape& stack) {
    return stack.unnamed_anon && stack.rw_private() && adjacent(guard, stack) &&
           stack.bytes() >= kMinThreadStack && guard.bytes() <= stack.bytes() &&
           stack.start % kArenaHeapSize != 0;  // an arena head's predecessor is no guard
}

bool stack_guard(const Shape& m, const Neighbours& n) {
    return m.no_access() && n.next != nullptr && guardable_stack(m, *n.next);
}

bool thread_stack(const Shape& m, const Neighbours& n) {
    return m.rw_private() && n.prev_kind == K::StackGuard && n.prev != nullptr &&
           adjacent(*n.prev, m);
}

bool v8_page(const Shape& m, const Neighbours&) {
    return m.rw_private() && m.start % kV8PageSize == 0 && m.bytes() == kV8PageSize;
}

bool v8_large_page(const Shape& m, const Neighbours& n) {
    bool isolated = (n.prev == nullptr || !adjacent(*n.prev, m)) &&
                    (n.next == nullptr || !adjacent(m, *n.next));
    return m.rw_private() && m.start % kV8PageSize == 0 && m.bytes() > kV8PageSize &&
           m.end <= kV8HintLimit && isolated;
}

bool malloc_chunk(const Shape& m, const Neighbours& n) {
    return m.rw_private() && m.bytes() >= kMinMallocChunk && !round_mapping_shape(m) &&
           !bss_of(m, n);
}

bool full_arena(const Shape& m, const Neighbours& n) {
    return m.rw_private() && m.start % kArenaHeapSize == 0 && m.bytes() % kArenaHeapSize == 0 &&
           !bss_of(m, n);
}

bool round_mapping(const Shape& m, const Neighbours& n) {
    return m.rw_private() && m.bytes() > 0 && round_mapping_shape(m) && !bss_of(m, n);
}

Region region_of(const Shape& m, const Neighbours& n) {
    uint64_t hint = m.start % kGoHintStride;
    if (hint == kGoHintLow && m.start / kGoHintStride < kGoHintCount) return Region::GoArena;
    if (n.prev_region == Region::GoArena && n.prev != nullptr && n.prev->unnamed_anon &&
        adjacent(*n.prev, m))
        return Region::GoArena;
    if (m.end <= kCompressedOopsEnd && !bss_of(m, n)) return Region::Low;
    return Region::Anywhere;
}

// Tried in this order; the first match wins. "Seen:" is what the rule was checked against on
// kernel 6.18 (no CONFIG_ANON_VMA_NAME), glibc 2.36, Node 20 (tests/e2e/test_infer.py).
constexpr std::array kRules = {
    ShapeRule{K::ArenaHeap, C::NativeHeapInferred,
              "rw-p starting on a 64 MiB boundary, followed directly by a ---p, the two 64 MiB",
              arena_heap,
              "glibc malloc/arena.c new_heap(): mmap 64 MiB PROT_NONE aligned to HEAP_MAX_SIZE, "
              "mprotect the used head rw. Seen: memhog threadmalloc, node's worker threads "
              "(132 KiB + 65404 KiB)"},
    ShapeRule{K::ArenaReservation, C::NativeHeapInferred, "the ---p directly after an arena heap",
              arena_reservation,
              "glibc malloc/arena.c: the not yet used rest of the heap (no memory behind it)"},
    ShapeRule{K::StackGuard, C::StackInferred,
              "---p directly below a thread stack, no larger than it", stack_guard,
              "glibc nptl/allocatestack.c: one mmap of stack + guard, the guard (one page by "
              "default) mprotected PROT_NONE at the low end. Seen: 4 KiB below 8 MiB"},
    ShapeRule{K::ThreadStack, C::StackInferred,
              "rw-p of at least 16 KiB directly after a ---p guard no larger than it", thread_stack,
              "glibc nptl/allocatestack.c (stack above its guard; PTHREAD_STACK_MIN 16 KiB). "
              "Seen: memhog threads, node's libuv/V8 workers (8192 KiB after 4 KiB)"},
    ShapeRule{K::V8Page, C::JsHeapInferred,
              "rw-p of exactly 256 KiB starting on a 256 KiB boundary", v8_page,
              "V8 heap/memory-allocator.cc: every regular page is its own 256 KiB mmap, aligned "
              "to kPageSize, at a random hint. Seen: node growing its heap by 100 MB of small "
              "objects added ~550 such mappings (heapTotal +140 MB), none merged"},
    ShapeRule{K::V8LargePage, C::JsHeapInferred,
              "rw-p larger than 256 KiB, starting on a 256 KiB boundary below 2^46, with no "
              "neighbour touching it",
              v8_large_page,
              "V8 large-object pages: 256 KiB aligned, size rounded to a page only; placed at a "
              "random hint below 2^46 (platform-posix.cc GetRandomMmapAddr), so isolated. Seen: "
              "node allocating 800 KB arrays (all at 0x1a.. to 0x3f.. addresses)"},
    ShapeRule{K::MallocChunk, C::NativeHeapInferred,
              "rw-p of at least 132 KiB, not round (start and size not both multiples of "
              "2 MiB), not a .bss (directly after a file mapping)",
              malloc_chunk,
              "glibc malloc.c sysmalloc_mmap(): a chunk is the request + header rounded to a "
              "page (1 MiB -> 1028 KiB); the kernel merges neighbours into runs. Seen: memhog "
              "bigmalloc and node's 1 MiB Buffers (runs of 45 and 55 x 1028 KiB), while "
              "memhog's mmap 8, 32, 64 (2 MiB-aligned by the kernel) stay AnonPage other"},
    ShapeRule{K::FullArena, C::NativeHeapInferred,
              "rw-p starting on a 64 MiB boundary, its size whole 64 MiB units", full_arena,
              "glibc malloc/arena.c grow_heap(): a heap used up to HEAP_MAX_SIZE has no ---p "
              "rest; neighbouring full heaps merge. Seen: memhog threadmalloc of small chunks"},
    ShapeRule{K::RoundMapping, C::AnonOther,
              "rw-p whose start and size are whole 2 MiB units (not a .bss)", round_mapping,
              "Linux 6.7+ mm/mmap.c: an anonymous mmap whose length is a multiple of the PMD size "
              "is PMD-aligned (THP). A program's own mmap, or an allocator's extent: the layout "
              "rules decide. Seen: memhog mmap 8/32, jemalloc's extents (2 MiB aligned)"},
};

bool is_v8_kind(ShapeKind k) {
    return k == K::V8Page || k == K::V8LargePage;
}

}  // namespace

std::span<const ShapeRule> shape_rules() {
    return kRules;
}

const ShapeRule* infer_shape(const Shape& m, const Neighbours& n, bool skip_v8) {
    if (!m.unnamed_anon) return nullptr;
    for (const ShapeRule& rule : kRules) {
        if (skip_v8 && is_v8_kind(rule.kind)) continue;
        if (rule.matches(m, n)) return &rule;
    }
    return nullptr;
}

ShapeMatch match_shape(const Shape& m, const Neighbours& n) {
    ShapeMatch out;
    if (!m.unnamed_anon) return out;
    const ShapeRule* rule = infer_shape(m, n);
    out.kind = rule ? rule->kind : K::None;
    if (is_v8_kind(out.kind)) {
        const ShapeRule* other = infer_shape(m, n, true);
        out.fallback = other ? other->kind : K::None;
    }
    out.region = region_of(m, n);
    auto touches = [&](const Shape* other) {
        if (other == nullptr || !other->unnamed_anon) return false;
        if (!adjacent(*other, m) && !adjacent(m, *other)) return false;
        return other->no_access() || m.no_access();
    };
    out.reservation = touches(n.prev) || touches(n.next);
    return out;
}

namespace {

using R = Runtime;
using A = Allocator;

// The shape a mapping has once V8's rules are set aside (in a process without V8).
ShapeKind non_v8(const ShapeMatch& m) {
    return is_v8_kind(m.kind) ? m.fallback : m.kind;
}

bool replacement_malloc(const ProcessLayout& p) {
    A a = p.allocator();
    return a == A::Jemalloc || a == A::Tcmalloc || a == A::Mimalloc;
}

constexpr std::array kLayoutRules = {
    LayoutRule{"a JVM (libjvm.so mapped): any unnamed mapping ending at or below 32 GiB",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return p.runtime == R::Java && m.region == Region::Low;
               },
               C::JavaHeapInferred,
               "HotSpot reserves the Java heap in one piece (G1, Parallel and Serial alike) and "
               "commits it in parts (rw-p between ---p); with compressed oops (heaps up to 32 GiB, "
               "the default) it ends at or below 32 GiB. Seen: openjdk 17, G1 default 6 GiB at "
               "0x687400000-0x7ff800000, Rss = Runtime used"},
    LayoutRule{"a Go binary: the mappings from an arena hint (0x00c000000000 + i<<40) upwards",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return p.runtime == R::Go && m.region == Region::GoArena;
               },
               C::GoHeapInferred,
               "Go runtime/malloc.go: 64 MiB heap arenas from the hints, contiguous. Seen: go1.19 "
               "c000000000-c010000000 (rw-p then ---p), Rss = HeapInuse"},
    LayoutRule{"a thread stack or its guard",
               [](const ShapeMatch& m, const ProcessLayout&) {
                   return m.kind == K::StackGuard || m.kind == K::ThreadStack;
               },
               C::StackInferred, "shape rules stack_guard/thread_stack"},
    LayoutRule{"a glibc arena heap (head and reservation), in a process with a malloc",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return (m.kind == K::ArenaHeap || m.kind == K::ArenaReservation) &&
                          p.allocator() != A::None;
               },
               C::NativeHeapInferred, "shape rules arena_heap/arena_reservation"},
    LayoutRule{"a JVM: the other reservations it commits piecewise (touching a ---p)",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return p.runtime == R::Java && m.reservation;
               },
               C::JavaHeapInferred,
               "HotSpot reserves metaspace (64 KiB commit granules), the code cache (rwxp) and "
               "G1's card table, offset table and mark bitmaps (sized from the heap) as "
               "---p and commits parts. Seen: openjdk 17 G1 growing 200 MiB: +26 MiB of such "
               "tables, which malloc_chunk alone called native heap"},
    LayoutRule{"a V8 heap page, in a JS runtime, or a process of unknown runtime whose malloc is "
               "not jemalloc/tcmalloc/mimalloc",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return is_v8_kind(m.kind) &&
                          (p.runtime == R::Js ||
                           (p.runtime == R::Unknown && !replacement_malloc(p)));
               },
               C::JsHeapInferred,
               "shape rules v8_page/v8_large_page; a JVM, Go or Python process has no V8, and "
               "mimalloc's 32 MiB segments (hints from 2 TiB) look like V8 large pages: "
               "those go on to the rules below"},
    LayoutRule{"a full glibc arena, in a process whose malloc is glibc's",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return non_v8(m) == K::FullArena &&
                          (p.allocator() == A::Glibc || p.allocator() == A::Unknown);
               },
               C::NativeHeapInferred, "shape rule full_arena"},
    LayoutRule{"a malloc chunk, in a process with a malloc",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return non_v8(m) == K::MallocChunk && p.allocator() != A::None;
               },
               C::NativeHeapInferred,
               "shape rule malloc_chunk; a static Go binary maps no libc and has no malloc"},
    LayoutRule{"any other writable mapping, in a process whose malloc is jemalloc, tcmalloc or "
               "mimalloc",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   K k = non_v8(m);
                   return (k == K::RoundMapping || k == K::FullArena) && replacement_malloc(p);
               },
               C::NativeHeapInferred,
               "jemalloc 5 src/extent.c: extents grown from mmaps of 2 MiB-aligned, whole-2 MiB "
               "sizes; mimalloc 2 src/os.c: 32 MiB segments from 2 TiB hints; tcmalloc "
               "system-alloc.cc: sbrk first ([heap]), then mmap. Seen: jemalloc 5.3 "
               "(131072 kB at 2 MiB alignment), mimalloc 2.0 (393216 kB at 0x3441e000000)"},
    LayoutRule{"2 MiB-round mappings in Python: pymalloc arenas merged by the kernel",
               [](const ShapeMatch& m, const ProcessLayout& p) {
                   return non_v8(m) == K::RoundMapping && p.runtime == R::Python;
               },
               C::NativeHeapInferred,
               "CPython Objects/obmalloc.c: 1 MiB arenas (ARENA_BITS 20, USE_LARGE_ARENAS on "
               "64-bit, 3.10+), each its own mmap; neighbours merge and may come out 2 MiB-round. "
               "Seen: python3.11 growing 100 MiB of tuples: runs of 1-16 MiB"},
};

}  // namespace

std::span<const LayoutRule> layout_rules() {
    return kLayoutRules;
}

Category attribute(const ShapeMatch& m, const ProcessLayout& p) {
    for (const LayoutRule& rule : kLayoutRules) {
        if (rule.applies(m, p)) return rule.category;
    }
    return C::AnonOther;
}

}  // namespace memsnap
