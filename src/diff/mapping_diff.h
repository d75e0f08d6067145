#pragma once
// MappingDiff: which mappings make up a growth. Compares the per-mapping records of two
// snapshots (snapshot --mappings; model/mapping_set.h): a mapping is the same in both when its
// name and start address are; the others are new or vanished. Changes of what a mapping holds in
// the verdicts (Pss + SwapPss, as its row: diff/groups.h) are summed into lines of one kind,
// name and row ("3 new 64 MiB glibc arenas", "[heap] grown"), for each flagged memory group
// (diff/verdict.h) and for the total, largest first.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diff/verdict.h"
#include "model/category.h"
#include "model/mapping_set.h"

namespace memsnap {

enum class MappingChangeKind : unsigned char { New, Grown, Shrunk, Vanished };

// One line of the report: mappings of one kind, label and row, and what their Pss + SwapPss did.
struct MappingChangeLine {
    MappingChangeKind kind = MappingChangeKind::New;
    // The mappings' name; for unnamed memory a description: "glibc arena", "V8 page",
    // "thread stack", "libfoo.so .bss" (an unnamed mapping right after a file's), or "[anon]".
    std::string label;
    bool described = false;  // `label` is a description of unnamed memory, not a name
    Category category = Category::AnonOther;
    int64_t pss_total_delta = 0;  // kB, summed
    uint64_t count = 0;     // mappings; a new (or vanished) one and a ---p one of its name
                            // and row beside it count as one (a glibc arena's heap and its
                            // reservation, a thread stack and its guard)
    uint64_t min_bytes = 0, max_bytes = 0;  // sizes of those (after; vanished: before)
    uint64_t start = 0, end = 0;            // the address range when count is 1
};

// The lines of one group (or of the total), largest |pss_total_delta| first.
struct MappingGroupDiff {
    std::optional<Group> group;            // nullopt: the total, every mapping
    int64_t pss_total_delta = 0;                 // kB: every mapping's change in this group, summed
    std::vector<MappingChangeLine> lines;  // at most the limit given to diff_mappings()
    uint64_t more_lines = 0;               // lines left out
    int64_t more_pss_total_delta = 0;                // their pss_total_delta, summed
};

struct MappingDiff {
    std::vector<MappingGroupDiff> groups;  // each flagged memory group, dominant first, then
                                           // the total
    uint64_t before_mappings = 0, after_mappings = 0;
};

// Compares `before` with `after`; the memory groups flagged in `verdicts` (with its JS heap
// rule deciding where AnonPage other goes) get their own lists, every mapping counts in the
// total. `max_lines` lines per list. Never fails.
MappingDiff diff_mappings(const MappingSet& before, const MappingSet& after,
                          const Verdicts& verdicts, std::size_t max_lines = 8);

}  // namespace memsnap
