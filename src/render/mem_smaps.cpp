#include "render/mem_smaps.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <nlohmann/json.hpp>

#include "formats/csv.h"
#include "formats/json_text.h"
#include "formats/snapshot_json.h"
#include "render/table.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

// hidumper's widths (smaps_memory_info.cpp/.h): numbers and most cells 12, Start 18; the
// category column as wide as the longest category name, and the padding before the name
// shrinks by as much (hidumper: categoryColumnWidth 15 and name padding 18 summary / 12
// verbose, less the longest class name's excess over 15).
constexpr std::size_t kCell = 12;
constexpr std::size_t kStart = 18;
constexpr std::size_t kCategoryAndPadSummary = 15 + 18;
constexpr std::size_t kCategoryAndPadVerbose = 15 + 12;
constexpr std::size_t kNameTitleExtra = 4;  // "Name" is right-aligned in the padding plus 4
// hidumper's class column: its longest class name, "arkts-static heap" (MEMORY_CLASS_VEC,
// smaps_memory_info.cpp:207-215), whichever classes the process has.
constexpr std::size_t kHidumperClassWidth = 17;

// The name `rules` prints for a row (its table's), else memsnap's.
std::string_view row_name(const RuleSet& rules, Category c) {
    for (const RowSpec& r : rules.rows)
        if (r.category == c) return r.name;
    return category_info(c).name;
}

std::size_t category_width(const RuleSet& rules) {
    if (rules.hidumper_layout) return kHidumperClassWidth;
    std::size_t w = 0;
    for (const CategoryInfo& info : category_table())
        w = std::max(w, row_name(rules, info.category).size());
    return w;
}

std::size_t name_pad(const RuleSet& rules, bool verbose) {
    std::size_t both = verbose ? kCategoryAndPadVerbose : kCategoryAndPadSummary;
    std::size_t cw = category_width(rules);
    return both > cw ? both - cw : 1;
}

// Appends `text` left-aligned in `width`; a cell that fills its column gets one space after it
// (hidumper writes cells back to back, so a 12-digit address would touch the next cell).
void cell(std::string& out, std::string_view text, std::size_t width) {
    out += text;
    out.append(text.size() < width ? width - text.size() : 1, ' ');
}

void trim_line(std::string& out) {
    while (!out.empty() && out.back() == ' ') out.pop_back();
    out += '\n';
}

std::array<uint64_t, 9> counters(const MemUsage& u) {
    return {u.size,          u.rss,           u.pss,  u.shared_clean, u.shared_dirty,
            u.private_clean, u.private_dirty, u.swap, u.swap_pss};
}

// The CSV and JSON counter names, in hidumper's column order.
constexpr std::array<std::string_view, 9> kCounterKeys = {
    "size",          "rss",           "pss",  "shared_clean", "shared_dirty",
    "private_clean", "private_dirty", "swap", "swap_pss"};

std::string hex(uint64_t v) {
    return fmt::format("{:x}", v);
}

// An address as smaps prints it (at least 8 digits), as hidumper copies it into its table.
std::string smaps_hex(uint64_t v) {
    return fmt::format("{:08x}", v);
}

std::string display_name(std::string_view name) {
    return name.empty() ? std::string("[anon]") : escape_for_terminal(name);
}

// One table row: the counters, then the view's own cells, the category and the name.
std::string table_row(const RuleSet& rules, const MemUsage& u, bool human,
                      const std::vector<std::pair<std::string, std::size_t>>& middle,
                      std::string_view category, std::string_view name, bool verbose) {
    std::string out;
    for (uint64_t v : counters(u)) cell(out, format_kb(v, human), kCell);
    for (const auto& [text, width] : middle) cell(out, text, width);
    // The padding before the name follows the class column: no blank of its own after it, as
    // in hidumper, where "arkts-static heap" fills it.
    out += category;
    out.append(category_width(rules) - std::min(category.size(), category_width(rules)), ' ');
    out.append(name_pad(rules, verbose), ' ');
    out += name;
    trim_line(out);
    return out;
}

nlohmann::ordered_json counters_json(const MemUsage& u) {
    nlohmann::ordered_json j = nlohmann::ordered_json::object();
    auto values = counters(u);
    for (std::size_t i = 0; i < values.size(); ++i) j[std::string(kCounterKeys[i])] = values[i];
    return j;
}

void csv_counters(std::vector<std::string>& fields, const MemUsage& u) {
    for (uint64_t v : counters(u)) fields.push_back(fmt::format("{}", v));
}

}  // namespace

std::string MemSmapsRenderer::begin(int64_t pid) const {
    const bool verbose = options_.verbose;
    switch (options_.format) {
        case MemSmapsFormat::Json:
            return fmt::format(
                "{{\"schema\":\"memsnap.mem-smaps/1\",\"unit\":\"kB\",\"pid\":{},"
                "\"rules\":\"{}\",\"verbose\":{},\"mappings\":[\n",
                pid, rules_->name, verbose ? "true" : "false");
        case MemSmapsFormat::Csv: {
            std::vector<std::string> cols;
            if (verbose)
                cols = {"start", "end", "perms"};
            else
                cols = {"count"};
            cols.push_back("category");
            cols.push_back("name");
            for (std::string_view k : kCounterKeys) cols.push_back(std::string(k) + "_kb");
            std::string out;
            append_csv_row(out, cols);
            return out;
        }
        case MemSmapsFormat::Table:
            break;
    }
    std::string line1, line2;
    const std::array<std::pair<std::string_view, std::string_view>, 9> titles = {
        {{"", "Size"},
         {"", "Rss"},
         {"", "Pss"},
         {"Shared", "Clean"},
         {"Shared", "Dirty"},
         {"Private", "Clean"},
         {"Private", "Dirty"},
         {"", "Swap"},
         {"", "SwapPss"}}};
    for (const auto& [top, bottom] : titles) {
        cell(line1, top, kCell);
        cell(line2, bottom, kCell);
    }
    if (verbose) {
        cell(line2, "Perm", kCell);
        cell(line2, "Start", kStart);
        cell(line2, "End", kCell);
    } else {
        cell(line2, "Counts", kCell);
    }
    cell(line2, "Category", category_width(*rules_));
    line2 += fmt::format("{:>{}}", "Name", name_pad(*rules_, verbose) + kNameTitleExtra);
    trim_line(line1);
    trim_line(line2);
    return line1 + line2;
}

std::string MemSmapsRenderer::mapping(const Mapping& m, Category row) {
    const CategoryInfo& info = category_info(row);
    switch (options_.format) {
        case MemSmapsFormat::Json: {
            nlohmann::ordered_json j{{"start", hex(m.start)},
                                     {"end", hex(m.end)},
                                     {"perms", std::string(m.perms)},
                                     {"category", info.key}};
            put_text(j, "name", m.name);
            j.update(counters_json(m.usage));
            return fmt::format("{}{}", rows_++ ? ",\n" : "", dump_json(j));
        }
        case MemSmapsFormat::Csv: {
            std::vector<std::string> f = {hex(m.start), hex(m.end), std::string(m.perms),
                                          std::string(info.key), std::string(m.name)};
            csv_counters(f, m.usage);
            std::string out;
            append_csv_row(out, f);
            return out;
        }
        case MemSmapsFormat::Table:
            break;
    }
    auto address = rules_->hidumper_layout ? smaps_hex : hex;
    return table_row(*rules_, m.usage, options_.human,
                     {{std::string(m.perms), kCell}, {address(m.start), kStart}, {address(m.end), kCell}},
                     row_name(*rules_, row), display_name(m.name), true);
}

std::string MemSmapsRenderer::end(const std::vector<MappingGroup>& groups, const MemUsage& total,
                                  uint64_t mappings, std::string_view process_name) {
    std::string out;
    const bool verbose = options_.verbose;
    MemUsage summary = total;
    summary.pss += summary.swap_pss;  // hidumper's Summary row: Pss includes SwapPss
    switch (options_.format) {
        case MemSmapsFormat::Json: {
            for (const MappingGroup& g : groups) {
                nlohmann::ordered_json j = nlohmann::ordered_json::object();
                put_text(j, "name", g.name);
                j["category"] = category_info(g.category).key;
                j["count"] = g.count;
                j.update(counters_json(g.usage));
                out += fmt::format("{}{}", rows_++ ? ",\n" : "", dump_json(j));
            }
            nlohmann::ordered_json s = counters_json(total);
            s["count"] = mappings;
            s["pss_total"] = summary.pss;
            // The process name last but one: put_text() may add "name_hex" beside it.
            nlohmann::ordered_json tail = nlohmann::ordered_json::object();
            put_text(tail, "name", process_name);
            tail["summary"] = std::move(s);
            std::string fields = dump_json(tail);  // {"name":...,"summary":{...}}
            out += fmt::format("\n],{}\n", std::string_view(fields).substr(1));
            return out;
        }
        case MemSmapsFormat::Csv:
            for (const MappingGroup& g : groups) {
                std::vector<std::string> f = {fmt::format("{}", g.count),
                                              std::string(category_info(g.category).key), g.name};
                csv_counters(f, g.usage);
                append_csv_row(out, f);
            }
            return out;
        case MemSmapsFormat::Table:
            break;
    }
    for (const MappingGroup& g : groups) {
        out += table_row(*rules_, g.usage, options_.human, {{fmt::format("{}", g.count), kCell}},
                         row_name(*rules_, g.category), display_name(g.name), false);
    }
    if (verbose)
        out += table_row(*rules_, summary, options_.human, {{"", kCell}, {"", kStart}, {"", kCell}}, "",
                         "Summary", true);
    else
        out += table_row(*rules_, summary, options_.human, {{fmt::format("{}", mappings), kCell}}, "",
                         "Summary", false);
    return out;
}

}  // namespace memsnap
