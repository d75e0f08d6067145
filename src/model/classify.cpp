#include "model/classify.h"

namespace memsnap {

std::string_view strip_deleted(std::string_view name) {
    constexpr std::string_view kDeleted = " (deleted)";
    if (name.ends_with(kDeleted)) name.remove_suffix(kDeleted.size());
    return name;
}

Category classify_mapping(std::string_view name, unsigned long long inode) {
    return classify_with(memsnap_rule_set(), name, inode);
}

std::string_view native_heap_subname(std::string_view name) {
    return native_subname_with(memsnap_rule_set(), name);
}

}  // namespace memsnap
