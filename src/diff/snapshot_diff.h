#pragma once
// SnapshotDiff: what changed between two snapshots of a process, counter by counter.
#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/category.h"
#include "model/snapshot.h"

namespace memsnap {

// One counter before and after (kB or a count).
struct Change {
    uint64_t before = 0;
    uint64_t after = 0;

    int64_t delta() const { return static_cast<int64_t>(after) - static_cast<int64_t>(before); }
    // delta / before in percent; nullopt when before is 0 (growth from nothing).
    std::optional<double> percent() const;
    Change& operator+=(const Change& o) {
        before += o.before;
        after += o.after;
        return *this;
    }
    bool operator==(const Change&) const = default;
};

struct CategoryChange {
    Category category;
    Change pss;
    Change private_dirty;
};

// A named line of the status block ("VmRSS").
struct StatusChange {
    std::string_view name;  // as in /proc/PID/status ("VmRSS")
    std::string_view key;   // as in the snapshot JSON ("vm_rss")
    Change change;
};

struct SnapshotDiff {
    int64_t elapsed_ms = 0;  // after.time_ms - before.time_ms (negative if B is older)
    std::array<CategoryChange, kCategoryCount> categories;  // indexed by Category
    CategoryChange total;                                   // the sum of the rows
    Change pss_total;                  // hidumper's Total "Pss Total": rows' Pss plus SwapPss
    std::vector<StatusChange> status;  // VmRSS, RssAnon, RssFile, VmSwap, Threads
    Change fd_num;
    std::map<std::string, Change> fd_by_type;  // every type seen in either snapshot
    Change thread_num;
    std::map<std::string, Change> thread_by_name;  // every name seen in either snapshot
    Change dma_total;
    Change gpu_total;

    const CategoryChange& operator[](Category c) const {
        return categories[static_cast<std::size_t>(c)];
    }
};

// Compares `before` with `after`. Never fails; the caller decides whether the two snapshots
// are of the same process (same_process()).
SnapshotDiff diff_snapshots(const Snapshot& before, const Snapshot& after);

// True when both snapshots are of one process: same PID and same starttime.
bool same_process(const Snapshot& a, const Snapshot& b);

// The thread count of a snapshot: thread.num, or status Threads when the task list was not read.
uint64_t thread_count(const Snapshot& s);

}  // namespace memsnap
