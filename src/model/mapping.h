#pragma once
// Mapping: one entry of /proc/PID/smaps as the procfs reader hands it over.
#include <cstdint>
#include <string_view>

#include "model/mem_usage.h"

namespace memsnap {

struct Mapping {
    uint64_t start = 0;
    uint64_t end = 0;
    char perms[5] = {};  // "rw-p", NUL-terminated
    uint64_t offset = 0;
    uint64_t inode = 0;
    std::string_view name;  // valid during the callback only; may contain spaces, " (deleted)"
    MemUsage usage;         // kB
    uint64_t line = 0;      // line number of the header, for messages

    uint64_t bytes() const { return end - start; }
    bool readable() const { return perms[0] == 'r'; }
    bool writable() const { return perms[1] == 'w'; }
    bool executable() const { return perms[2] == 'x'; }
    bool is_private() const { return perms[3] == 'p'; }
    // True for a `---p` reservation or guard region.
    bool no_access() const { return perms[0] == '-' && perms[1] == '-' && perms[2] == '-'; }
};

}  // namespace memsnap
