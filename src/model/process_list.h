#pragma once
// ProcessList: the all-process overview of `memsnap --mem` with no PID.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/category.h"
#include "model/mem_usage.h"
#include "model/process_groups.h"
#include "model/rules/rule_set.h"
#include "model/snapshot.h"

namespace memsnap {

struct ProcessRow {
    int64_t pid = 0;
    std::string name;
    uint32_t uid = 0;
    MemUsage usage;  // totals over all mappings (smaps_rollup, or summed smaps)
    uint64_t vss = 0;  // VmSize of status, kB (hidumper's "Total Vss", statm's size)
    // Per-category columns, known only when full smaps was read (--categories).
    std::optional<uint64_t> native_pss;  // native heap + native heap (inferred)
    std::optional<uint64_t> js_pss;      // ark ts heap + arkts-static + js heap (inferred)
    uint64_t threads = 0;
    std::optional<uint64_t> fds;  // number of open descriptors, when asked for
    std::string cgroup;           // the cgroup v2 path, when asked for (procfs/cgroup.h)
    // The lowest PID of the processes listed with this one's address space (procfs'
    // shared-address-space rule, procfs/process_list.h); 0 when no other process shares it.
    int64_t same_mm_as = 0;

    // hidumper's "Total Pss": Pss + SwapPss (memory_info.cpp MemUsageToMatrix). The listing is
    // sorted by it and shows it; JSON and CSV keep pss and swap_pss apart.
    uint64_t total_pss() const { return usage.pss + usage.swap_pss; }
};

// The listing's Native and JS columns from a process's rows (Pss): the native heap rows (named
// and inferred); the ArkTS heaps and the inferred JS, Java and Go heaps.
inline uint64_t native_heap_pss(const CategoryUsage& c) {
    return c[Category::NativeHeap].pss + c[Category::NativeHeapInferred].pss;
}
inline uint64_t js_heap_pss(const CategoryUsage& c) {
    return c[Category::ArkTsHeap].pss + c[Category::ArkTsStaticHeap].pss +
           c[Category::JsHeapInferred].pss + c[Category::JavaHeapInferred].pss +
           c[Category::GoHeapInferred].pss;
}

// Pss + SwapPss of every row over the listed processes (read from full smaps), split as
// hidumper's "Total Pss by Category" splits it: mappings with an inode ("File-backed Page")
// and without ("Anonymous Page"), indexed by Category.
struct CategoryTotals {
    std::array<uint64_t, kCategoryCount> file{};
    std::array<uint64_t, kCategoryCount> anon{};
    CategoryTotals& operator+=(const CategoryTotals& o) {
        for (std::size_t i = 0; i < kCategoryCount; ++i) {
            file[i] += o.file[i];
            anon[i] += o.anon[i];
        }
        return *this;
    }
};

struct SkippedProcess {
    int64_t pid = 0;
    std::string reason;  // "gone", "permission denied", "malformed", "error"
    std::string message;
};

struct ProcessList {
    std::vector<ProcessRow> rows;
    std::vector<SkippedProcess> skipped;
    uint64_t kernel_threads = 0;  // left out (no mappings) unless asked for
    SystemMemory system;
    // /proc/meminfo's big kernel users, kB: Slab, PageTables, Shmem, KernelStack.
    uint64_t slab = 0;
    uint64_t page_tables = 0;
    uint64_t shmem = 0;
    uint64_t kernel_stack = 0;
    // Every line of /proc/meminfo (kB, in file order), for hidumper's RAM block.
    std::vector<std::pair<std::string, uint64_t>> meminfo;
    // The sum of /proc/vmallocinfo's sizes in bytes, when it was asked for and could be read
    // (it is root's only): hidumper's "Kernel Usage" counts it.
    std::optional<uint64_t> vmalloc_bytes;
    // Filled when full smaps was read (--categories): the per-row totals.
    std::optional<CategoryTotals> category_totals;
    RuleSetId rules = RuleSetId::Memsnap;  // the rule set of the rows and of the layout
    // --group-by: the rows summed per group (model/process_groups.h); renderings then print
    // the groups instead of the rows.
    std::optional<GroupBy> group_by;
    std::vector<ProcessGroup> groups;

    // A /proc/meminfo value in kB; 0 when the file has no such line.
    uint64_t meminfo_kb(std::string_view key) const {
        for (const auto& [k, v] : meminfo)
            if (k == key) return v;
        return 0;
    }
    bool has_meminfo(std::string_view key) const {
        for (const auto& e : meminfo)
            if (e.first == key) return true;
        return false;
    }
};

}  // namespace memsnap
