#pragma once
// `memsnap --mem-smaps PID [-v]`: hidumper's per-mapping view (hidumper's smaps_memory_info.cpp
// and memory_filter.h give the columns and layout), as a table, JSON or CSV. The summary view
// has one row per mapping name and row (per name under --rules hidumper; model/mapping_groups.h),
// the verbose view one row per mapping; the rows are the rule set's, named as its table names
// them.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/category.h"
#include "model/mapping.h"
#include "model/mapping_groups.h"
#include "model/mem_usage.h"
#include "model/rules/rule_set.h"

namespace memsnap {

enum class MemSmapsFormat { Table, Json, Csv };

struct MemSmapsOptions {
    MemSmapsFormat format = MemSmapsFormat::Table;
    bool verbose = false;  // -v: one row per mapping with its permissions and address range
    bool human = false;    // table: KiB/MiB/GiB instead of kB
    // The rows' names; hidumper's own layout (class column width, zero-padded addresses) under
    // RuleSetId::Hidumper.
    RuleSetId rules = RuleSetId::Memsnap;
};

// Renders the view piece by piece: begin(), then (verbose) mapping() for every mapping in
// address order, then end() with the groups (summary view) and the total. Each returns text to
// write at once. Names are escaped for the terminal in the table (render/terminal_text.h), kept
// byte for byte in CSV, and in JSON written as formats/json_text.h says (a name that is not UTF-8
// gets "name_hex"). Unnamed memory is "[anon]" in the table, as in hidumper, and "" in JSON and
// CSV.
class MemSmapsRenderer {
  public:
    explicit MemSmapsRenderer(MemSmapsOptions options)
        : options_(options), rules_(&rule_set(options.rules)) {}

    // The table's two header lines, the CSV header, or the opening of the JSON object.
    std::string begin(int64_t pid) const;
    // One mapping of the verbose view.
    std::string mapping(const Mapping& m, Category row);
    // The summary view's rows (empty for verbose), then the Summary row of `total` (its Pss, as
    // in hidumper, includes SwapPss) and, in JSON, the process name and the closing brace.
    std::string end(const std::vector<MappingGroup>& groups, const MemUsage& total,
                    uint64_t mappings, std::string_view process_name);

  private:
    MemSmapsOptions options_;
    const RuleSet* rules_;
    uint64_t rows_ = 0;  // JSON elements written (for the commas)
};

}  // namespace memsnap
