#pragma once
// Verdict groups (DESIGN.md section 6): which group every Category is counted in, from one
// table indexed by Category, and what each group measures in a snapshot. The memory groups
// together cover the total (Pss + SwapPss); `total` is that total itself.
#include <array>
#include <cstdint>
#include <string_view>

#include "model/category.h"
#include "model/snapshot.h"

namespace memsnap {

enum class Group : unsigned char {
    Native,    // native heap, named or inferred, and other allocators' heaps
    Js,        // managed heaps: ArkTS, V8 (inferred), Java, Go, dalvik (+ AnonPage other under
               // the anon JS heap rule)
    Graphics,  // GL, Graph, dmabuf
    Anon,      // anonymous memory no runtime or allocator claims: AnonPage other, stacks, guard
    File,      // file-backed mappings: .so, .hap, .db, .ttf, FilePage other
    Shared,    // shared memory and device mappings (/dev/..., ashmem)
    Fd,        // open descriptors (a count)
    Thread,    // threads (a count)
    Total,     // Pss + SwapPss of the whole process: flagged only when no memory group is
};
inline constexpr std::size_t kGroupCount = static_cast<std::size_t>(Group::Total) + 1;

// "native", "js", "graphics", "anon", "file", "shared", "fd", "thread", "total": the names
// --threshold and JSON use.
std::string_view group_key(Group g);
// True for groups measured in kB (every group but fd and thread, which are counts).
bool group_is_memory(Group g);
// True for the groups that categories belong to (memory groups but total).
bool group_has_categories(Group g);

// The group a category's memory is counted in. AnonPage other moves from `anon` to `js` when
// `anon_is_js` (the anon JS heap rule: V8/JSVM keep their heap in unnamed memory).
Group group_of(Category c, bool anon_is_js);

// What a category holds in the verdicts: its Pss + SwapPss (hidumper's Pss Total of the row).
inline uint64_t charged_kb(const MemUsage& u) { return u.pss + u.swap_pss; }
// The part of a row the kernel cannot simply drop: dirty pages (written back or swapped first)
// and what is in swap. Clean file pages are not in it.
inline uint64_t dirty_kb(const MemUsage& u) { return u.private_dirty + u.shared_dirty + u.swap_pss; }

// Each group's value in one snapshot, by Group (kB Pss + SwapPss, or a count). Graphics:
// GL or gpu.total, whichever is larger, + Graph + dmabuf rows or dma.total, whichever is
// larger, + gpu.mapped + the Gfx dev row (dumpsys's kgsl mappings), so a buffer is not
// counted twice. Fd: fd.num; thread: thread.num
// (status Threads when not read). Total: the snapshot's total (smaps_rollup for a light one).
// A light snapshot knows no categories: its category groups are 0.
std::array<uint64_t, kGroupCount> group_values(const Snapshot& s, bool anon_is_js);

}  // namespace memsnap
