#pragma once
// MemoryAccumulator: folds mappings, fed one at a time in address order, into the per-category
// rows and the "native heap:" breakdown. Holds no list of mappings.
#include <vector>

#include "model/category.h"
#include "model/mapping.h"
#include "model/snapshot.h"

namespace memsnap {

class MemoryAccumulator {
public:
    // Adds one mapping to the row classify_mapping() gives it; returns that row.
    Category add(const Mapping& m);
    // Call once after the last mapping.
    void finish() {}

    const CategoryUsage& categories() const { return categories_; }
    // Sub-rows of the native heap row, largest Pss first (ties by name).
    std::vector<NativeHeapRow> native_heap() const;

private:
    CategoryUsage categories_;
    std::vector<NativeHeapRow> native_rows_;
};

}  // namespace memsnap
