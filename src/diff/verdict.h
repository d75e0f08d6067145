#pragma once
// Leak verdicts (DESIGN.md section 6): categories are grouped into native, js, graphics, fd and
// thread; a group is flagged when it grew by at least its absolute AND its relative threshold.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diff/snapshot_diff.h"
#include "model/snapshot.h"

namespace memsnap {

enum class Group : unsigned char { Native, Js, Graphics, Fd, Thread };
inline constexpr std::size_t kGroupCount = 5;

// "native", "js", "graphics", "fd", "thread": the names --threshold and JSON use.
std::string_view group_key(Group g);
// True for groups measured in kB (native, js, graphics); fd and thread are counts.
bool group_is_memory(Group g);

struct Threshold {
    uint64_t absolute = 0;  // kB for memory groups, a count for fd/thread
    double percent = 0;     // growth relative to the before value, in percent
};

// Defaults: native 8 MiB & 10 %, js 8 MiB & 10 %, graphics 16 MiB & 10 %, fd 50 & 20 %,
// thread 10 & 20 %. Indexed by Group.
struct Thresholds {
    std::array<Threshold, kGroupCount> by_group = {{
        {8 * 1024, 10},
        {8 * 1024, 10},
        {16 * 1024, 10},
        {50, 20},
        {10, 20},
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

// A thread name with its trailing number replaced by '*' ("worker-12" -> "worker-*"), so a pool
// that numbers its threads reads as one name; a name with no trailing digits (or only digits) is
// returned as it is.
std::string thread_name_stem(std::string_view name);

// The growth of one group.
struct GroupGrowth {
    Group group;
    Change change;        // kB (Pss) or a count
    Threshold threshold;  // the one it was judged by
    bool flagged = false;
    double score = 0;  // delta / absolute threshold: how far past it; orders the verdicts
    // What the growth is mostly made of, for the wording: "inferred" when most of it is in an
    // inferred row, "anon" when the JS growth is mostly AnonPage other, the fd type or thread
    // name that grew most ("pipe"; threads by thread_name_stem()), or empty.
    std::string mostly;
    int64_t mostly_delta = 0;
};

struct Verdicts {
    std::array<GroupGrowth, kGroupCount> groups;  // every group, by Group
    std::vector<GroupGrowth> flagged;  // the flagged ones, dominant (highest score) first
    JsHeapRule js_rule;
    int64_t elapsed_ms = 0;
};

// The memory group a category's Pss is counted in (native, js or graphics; js includes
// AnonPage other only when `js_rule.counts_anon`), nullopt for a category in no group (.so,
// stack, ...). The same grouping as judge() below.
std::optional<Group> memory_group_of(Category c, const JsHeapRule& js_rule);

// Each group's value in one snapshot, by Group, as judge() below measures it (kB Pss, or a count).
std::array<uint64_t, kGroupCount> group_values(const Snapshot& s, const JsHeapRule& js_rule);

// Groups the diff and judges every group against `thresholds`. Memory groups use Pss:
// native = native heap + native heap (inferred); js = ark ts heap + arkts-static heap + js heap
// (inferred) [+ AnonPage other under the anon rule]; graphics = GL (or gpu.total, whichever is
// larger) + Graph + dmabuf rows (or dma.total, whichever is larger) + gpu.mapped, so a buffer is
// not counted twice. fd = fd.num; thread = thread.num (status Threads when not read).
Verdicts judge(const Snapshot& before, const Snapshot& after, const SnapshotDiff& diff,
               const Thresholds& thresholds, const JsHeapRule& js_rule);

}  // namespace memsnap
