#pragma once
// MemUsage: the smaps counters memsnap adds up, in kB exactly as the kernel prints them.
#include <cstdint>

namespace memsnap {

// The largest count or kB value memsnap takes as real: 2^48 kB (256 PiB) is past any 64-bit
// address space (2^47 kB with 5-level paging). Readers refuse a larger number as malformed,
// and a file whose counters add up past it, so that sums, deltas (int64), bytes (x1024) and
// Prometheus values never wrap (README "Limits").
constexpr uint64_t kMaxCount = uint64_t{1} << 48;

struct MemUsage {
    uint64_t size = 0;
    uint64_t rss = 0;
    uint64_t pss = 0;
    uint64_t shared_clean = 0;
    uint64_t shared_dirty = 0;
    uint64_t private_clean = 0;
    uint64_t private_dirty = 0;
    uint64_t swap = 0;
    uint64_t swap_pss = 0;
    uint64_t mappings = 0;  // how many smaps entries were added up (a count, not kB)

    MemUsage& operator+=(const MemUsage& o) {
        size += o.size;
        rss += o.rss;
        pss += o.pss;
        shared_clean += o.shared_clean;
        shared_dirty += o.shared_dirty;
        private_clean += o.private_clean;
        private_dirty += o.private_dirty;
        swap += o.swap;
        swap_pss += o.swap_pss;
        mappings += o.mappings;
        return *this;
    }
    // Unique set size: memory only this process maps.
    uint64_t uss() const { return private_clean + private_dirty; }
    bool operator==(const MemUsage&) const = default;
};

}  // namespace memsnap
