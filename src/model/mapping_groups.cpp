#include "model/mapping_groups.h"

#include <algorithm>
#include <cstring>

namespace memsnap {

void MappingGroups::add(const Mapping& m, Category row, int match) {
    std::tuple<std::string, Category, int> key{std::string(m.name), row, match};
    auto it = groups_.find(key);
    if (it == groups_.end())
        it = groups_.emplace(key, MappingGroup{std::get<0>(key), row, 0, {}, added_}).first;
    ++added_;
    ++it->second.count;
    it->second.usage += m.usage;
}

std::vector<MappingGroup> MappingGroups::rows(FunctionRef<Category(int)> row_of_match) const {
    std::map<std::pair<std::string, Category>, MappingGroup> merged;
    for (const auto& [key, g] : groups_) {
        const int match = std::get<2>(key);
        const Category c = match < 0 ? g.category : row_of_match(match);
        auto [it, inserted] =
            merged.try_emplace({g.name, c}, MappingGroup{g.name, c, 0, {}, g.first});
        it->second.count += g.count;
        it->second.usage += g.usage;
        it->second.first = std::min(it->second.first, g.first);
    }
    std::vector<MappingGroup> out;
    for (auto& [key, g] : merged) out.push_back(std::move(g));
    return out;
}

std::vector<MappingGroup> merge_by_name(std::vector<MappingGroup> groups,
                                        FunctionRef<int(Category)> rank) {
    std::vector<MappingGroup> out;
    for (MappingGroup& g : groups) {
        if (out.empty() || out.back().name != g.name) {
            out.push_back(std::move(g));
            continue;
        }
        MappingGroup& into = out.back();
        const int ri = rank(into.category), rg = rank(g.category);
        if (rg < ri || (rg == ri && g.first < into.first)) into.category = g.category;
        into.count += g.count;
        into.usage += g.usage;
        into.first = std::min(into.first, g.first);
    }
    return out;
}

void MappingList::add(const Mapping& m, Category row, int match) {
    auto [it, inserted] =
        index_.try_emplace(std::string(m.name), static_cast<uint32_t>(names_.size()));
    if (inserted) names_.push_back(it->first);
    ListedMapping l;
    l.start = m.start;
    l.end = m.end;
    std::memcpy(l.perms, m.perms, sizeof l.perms);
    l.name = it->second;
    l.row = row;
    l.match = match;
    l.usage = m.usage;
    mappings_.push_back(l);
}

void MappingList::settle(FunctionRef<Category(int)> row_of_match) {
    for (ListedMapping& l : mappings_)
        if (l.match >= 0) l.row = row_of_match(l.match);
}

void MappingList::order_by(FunctionRef<int(Category)> rank) {
    std::stable_sort(mappings_.begin(), mappings_.end(),
                     [&](const ListedMapping& a, const ListedMapping& b) {
                         return rank(a.row) < rank(b.row);
                     });
}

Mapping MappingList::mapping(const ListedMapping& l) const {
    Mapping m;
    m.start = l.start;
    m.end = l.end;
    std::memcpy(m.perms, l.perms, sizeof m.perms);
    m.name = names_[l.name];
    m.usage = l.usage;
    return m;
}

}  // namespace memsnap
