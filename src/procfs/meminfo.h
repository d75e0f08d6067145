#pragma once
// Reader for /proc/meminfo: `Key:   value kB` lines, in kB.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/snapshot.h"
#include "procfs/process.h"

namespace memsnap {

struct MemInfo {
    std::vector<std::pair<std::string, uint64_t>> entries;  // in file order
    // The value of `key` in kB, nullopt when the file has no such key.
    std::optional<uint64_t> get(std::string_view key) const;
};

// Parses meminfo text. A line with no ':' or a value that is not a number throws
// Error(Malformed, "FILE:LINE: ...").
MemInfo parse_meminfo(std::string_view text, std::string_view display_name);
// Reads and parses <root>/meminfo; errors as ProcSource::open and parse_meminfo.
MemInfo read_meminfo(const ProcRoot& root);
// MemTotal, MemFree and MemAvailable of `info`; 0 for a key it lacks.
SystemMemory system_memory_of(const MemInfo& info);
// The same of <root>/meminfo; zeros for a tree without that file (a capture of one process),
// other errors as read_meminfo.
SystemMemory read_system_memory(const ProcRoot& root);

}  // namespace memsnap
