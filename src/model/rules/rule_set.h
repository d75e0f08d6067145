#pragma once
// Rule sets: which row of the memory table a smaps mapping lands in, and which rows are printed,
// in what order, under which names. Three sets, each one table in its own file beside this one
// (memsnap.cpp, hidumper.cpp, dumpsys.cpp) with the upstream source of every rule; this header
// is the one interface they share, and rule_set.cpp the one matcher that walks them.
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "model/category.h"

namespace memsnap {

enum class RuleSetId : unsigned char {
    Memsnap,   // the default: hidumper's rows and names plus memsnap's documented extensions
    Hidumper,  // today's `hidumper --mem PID` (hiview's memory collector)
    Dumpsys,   // Android's `dumpsys meminfo` heaps (libmeminfo androidprocheaps)
};

enum class MatchKind : unsigned char {
    Suffix,             // the name ends with the pattern
    VersionedSoSuffix,  // the name ends with ".so" followed by one or more ".<digits>" groups
    Prefix,             // the name begins with the pattern
    Contains,           // the pattern occurs anywhere in the name
    ContainsInLonger,   // the pattern occurs in a name longer than the pattern
};

struct NameRule {
    MatchKind kind;
    std::string_view pattern;
    // The row. AnonOther or FileOther here means "other": with `other_by_inode` the inode then
    // decides (0: AnonOther, else FileOther), as hidumper splits its "other" class.
    Category category;
    std::string_view source;  // the upstream file and line (or memsnap's extension and why)
};

// A row the table prints, in order.
struct RowSpec {
    Category category;
    std::string_view name;  // as this rule set prints it ("Native Heap", "native heap")
    bool always;            // printed even without mappings (else only when it has some)
};

// A "native heap:" sub-row: mappings of the native heap row whose name begins with `prefix`.
struct NativeSubRule {
    std::string_view prefix;
    std::string_view subname;  // "" : counted in the native heap row but in no sub-row
    std::string_view source;
};

struct RuleSet {
    RuleSetId id;
    std::string_view name;  // "memsnap", "hidumper", "dumpsys" (the --rules value, the JSON field)
    std::span<const NameRule> rules;  // tried in order; the first match wins
    bool strip_deleted;         // drop a trailing " (deleted)" before matching
    bool trim_trailing_spaces;  // drop trailing white space before matching (hidumper reads lines so)
    bool other_by_inode;        // a rule to AnonOther/FileOther picks by inode
    // A name no rule matched, or an empty name, by inode (0 or not).
    Category named_anon, named_file, unnamed_anon, unnamed_file;
    // Android's .so bss rule: an unnamed mapping that starts where the previous one ended, when
    // that one landed in .so, is that library's bss and lands in .so too.
    bool so_bss;
    bool infer;  // shape inference of unnamed anonymous mappings (model/shape_rules.h) applies
    std::span<const RowSpec> rows;  // the rows printed, in order, under this set's names
    // "native heap:" sub-rows, first match wins; a native heap mapping with no match is `other`.
    std::span<const NativeSubRule> native_sub;
    // Sub-rows printed in this fixed order (hidumper); empty: every sub-row, largest Pss first.
    std::span<const std::string_view> native_order;
    // hidumper's layout: GL and Graph always, rows only with mappings, "AnonPage other" when any
    // mapping is in its "other" class, "FilePage other" always, name column as wide as the
    // longest class present, Heap cells "0" where it prints a constant 0, and its sections.
    bool hidumper_layout;
};

// Every rule set, by id.
const RuleSet& rule_set(RuleSetId id);
// Looks a rule set up by name ("memsnap", "hidumper", "dumpsys"); nullopt for any other.
std::optional<RuleSetId> rule_set_from_name(std::string_view name);
// The three names, in RuleSetId order ("memsnap|hidumper|dumpsys" in --help).
std::span<const std::string_view> rule_set_names();

// What the matcher needs to know of the previous mapping (the .so bss rule only).
struct PreviousMapping {
    bool present = false;
    uint64_t end = 0;
    Category category = Category::AnonOther;
};

// The row of one mapping under `rules`: its name as smaps prints it (with " (deleted)"), its
// inode (0 = anonymous), its start address and the previous mapping (for the bss rule).
// Never fails: every mapping lands in exactly one row.
Category classify_with(const RuleSet& rules, std::string_view name, uint64_t inode,
                       uint64_t start = 0, const PreviousMapping& prev = {});

// The name `rules` matches on: `name` without trailing white space and " (deleted)" as the set
// says.
std::string_view matched_name(const RuleSet& rules, std::string_view name);

// The "native heap:" sub-row of a mapping in the native heap row ("" when it has none).
std::string_view native_subname_with(const RuleSet& rules, std::string_view name);

// Where a mapping of row `c` comes in `hidumper --mem-smaps -v`, which lists the mappings class
// by class in hiview's MemoryClass order (AnonPage other and FilePage other are one class, as
// is any row hidumper does not have, last); lower first. In rules/hidumper.cpp with its source.
int hidumper_smaps_class_rank(Category c);

// The rule tables, one per file.
const RuleSet& memsnap_rule_set();
const RuleSet& hidumper_rule_set();
const RuleSet& dumpsys_rule_set();

}  // namespace memsnap
