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

bool adjacent(const Shape& low, const Shape& high) {
    return low.end == high.start;
}

bool arena_heap(const Shape& m, const Neighbours& n) {
    return m.rw_private() && m.start % kArenaHeapSize == 0 && n.next != nullptr &&
           n.next->unnamed_anon && n.next->no_access() && adjacent(m, *n.next) &&
           m.bytes() + n.next->bytes() == kArenaHeapSize;
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
    bool round = m.start % kRoundUnit == 0 && m.bytes() % kRoundUnit == 0;
    bool bss = n.prev != nullptr && n.prev->file_backed && adjacent(*n.prev, m);
    return m.rw_private() && m.bytes() >= kMinMallocChunk && !round && !bss;
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
};

}  // namespace

std::span<const ShapeRule> shape_rules() {
    return kRules;
}

const ShapeRule* infer_shape(const Shape& m, const Neighbours& n) {
    if (!m.unnamed_anon) return nullptr;
    for (const ShapeRule& rule : kRules) {
        if (rule.matches(m, n)) return &rule;
    }
    return nullptr;
}

}  // namespace memsnap
