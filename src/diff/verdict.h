#pragma once
// Leak verdicts (DESIGN.md section 6): categories are grouped (diff/groups.h); a group is
// flagged when it grew by at least its absolute AND its relative threshold, and the total when
// it did while no memory group was, so growth of the process is never left unnamed.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diff/groups.h"
#include "diff/snapshot_diff.h"
#include "model/snapshot.h"
#include "model/thread_names.h"

namespace memsnap {

struct Threshold {
    uint64_t absolute = 0;  // kB for memory groups, a count for fd/thread
    double percent = 0;     // growth relative to the before value, in percent
};

// Defaults: native 8 MiB & 10 %, js 8 MiB & 10 %, graphics 16 MiB & 10 %, anon 8 MiB & 10 %,
// file 16 MiB & 10 %, shared 16 MiB & 10 %, fd 50 & 20 %, thread 10 & 20 %, total 16 MiB &
// 10 %. Indexed by Group.
struct Thresholds {
    std::array<Threshold, kGroupCount> by_group = {{
        {8 * 1024, 10},
        {8 * 1024, 10},
        {16 * 1024, 10},
        {8 * 1024, 10},
        {16 * 1024, 10},
        {16 * 1024, 10},
        {50, 20},
        {10, 20},
        {16 * 1024, 10},
    }};
    Threshold& operator[](Group g) { return by_group[static_cast<std::size_t>(g)]; }
    const Threshold& operator[](Group g) const { return by_group[static_cast<std::size_t>(g)]; }
};

// Parses a size into kB: a plain number is kB; suffixes kB/KiB/K (1024 bytes, as the kernel's
// "kB"), MB/MiB/M, GB/GiB/G, B (bytes, rounded up); decimals allowed ("1.5GiB"), case-insensitive,
// spaces around the unit allowed. Throws Error(Usage, "bad size ...") otherwise.
uint64_t parse_size_kb(std::string_view text);

// Applies `--threshold` text to `t`: comma-separated GROUP=VALUE[/VALUE], each VALUE either an
// absolute (a size for native/js/graphics, a plain count for fd/thread) or a percent ("10%"),
// e.g. "native=8MiB,js=16MiB/5%,fd=50,thread=20%". Throws Error(Usage, ...) naming the bad item.
void apply_threshold_spec(std::string_view spec, Thresholds& t);

// What counts as JS heap.
enum class JsHeapMode { Ark, Anon, Auto };
// Parses "ark" / "anon" / "auto"; Error(Usage) otherwise.
JsHeapMode parse_js_heap_mode(std::string_view text);

struct JsHeapRule {
    JsHeapMode asked = JsHeapMode::Auto;
    bool counts_anon = false;  // AnonPage other is counted as JS heap
    std::string reason;        // e.g. "auto: node is a JS runtime"
};
// Resolves `mode` for a pair of snapshots: auto counts AnonPage other when the after (or
// before) snapshot's js_runtime is set or its name is a known runtime (model/runtime.h).
JsHeapRule resolve_js_heap_rule(JsHeapMode mode, const Snapshot& before, const Snapshot& after);

// The growth of one group.
struct GroupGrowth {
    Group group = Group::Total;
    Change change;        // kB (Pss + SwapPss) or a count
    Threshold threshold;  // the one it was judged by
    bool flagged = false;  // grew past both thresholds
    double score = 0;  // delta / absolute threshold: how far past it; orders the verdicts
    // What the growth is mostly made of, for the wording: "inferred" when most of it is in an
    // inferred row, "anon" when the JS growth is mostly AnonPage other, the fd type or thread
    // name that grew most ("pipe"; threads by thread_name_stem()), or empty.
    std::string mostly;
    int64_t mostly_delta = 0;
    // Memory groups: the row that grew most, by how much (kB Pss + SwapPss), and its shape: how
    // many mappings it gained and by how much their Size grew (kB).
    std::optional<Category> top_row;
    int64_t top_row_delta = 0;
    int64_t new_mappings = 0;
    int64_t size_delta = 0;
    int64_t inferred_delta = 0;  // the part of the growth in inferred rows (kB)
    // On a series: the shape that decided (diff/series.h shape_words), empty otherwise, and
    // the group's highest value above its first sample (kB, or a count).
    std::string shape;
    int64_t peak_delta = 0;
    // Native growth within what V8 mallocs for the JS heap growth beside it: not a verdict.
    bool v8_bookkeeping = false;
    // Memory groups: the growth of the pages the kernel cannot simply drop (kB Private_Dirty +
    // Shared_Dirty + SwapPss of the group's rows), first snapshot to last.
    int64_t dirty_delta = 0;
    // File group: growth in clean pages only (dirty_delta under its absolute threshold) beside
    // another flagged memory group: the process paged in files it maps, not a separate leak.
    bool clean_pages = false;
};

// V8 mallocs its own bookkeeping as its JS heap grows: measured on node 20 (nodehog.js, 50-200
// MiB of JS objects) at 7.4-10.5 % of the JS heap growth. Native growth up to this share of a
// flagged V8 heap's growth is that bookkeeping, not a separate leak.
inline constexpr double kV8BookkeepingShare = 0.20;

struct Verdicts {
    std::array<GroupGrowth, kGroupCount> groups;  // every group, by Group
    std::vector<GroupGrowth> flagged;  // the verdicts (select_verdicts), dominant first
    JsHeapRule js_rule;
    int64_t elapsed_ms = 0;
    // False when either snapshot is a light one (totals only): no category group is judged,
    // the total is.
    bool categories_known = true;
    // True when both snapshots count their mappings per row (older ones do not).
    bool mappings_known = false;
    // The process's runtime and allocator (Snapshot::runtime, ::allocator), for the wording.
    std::string runtime;
    std::string allocator;
};

// Groups the diff and judges every group against `thresholds` (diff/groups.h says what each
// measures), then selects the verdicts with every group kept (select_verdicts).
Verdicts judge(const Snapshot& before, const Snapshot& after, const SnapshotDiff& diff,
               const Thresholds& thresholds, const JsHeapRule& js_rule);

// Rebuilds v.flagged from the groups that are flagged and kept (`keep`, by Group), highest
// score first; the total is among them only when no memory group is, so growth past the total
// threshold is always named somewhere. Native growth beside a flagged V8 heap (js heap
// (inferred), or AnonPage other under the anon rule) of at most kV8BookkeepingShare of it is
// unflagged and marked v8_bookkeeping. File growth beside another flagged memory group whose
// dirty part (dirty_delta) stayed under the file threshold is unflagged and marked clean_pages:
// clean file pages are the kernel's to drop (a binary paging in as it runs), not a leak. Alone,
// the file group stays a verdict, so growth of the total is still named.
void select_verdicts(Verdicts& v, const std::array<bool, kGroupCount>& keep);

}  // namespace memsnap
