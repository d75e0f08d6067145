#pragma once
// The category rules: one table (classify.cpp) turns a smaps mapping name into a table row.
#include <span>
#include <string_view>

#include "model/category.h"

namespace memsnap {

enum class MatchKind : unsigned char {
    Suffix,            // the name ends with the pattern
    VersionedSoSuffix, // the name ends with ".so" followed by one or more ".<digits>" groups
    Prefix,            // the name begins with the pattern
};

struct CategoryRule {
    MatchKind kind;
    std::string_view pattern;
    Category category;
    std::string_view source;  // where the rule comes from
};

// The name rules in the order they are tried: all suffix rules, then all prefix rules.
std::span<const CategoryRule> category_rules();

// Strips a trailing " (deleted)" (a file replaced or removed while mapped).
std::string_view strip_deleted(std::string_view name);

// Classifies one mapping by its smaps name and inode (inode 0 = anonymous). Suffix rules are
// tried first, then prefix rules; with no match an anonymous mapping is AnonOther and a
// file-backed one FileOther. Never fails: every mapping lands in exactly one category.
Category classify_mapping(std::string_view name, unsigned long long inode);

// The "native heap:" sub-row of a mapping classified NativeHeap by name ("jemalloc heap",
// "brk heap", ...), after hiview's PREFIX_LIST; "other" for a native heap name with no sub-rule.
std::string_view native_heap_subname(std::string_view name);

}  // namespace memsnap
