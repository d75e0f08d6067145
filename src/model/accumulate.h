#pragma once
// MemoryAccumulator: folds mappings, fed one at a time in address order, into the per-category
// rows and the "native heap:" breakdown. Holds no list of mappings: for shape inference
// (model/shape_rules.h) it keeps the previous mapping's shape and at most one unnamed mapping
// waiting for its successor.
#include <vector>

#include "model/category.h"
#include "model/mapping.h"
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
};

class MemoryAccumulator {
  public:
    explicit MemoryAccumulator(AccumulateOptions options = {}) : options_(options) {}

    // Adds one mapping to the row classify_mapping() gives it or, for an unnamed anonymous
    // mapping with inference on, to the row its shape gives it once its successor is known.
    // Mappings must come in address order (as smaps lists them). Returns the row the name
    // rules give it (AnonOther for an unnamed mapping, whatever its shape turns out to be).
    Category add(const Mapping& m);
    // Call once after the last mapping: settles the mapping still waiting for a successor and
    // moves what was inferred into its rows (or into AnonPage other when names were seen).
    void finish();

    const CategoryUsage& categories() const { return categories_; }
    // Sub-rows of the native heap row, largest Pss first (ties by name).
    std::vector<NativeHeapRow> native_heap() const;

  private:
    void settle_pending(const Shape* next);

    AccumulateOptions options_;
    CategoryUsage categories_;
    std::vector<NativeHeapRow> native_rows_;
    // The inference window: the previous mapping (and what it was inferred as), and the
    // unnamed mapping that waits for its successor.
    bool have_prev_ = false;
    Shape prev_;
    ShapeKind prev_kind_ = ShapeKind::None;
    bool have_pending_ = false;
    Shape pending_;
    MemUsage pending_usage_;
    // What the shape rules attributed, held apart until finish() knows whether names were seen.
    CategoryUsage inferred_;
    bool saw_anon_names_ = false;
};

}  // namespace memsnap
