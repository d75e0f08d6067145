#pragma once
// Snapshot: everything memsnap knows about one process at one moment (DESIGN.md section 5).
// Filled by procfs/collect.h, written and read by formats/snapshot_json.h, compared by diff/.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "model/category.h"
#include "model/mapping_set.h"
#include "model/mem_usage.h"
#include "model/rules/rule_set.h"

namespace memsnap {

inline constexpr int kSnapshotSchemaMajor = 1;
inline constexpr const char* kSnapshotSchema = "memsnap.snapshot/1";

// Fields of /proc/PID/status, sizes in kB.
struct ProcessStatus {
    std::string name;
    int64_t pid = 0;
    uint32_t uid = 0;
    uint64_t vm_peak = 0;
    uint64_t vm_size = 0;
    uint64_t vm_hwm = 0;
    uint64_t vm_rss = 0;
    uint64_t rss_anon = 0;
    uint64_t rss_file = 0;
    uint64_t rss_shmem = 0;
    uint64_t vm_swap = 0;
    uint64_t threads = 0;
    // OpenHarmony kernels' purgeable memory (hidumper's "Purgeable:" section); 0 elsewhere.
    uint64_t purg_sum = 0;
    uint64_t purg_pin = 0;
    bool operator==(const ProcessStatus&) const = default;
};

// One sub-row of the "native heap:" breakdown ("jemalloc heap", "heap", ...).
struct NativeHeapRow {
    std::string name;
    MemUsage usage;
    bool operator==(const NativeHeapRow&) const = default;
};

// Open descriptors, from readlink of /proc/PID/fd/*.
struct FdSummary {
    uint64_t num = 0;
    std::map<std::string, uint64_t> by_type;
    std::string top_fd_type;
    uint64_t top_fd_num = 0;
    bool operator==(const FdSummary&) const = default;
};

// Threads, from /proc/PID/task/*/comm.
struct ThreadSummary {
    uint64_t num = 0;
    std::map<std::string, uint64_t> by_name;
    bool operator==(const ThreadSummary&) const = default;
};

// dmabuf buffers of the process, each buffer (inode) once, in kB.
struct DmaSummary {
    uint64_t total = 0;     // every buffer held, mapped or not
    uint64_t mapped = 0;    // buffers mapped into the address space (the dmabuf row)
    uint64_t unmapped = 0;  // held through a descriptor only (the Graph row)
    std::map<std::string, uint64_t> by_exporter;
    bool operator==(const DmaSummary&) const = default;
};

// GPU memory, in kB: DRM clients from fdinfo (each drm-client-id once) and GPU device mappings.
struct GpuSummary {
    uint64_t total = 0;     // drm-total-* (or drm-memory-*) summed over clients and regions
    uint64_t resident = 0;  // drm-resident-* summed
    uint64_t mapped = 0;    // Rss of /dev/kgsl*, /dev/mali*, /dev/dri/*, /dev/nvidia* mappings
    bool operator==(const GpuSummary&) const = default;
};

// From /proc/meminfo, in kB.
struct SystemMemory {
    uint64_t total = 0;
    uint64_t free = 0;
    uint64_t available = 0;
    bool operator==(const SystemMemory&) const = default;
};

struct Snapshot {
    int64_t time_ms = 0;  // Unix time in milliseconds
    int64_t pid = 0;
    uint64_t starttime = 0;  // /proc/PID/stat field 22: tells a process from a reused PID
    std::string name;
    uint32_t uid = 0;
    CategoryUsage categories;
    // The rule set the rows were made with (JSON "rules"; absent in older snapshots: memsnap).
    RuleSetId rules = RuleSetId::Memsnap;
    std::vector<NativeHeapRow> native_heap;  // sub-rows of the native heap row, largest first
    ProcessStatus status;
    FdSummary fd;
    ThreadSummary thread;
    DmaSummary dma;
    GpuSummary gpu;
    SystemMemory system;
    // The JS runtime the process is ("node", "jsvm", ...; model/runtime.h), empty when none was
    // recognised from its name or mapped libraries. Used by diff's `--js-heap auto`.
    std::string js_runtime;
    // The runtime whose memory layout attribution used: "node", "java", "go", "python", "deno",
    // "bun", "jsvm"; empty when none was recognised. js_runtime stays for older readers.
    std::string runtime;
    // The malloc the process uses: "glibc", "jemalloc", "tcmalloc", "mimalloc"; empty: unknown.
    std::string allocator;
    // Where time_ms came from when the process was not read live ("capture manifest",
    // "archive mtime", "file mtime", "--time"), and the captured machine's name when known.
    std::string time_source;
    std::string host;
    // The cgroup v2 path of the process (procfs/cgroup.h), what `diff --group-by cgroup`
    // groups by; empty when unknown (a capture without <pid>/cgroup, older snapshots).
    std::string cgroup;

    // Set for a light sample (watch --light): totals from smaps_rollup, no categories.
    std::optional<MemUsage> rollup;
    // Every mapping (snapshot --mappings, watch --mappings), for the mapping diff; absent
    // otherwise.
    std::optional<MappingSet> mappings;

    MemUsage total() const { return rollup ? *rollup : categories.total(); }
    bool operator==(const Snapshot&) const = default;
};

}  // namespace memsnap
