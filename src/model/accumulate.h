#pragma once
// MemoryAccumulator: folds mappings, fed one at a time in address order, into the per-category
// rows and the "native heap:" breakdown, and learns the process's runtime and allocator from the
// files it maps (model/runtime.h). Holds no list of mappings: for shape inference
// (model/shape_rules.h) it keeps the previous mapping's shape, at most one unnamed mapping
// waiting for its successor, and one sum per distinct shape match (a few dozen at most), which
// finish() hands to the layout rules once the whole address space has been seen.
#include <optional>
#include <utility>
#include <vector>

#include "model/category.h"
#include "model/function_ref.h"
#include "model/mapping.h"
#include "model/rules/rule_set.h"
#include "model/shape_rules.h"
#include "model/snapshot.h"

namespace memsnap {

struct AccumulateOptions {
    // Attribute unnamed anonymous mappings by their shape (the "(inferred)" rows); false keeps
    // hidumper's name rules alone (they land in AnonPage other). Even when true, a process with
    // any `[anon:...]` mapping keeps to the name rules: its kernel and allocators name their
    // memory (Android, OpenHarmony, glibc 2.39 decorate_maps), and there memsnap's numbers must
    // be hidumper's.
    bool infer = true;
    // The executable is a Go binary (a .go.buildinfo section; procfs/exe.h): its heap arenas
    // are attributed to the Go heap.
    bool go_executable = false;
    // The rule set that names the rows (model/rules/rule_set.h). Inference applies only where
    // the set allows it (memsnap's); hidumper's and dumpsys's rows are theirs alone.
    RuleSetId rules = RuleSetId::Memsnap;
};

// True for a mapping that shows its process names its anonymous memory (`[anon:...]`): one such
// mapping turns shape inference off for the whole process (AccumulateOptions::infer).
inline bool names_anonymous_memory(const Mapping& m) {
    return m.inode == 0 && m.name.starts_with("[anon:");
}

// Told the row of every mapping, once, in address order (memsnap --mem-smaps, snapshot
// --mappings). `m` is valid during the call only. `match` is -1 for a mapping the name rules
// place; otherwise the shape match it belongs to, whose row is final only after finish()
// (row_of_match()): `row` is what the layout seen so far gives it.
using MappingListener = FunctionRef<void(const Mapping& m, Category row, int match)>;

class MemoryAccumulator {
  public:
    explicit MemoryAccumulator(AccumulateOptions options = {})
        : options_(options), rules_(&rule_set(options.rules)) {
        options_.infer = options_.infer && rules_->infer;
    }

    // Adds one mapping to the row the rule set gives it or, for an unnamed anonymous
    // mapping with inference on, to the row its shape gives it once its successor is known.
    // Mappings must come in address order (as smaps lists them). Returns the row the name
    // rules give it (AnonOther for an unnamed mapping, whatever its shape turns out to be).
    Category add(const Mapping& m);
    // Call once after the last mapping: settles the mapping still waiting for a successor and
    // moves what was inferred into its rows (or into AnonPage other when names were seen).
    void finish();

    // Calls `listener` for every mapping added from now on: at once for a named or file-backed
    // mapping, after its successor (or finish()) for one that waits on its shape (its name is
    // empty then). The listener must outlive the accumulator's use.
    void set_listener(MappingListener listener) { listener_ = listener; }
    // After finish(): true when the process names its anonymous memory, so that what the
    // listener was told was inferred went to AnonPage other instead (see AccumulateOptions).
    bool inference_overruled() const { return saw_anon_names_; }
    // After finish(): the row of the mappings the listener was told belong to `match`.
    Category row_of_match(int match) const;

    const CategoryUsage& categories() const { return categories_; }
    // What the mapped files said (complete after finish()).
    const ProcessLayout& layout() const { return layout_; }
    // Sub-rows of the native heap row: in the rule set's fixed order when it has one, else
    // largest Pss first (ties by name).
    std::vector<NativeHeapRow> native_heap() const;

  private:
    void settle_pending(const Shape* next);

    AccumulateOptions options_;
    const RuleSet* rules_;
    CategoryUsage categories_;
    PreviousMapping last_;  // the previous mapping by address, for the .so bss rule
    std::vector<NativeHeapRow> native_rows_;
    // The inference window: the previous mapping (and what it was inferred as), and the
    // unnamed mapping that waits for its successor.
    bool have_prev_ = false;
    Shape prev_;
    ShapeKind prev_kind_ = ShapeKind::None;
    Region prev_region_ = Region::Anywhere;
    bool have_pending_ = false;
    Shape pending_;
    MemUsage pending_usage_;
    // What the shape rules matched, summed per distinct match, held apart until finish() knows
    // the layout and whether names were seen.
    std::vector<std::pair<ShapeMatch, MemUsage>> matched_;
    ProcessLayout layout_;
    bool saw_go_hint_ = false;  // an unnamed mapping starts at Go's first arena hint
    bool saw_anon_names_ = false;
    std::optional<MappingListener> listener_;
    std::vector<Category> match_rows_;  // by index into matched_, set by finish()
    uint64_t pending_offset_ = 0;  // for the listener: what a waiting mapping's Mapping held
    uint64_t pending_line_ = 0;
};

}  // namespace memsnap
