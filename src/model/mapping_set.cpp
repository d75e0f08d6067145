#include "model/mapping_set.h"

#include <cstring>

namespace memsnap {

void MappingSetBuilder::add(const Mapping& m, Category row, int match) {
    MappingRecord r;
    r.start = m.start;
    r.end = m.end;
    std::memcpy(r.perms, m.perms, sizeof r.perms);
    r.category = row;
    r.rss = m.usage.rss;
    r.pss = m.usage.pss;
    r.swap_pss = m.usage.swap_pss;
    auto [it, inserted] = index_.try_emplace(std::string(m.name), 0);
    if (inserted) {
        it->second = static_cast<uint32_t>(set_.names.size());
        set_.names.push_back(it->first);
    }
    r.name = it->second;
    if (match >= 0) matched_.emplace_back(set_.records.size(), match);
    set_.records.push_back(r);
}

MappingSet MappingSetBuilder::finish(FunctionRef<Category(int)> row_of_match) {
    for (const auto& [record, match] : matched_) set_.records[record].category = row_of_match(match);
    matched_.clear();
    index_.clear();
    return std::move(set_);
}

}  // namespace memsnap
