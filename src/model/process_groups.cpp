#include "model/process_groups.h"

#include <algorithm>
#include <unordered_map>
#include <unordered_set>

#include "model/process_list.h"

namespace memsnap {
namespace {

constexpr std::pair<GroupBy, std::string_view> kGroupByNames[] = {
    {GroupBy::Program, "program"}, {GroupBy::User, "user"}, {GroupBy::Cgroup, "cgroup"}};

void add_optional(std::optional<uint64_t>& sum, const std::optional<uint64_t>& v, bool first) {
    if (first) sum = v;
    else if (!v) sum.reset();
    else if (sum) *sum += *v;
}

}  // namespace

std::string_view group_by_name(GroupBy by) {
    for (auto [g, name] : kGroupByNames)
        if (g == by) return name;
    return "program";
}

std::vector<std::string> group_by_names() {
    std::vector<std::string> out;
    for (auto [g, name] : kGroupByNames) out.emplace_back(name);
    return out;
}

std::optional<GroupBy> parse_group_by(std::string_view text) {
    for (auto [g, name] : kGroupByNames)
        if (name == text) return g;
    return std::nullopt;
}

std::vector<ProcessGroup> group_process_rows(const std::vector<ProcessRow>& rows, GroupBy by,
                                             FunctionRef<std::string(uint32_t)> user_name) {
    std::vector<ProcessGroup> groups;
    std::unordered_map<std::string, std::size_t> index;
    std::vector<std::size_t> group_of(rows.size());
    std::vector<std::unordered_set<int64_t>> counted_mm;  // per group: the shared mm counted
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const ProcessRow& r = rows[i];
        std::string key = by == GroupBy::Program ? r.name
                          : by == GroupBy::User  ? user_name(r.uid)
                                                 : r.cgroup;
        auto [it, added] = index.try_emplace(std::move(key), groups.size());
        if (added) {
            groups.emplace_back();
            groups.back().key = it->first;
            if (by == GroupBy::User) groups.back().uid = r.uid;
        }
        group_of[i] = it->second;
    }
    counted_mm.resize(groups.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const ProcessRow& r = rows[i];
        ProcessGroup& g = groups[group_of[i]];
        const bool first = g.processes == 0;
        ++g.processes;
        g.pids.push_back(r.pid);
        g.threads += r.threads;
        add_optional(g.fds, r.fds, first);
        // An address space already counted in this group (by another member of the same
        // same_mm_as, whichever came first): its pages are counted there.
        if (r.same_mm_as != 0 && !counted_mm[group_of[i]].insert(r.same_mm_as).second) {
            ++g.shared_address_space;
            continue;
        }
        g.usage += r.usage;
        g.vss += r.vss;
        // Per-category columns: summed over the counted members (they all have them or none).
        if (g.processes - g.shared_address_space == 1) {
            g.native_pss = r.native_pss;
            g.js_pss = r.js_pss;
        } else {
            add_optional(g.native_pss, r.native_pss, false);
            add_optional(g.js_pss, r.js_pss, false);
        }
    }
    for (ProcessGroup& g : groups) std::sort(g.pids.begin(), g.pids.end());
    return groups;
}

}  // namespace memsnap
