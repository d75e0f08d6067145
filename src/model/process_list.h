#pragma once
// ProcessList: the all-process overview of `memsnap --mem` with no PID.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "model/mem_usage.h"
#include "model/snapshot.h"

namespace memsnap {

struct ProcessRow {
    int64_t pid = 0;
    std::string name;
    uint32_t uid = 0;
    MemUsage usage;  // totals over all mappings (smaps_rollup, or summed smaps)
    // Per-category columns, known only when full smaps was read (--categories).
    std::optional<uint64_t> native_pss;  // native heap + native heap (inferred)
    std::optional<uint64_t> js_pss;      // ark ts heap + arkts-static + js heap (inferred)
    uint64_t threads = 0;
    std::optional<uint64_t> fds;  // number of open descriptors, when asked for
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
};

}  // namespace memsnap
