#pragma once
// What `memsnap --mem-smaps PID [-v]` (hidumper's per-mapping view) lists, fed one mapping at a
// time from the accumulator's listener (model/accumulate.h): MappingGroups sums the mappings by
// name and row (one entry per distinct pair); MappingList keeps every mapping (-v), compactly,
// until the whole address space has been seen and the row of each is final.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "model/category.h"
#include "model/function_ref.h"
#include "model/mapping.h"
#include "model/mem_usage.h"

namespace memsnap {

struct MappingGroup {
    std::string name;  // as in smaps ("" for unnamed memory)
    Category category;
    uint64_t count = 0;  // mappings
    MemUsage usage;      // kB, summed
    uint64_t first = 0;  // the position of its first mapping in smaps order
};

class MappingGroups {
  public:
    // `match`: as MemoryAccumulator's listener is told (-1, or a shape match whose row is
    // final only at the end).
    void add(const Mapping& m, Category row, int match);
    // The groups by name (byte order, as hidumper's std::map), then by row in table order, the
    // row of shape-matched mappings given by `row_of_match` (MemoryAccumulator::row_of_match()).
    std::vector<MappingGroup> rows(FunctionRef<Category(int)> row_of_match) const;

  private:
    std::map<std::tuple<std::string, Category, int>, MappingGroup> groups_;
    uint64_t added_ = 0;
};

// `groups` (as MappingGroups::rows() gives them) with one entry per name, as hidumper's summary
// has: the counters and counts added up, the row that of the name's first mapping in the order
// `rank` gives (lower first; a tie goes to the one first in smaps order).
std::vector<MappingGroup> merge_by_name(std::vector<MappingGroup> groups,
                                        FunctionRef<int(Category)> rank);

// One mapping of the verbose view.
struct ListedMapping {
    uint64_t start = 0;
    uint64_t end = 0;
    char perms[5] = {};
    uint32_t name = 0;  // index into MappingList::names()
    Category row = Category::AnonOther;
    int match = -1;
    MemUsage usage;
};

// Every mapping, about 120 bytes each plus each distinct name once.
class MappingList {
  public:
    void add(const Mapping& m, Category row, int match);
    // Gives every shape-matched mapping its final row (MemoryAccumulator::row_of_match()).
    void settle(FunctionRef<Category(int)> row_of_match);
    // Orders the mappings by `rank` of their row (lower first), smaps order within a rank.
    void order_by(FunctionRef<int(Category)> rank);

    const std::vector<ListedMapping>& mappings() const { return mappings_; }
    // `l` as a Mapping (its name points into this list).
    Mapping mapping(const ListedMapping& l) const;

  private:
    std::vector<ListedMapping> mappings_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, uint32_t> index_;
};

}  // namespace memsnap
