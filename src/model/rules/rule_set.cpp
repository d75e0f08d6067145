#include "model/rules/rule_set.h"

#include <array>

namespace memsnap {
namespace {

bool is_versioned_so(std::string_view name) {
    // Walk back over ".<digits>" groups; at least one, then ".so" must precede them.
    std::size_t end = name.size();
    int groups = 0;
    while (end > 0) {
        std::size_t i = end;
        while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
        if (i == end || i == 0 || name[i - 1] != '.') break;
        end = i - 1;
        ++groups;
    }
    return groups > 0 && name.substr(0, end).ends_with(".so");
}

bool matches(const NameRule& rule, std::string_view name) {
    switch (rule.kind) {
        // Comparing one end byte first spares most rules a memcmp call.
        case MatchKind::Suffix:
            return name.back() == rule.pattern.back() && name.ends_with(rule.pattern);
        case MatchKind::VersionedSoSuffix:
            return is_versioned_so(name);
        case MatchKind::Prefix:
            return name.front() == rule.pattern.front() && name.starts_with(rule.pattern);
        case MatchKind::Contains:
            return name.find(rule.pattern) != std::string_view::npos;
        case MatchKind::ContainsInLonger:
            return name.size() > rule.pattern.size() &&
                   name.find(rule.pattern) != std::string_view::npos;
    }
    return false;
}

bool is_other(Category c) { return c == Category::AnonOther || c == Category::FileOther; }

constexpr std::array<std::string_view, 3> kNames = {"memsnap", "hidumper", "dumpsys"};

}  // namespace

const RuleSet& rule_set(RuleSetId id) {
    switch (id) {
        case RuleSetId::Hidumper:
            return hidumper_rule_set();
        case RuleSetId::Dumpsys:
            return dumpsys_rule_set();
        case RuleSetId::Memsnap:
            break;
    }
    return memsnap_rule_set();
}

std::optional<RuleSetId> rule_set_from_name(std::string_view name) {
    for (std::size_t i = 0; i < kNames.size(); ++i)
        if (kNames[i] == name) return static_cast<RuleSetId>(i);
    return std::nullopt;
}

std::span<const std::string_view> rule_set_names() { return kNames; }

std::string_view matched_name(const RuleSet& rules, std::string_view name) {
    if (rules.trim_trailing_spaces) {
        while (!name.empty() && (name.back() == ' ' || name.back() == '\t' || name.back() == '\r' ||
                                 name.back() == '\v' || name.back() == '\f'))
            name.remove_suffix(1);
    }
    constexpr std::string_view kDeleted = " (deleted)";
    if (rules.strip_deleted && name.ends_with(kDeleted)) name.remove_suffix(kDeleted.size());
    return name;
}

Category classify_with(const RuleSet& rules, std::string_view name, uint64_t inode,
                       uint64_t start, const PreviousMapping& prev) {
    name = matched_name(rules, name);
    // Most mappings of a big process are unnamed anonymous memory, and every pattern is
    // non-empty: no rule can match an empty name, so skip the walk over the table.
    if (name.empty()) {
        if (rules.so_bss && prev.present && prev.end == start && prev.category == Category::So)
            return Category::So;
        return inode == 0 ? rules.unnamed_anon : rules.unnamed_file;
    }
    for (const NameRule& rule : rules.rules) {
        if (!matches(rule, name)) continue;
        if (rules.other_by_inode && is_other(rule.category))
            return inode == 0 ? Category::AnonOther : Category::FileOther;
        return rule.category;
    }
    return inode == 0 ? rules.named_anon : rules.named_file;
}

std::string_view native_subname_with(const RuleSet& rules, std::string_view name) {
    name = matched_name(rules, name);
    for (const NativeSubRule& rule : rules.native_sub) {
        if (name.starts_with(rule.prefix)) return rule.subname;
    }
    return "other";
}

}  // namespace memsnap
