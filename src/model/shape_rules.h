#pragma once
// Shape inference: on a kernel without CONFIG_ANON_VMA_NAME (or a glibc that does not name its
// mappings) most anonymous memory is unnamed. Two tables attribute an unnamed anonymous mapping
// (name empty, inode 0): the shape rules say what it looks like from its permissions, size,
// alignment, address and neighbours (a ShapeMatch); the layout rules then give it a row from
// that match and what the process maps (its runtime and allocator, model/runtime.h): native
// heap, stack, JS/Java/Go heap, or AnonPage other (DESIGN.md section 4, "Linux without names").
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/category.h"
#include "model/runtime.h"

namespace memsnap {

// What inference needs of one mapping (no name: only unnamed mappings are candidates).
struct Shape {
    uint64_t start = 0;
    uint64_t end = 0;
    char perms[5] = {};         // "rw-p"
    bool file_backed = false;   // inode != 0
    bool unnamed_anon = false;  // inode 0 and an empty name: a candidate for inference

    uint64_t bytes() const { return end - start; }
    bool rw_private() const {  // exactly "rw-p": writable data, not executable, not shared
        return perms[0] == 'r' && perms[1] == 'w' && perms[2] == '-' && perms[3] == 'p';
    }
    bool no_access() const {  // "---p": a reservation or a guard
        return perms[0] == '-' && perms[1] == '-' && perms[2] == '-' && perms[3] == 'p';
    }
};

// Which shape an unnamed mapping was recognised as (None: no rule matched, AnonPage other).
enum class ShapeKind : unsigned char {
    None,
    ArenaHeap,         // the writable head of a glibc non-main arena heap
    ArenaReservation,  // the `---p` rest of that heap's 64 MiB
    StackGuard,        // the `---p` guard below a thread stack
    ThreadStack,       // the writable stack above its guard
    V8Page,            // a V8 heap page (256 KiB, 256 KiB aligned)
    V8LargePage,       // a V8 large-object page (256 KiB aligned, isolated, in V8's hint range)
    MallocChunk,       // mmapped malloc chunks (large mallocs), merged by the kernel
    FullArena,         // glibc arena heaps used up to their 64 MiB (no reservation left)
    RoundMapping,      // start and size whole 2 MiB units: a program's own mmap, or an extent
};
inline constexpr std::size_t kShapeKindCount = static_cast<std::size_t>(ShapeKind::RoundMapping) + 1;

// Where a mapping lies, for runtimes that put their heap at addresses of their choosing.
enum class Region : unsigned char {
    Anywhere,
    Low,      // ends at or below 32 GiB: where HotSpot reserves a compressed-oops Java heap
    GoArena,  // starts at one of Go's arena hints, or directly continues such a mapping
};
inline constexpr std::size_t kRegionCount = 3;

// The neighbours of a mapping in address order. `prev_kind` is what the previous mapping was
// inferred as (None when it was named, file-backed or not inferred).
struct Neighbours {
    const Shape* prev = nullptr;  // nullptr: the first mapping
    ShapeKind prev_kind = ShapeKind::None;
    const Shape* next = nullptr;  // nullptr: the last mapping
    Region prev_region = Region::Anywhere;  // the previous unnamed mapping's region
};

// What the shape rules make of one unnamed mapping, before its process is known.
struct ShapeMatch {
    ShapeKind kind = ShapeKind::None;      // the first shape rule that matched
    ShapeKind fallback = ShapeKind::None;  // for a V8 shape: what the rules after V8's give
    Region region = Region::Anywhere;
    // Part of a reservation committed piecewise: an unnamed `---p` touches it, or it is a
    // `---p` touching an unnamed mapping (JVM metaspace, code cache, GC tables).
    bool reservation = false;
};

struct ShapeRule {
    ShapeKind kind;
    Category category;
    std::string_view description;  // the shape, in words (man page, tests)
    bool (*matches)(const Shape& m, const Neighbours& n);
    std::string_view evidence;  // where the shape comes from and how it was checked
};

// The shape rules in the order they are tried (the first match wins).
std::span<const ShapeRule> shape_rules();

// The rule an unnamed anonymous mapping matches, given its neighbours; nullptr when `m` is not a
// candidate (named or file-backed) or no rule matches. `skip_v8`: ignore the V8 page rules.
const ShapeRule* infer_shape(const Shape& m, const Neighbours& n, bool skip_v8 = false);

// The shape rules' verdict on `m` (kind None when `m` is not a candidate), with its region.
ShapeMatch match_shape(const Shape& m, const Neighbours& n);

// A layout rule: which row a ShapeMatch gets in a process of a given layout.
struct LayoutRule {
    std::string_view description;  // when it applies, in words (man page, tests)
    bool (*applies)(const ShapeMatch& m, const ProcessLayout& p);
    Category category;
    std::string_view evidence;  // the runtime's source and what was seen on this machine
};

// The layout rules in the order they are tried (the first that applies wins; none: AnonOther).
std::span<const LayoutRule> layout_rules();

// The row of an unnamed mapping that matched `m`, in a process laid out as `p`.
Category attribute(const ShapeMatch& m, const ProcessLayout& p);

}  // namespace memsnap
