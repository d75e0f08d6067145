#pragma once
// Process groups: the rows of the all-process listing summed per program, user or cgroup (as
// ps_mem and smem -u sum them). Takes ProcessRows whose `same_mm_as` procfs filled; returns one
// ProcessGroup per key, each address space counted once. Pure computation: no file, no print.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/function_ref.h"
#include "model/mem_usage.h"

namespace memsnap {

struct ProcessRow;

enum class GroupBy : unsigned char { Program, User, Cgroup };

// "program", "user", "cgroup": the option's values and the JSON/Prometheus `group_by`.
std::string_view group_by_name(GroupBy by);
// The inverse; nullopt for any other text.
std::optional<GroupBy> parse_group_by(std::string_view text);
// Every name group_by_name() gives, in the enum's order.
std::vector<std::string> group_by_names();

struct ProcessGroup {
    std::string key;              // the program's name, the user's name (or UID), the cgroup
    std::optional<uint32_t> uid;  // grouped by user: the UID the key names
    uint64_t processes = 0;       // every member process
    // Members not added to the sizes because they share the address space of another member
    // (CLONE_VM without CLONE_THREAD: a vfork child, a process created with clone(CLONE_VM)).
    uint64_t shared_address_space = 0;
    std::vector<int64_t> pids;  // the members, ascending
    MemUsage usage;             // summed over the counted members
    uint64_t vss = 0;
    std::optional<uint64_t> native_pss;  // when every member had it (--categories)
    std::optional<uint64_t> js_pss;
    uint64_t threads = 0;           // every member's threads (tasks are not shared)
    std::optional<uint64_t> fds;    // every member's descriptors, when counted

    uint64_t total_pss() const { return usage.pss + usage.swap_pss; }
};

// The key of a row for `by`: its name, the cgroup, or for a user `user_name(uid)`.
// Groups come back in the order their first member appears in `rows`. Of the members of a
// group with the same `same_mm_as` (one address space), the first adds its memory; the others
// add their process, threads and descriptors but not their memory (the same pages twice).
std::vector<ProcessGroup> group_process_rows(const std::vector<ProcessRow>& rows, GroupBy by,
                                             FunctionRef<std::string(uint32_t)> user_name);

}  // namespace memsnap
