#pragma once
// MappingSet: the mappings of one process as `snapshot --mappings` keeps them (address range,
// permissions, name, row and the counters the mapping diff needs), each name stored once.
// Filled by MappingSetBuilder from the accumulator's listener (model/accumulate.h), written and
// read by formats/snapshot_json.h, compared by diff/mapping_diff.h.
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/category.h"
#include "model/function_ref.h"
#include "model/mapping.h"

namespace memsnap {

struct MappingRecord {
    uint64_t start = 0;
    uint64_t end = 0;
    char perms[5] = {};  // "rw-p"
    uint32_t name = 0;   // index into MappingSet::names
    Category category = Category::AnonOther;
    uint64_t rss = 0;  // kB
    uint64_t pss = 0;
    uint64_t swap_pss = 0;

    uint64_t bytes() const { return end - start; }
    bool operator==(const MappingRecord&) const = default;
};

struct MappingSet {
    std::vector<std::string> names;      // each distinct name once ("" for unnamed memory)
    std::vector<MappingRecord> records;  // in the order smaps lists them (address order)

    std::string_view name_of(const MappingRecord& r) const { return names[r.name]; }
    bool operator==(const MappingSet&) const = default;
};

// Collects a MappingSet, one mapping at a time.
class MappingSetBuilder {
  public:
    // `match`: as MemoryAccumulator's listener is told (-1, or a shape match whose row is
    // final only at the end).
    void add(const Mapping& m, Category row, int match);
    // Hands the set over, the row of every shape-matched mapping given by `row_of_match`
    // (MemoryAccumulator::row_of_match()).
    MappingSet finish(FunctionRef<Category(int)> row_of_match);

  private:
    MappingSet set_;
    std::unordered_map<std::string, uint32_t> index_;
    std::vector<std::pair<std::size_t, int>> matched_;  // record index, shape match
};

}  // namespace memsnap
