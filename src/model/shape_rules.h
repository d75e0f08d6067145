#pragma once
// Shape inference: on a kernel without CONFIG_ANON_VMA_NAME (or a glibc that does not name its
// mappings) most anonymous memory is unnamed. These rules attribute an unnamed anonymous mapping
// (name empty, inode 0) to native heap, stack or JS heap by its shape: its permissions, size,
// alignment and its neighbours in the address space (DESIGN.md section 4, "Linux without names").
// The rules live in one table (shape_rules.cpp) with the evidence of each beside it.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/category.h"

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
};

// The neighbours of a mapping in address order. `prev_kind` is what the previous mapping was
// inferred as (None when it was named, file-backed or not inferred).
struct Neighbours {
    const Shape* prev = nullptr;  // nullptr: the first mapping
    ShapeKind prev_kind = ShapeKind::None;
    const Shape* next = nullptr;  // nullptr: the last mapping
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
// candidate (named or file-backed) or no rule matches (it stays AnonPage other).
const ShapeRule* infer_shape(const Shape& m, const Neighbours& n);

}  // namespace memsnap
