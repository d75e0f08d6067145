#pragma once
// Shorthands for memsnap's default rule set (model/rules/memsnap.cpp): the row of one smaps
// mapping by its name and inode, and its "native heap:" sub-row. Other rule sets and the
// neighbour-aware matcher are in model/rules/rule_set.h.
#include <string_view>

#include "model/category.h"
#include "model/rules/rule_set.h"

namespace memsnap {

// Strips a trailing " (deleted)" (a file replaced or removed while mapped).
std::string_view strip_deleted(std::string_view name);

// Classifies one mapping by its smaps name and inode (inode 0 = anonymous) under memsnap's
// rules. Never fails: every mapping lands in exactly one category.
Category classify_mapping(std::string_view name, unsigned long long inode);

// The "native heap:" sub-row of a mapping classified NativeHeap by name ("jemalloc heap",
// "brk heap", ...) under memsnap's rules; "other" for a native heap name with no sub-rule.
std::string_view native_heap_subname(std::string_view name);

}  // namespace memsnap
