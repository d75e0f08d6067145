#include "render/table.h"

#include "model/thread_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>
#include <vector>

#include "render/terminal_text.h"

namespace memsnap {
namespace {

constexpr int kNameWidth = 17;  // "arkts-static heap"
constexpr int kColWidth = 15;
constexpr int kColumns = 10;

constexpr std::array<std::array<const char*, 3>, kColumns> kHeader = {{
    {"Pss", "Total", "( kB )"},
    {"Shared", "Clean", "( kB )"},
    {"Shared", "Dirty", "( kB )"},
    {"Private", "Clean", "( kB )"},
    {"Private", "Dirty", "( kB )"},
    {"Swap", "Total", "( kB )"},
    {"SwapPss", "Total", "( kB )"},
    {"Heap", "Size", "( kB )"},
    {"Heap", "Alloc", "( kB )"},
    {"Heap", "Free", "( kB )"},
}};

bool is_zero(const MemUsage& u) { return u == MemUsage{}; }

bool has_inferred_rows(const Snapshot& snap) {
    for (const CategoryInfo& info : category_table()) {
        if (info.inferred && !is_zero(snap.categories[info.category])) return true;
    }
    return false;
}

// How the three Heap cells of a row are printed: "-" (the allocator's numbers, unknown from
// outside) or "0" (hidumper prints a constant 0 there: every row but native heap and Total).
enum class HeapCells { Unknown, Zero };

void append_cells(std::string& out, const MemUsage& u, uint64_t pss, bool human, int first_width,
                  HeapCells heap = HeapCells::Unknown) {
    const uint64_t values[] = {pss,           u.shared_clean, u.shared_dirty, u.private_clean,
                               u.private_dirty, u.swap,       u.swap_pss};
    int width = first_width;
    for (uint64_t v : values) {
        fmt::format_to(std::back_inserter(out), "{:>{}}", format_kb(v, human), width);
        width = kColWidth;
    }
    const char* cell = heap == HeapCells::Zero ? "0" : "-";
    for (int i = 0; i < 3; ++i) fmt::format_to(std::back_inserter(out), "{:>{}}", cell, kColWidth);
    out += '\n';
}

// The rows a rule set prints for this snapshot, in its order.
std::vector<const RowSpec*> shown_rows(const RuleSet& rules, const Snapshot& snap) {
    std::vector<const RowSpec*> rows;
    const CategoryUsage& c = snap.categories;
    for (const RowSpec& row : rules.rows) {
        bool shown = row.always || !is_zero(c[row.category]);
        // hidumper prints AnonPage other when its "other" class has any mapping, even one that
        // the inode sends to FilePage other (memory_info.cpp UpdateResult, lines 166-170).
        if (rules.hidumper_layout && row.category == Category::AnonOther)
            shown = shown || !is_zero(c[Category::FileOther]);
        if (shown) rows.push_back(&row);
    }
    return rows;
}

// The name column's width. hidumper's is the longest class name present ("graph", and
// "AnonPage other" for its other class; FilePage other is not counted: memory_info.cpp
// CollectProcessMemoryDetail); memsnap's and dumpsys's are at least 17, hidumper's usual width.
int name_column_width(const RuleSet& rules, const std::vector<const RowSpec*>& rows) {
    int width = rules.hidumper_layout ? static_cast<int>(std::string_view("graph").size()) : kNameWidth;
    for (const RowSpec* row : rows) {
        if (rules.hidumper_layout && row->category == Category::FileOther) continue;
        width = std::max(width, static_cast<int>(row->name.size()));
    }
    return width;
}

// Most threads shown by name under the table; the rest are summed on one line (JSON has all).
constexpr std::size_t kMaxThreadNames = 20;

// The entries of a count map, largest first (ties by name).
std::vector<std::pair<std::string, uint64_t>> largest_first(
    const std::map<std::string, uint64_t>& counts) {
    std::vector<std::pair<std::string, uint64_t>> v(counts.begin(), counts.end());
    std::stable_sort(v.begin(), v.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return v;
}

// hidumper's section lines: "{name:>15}:{value}".
void append_item(std::string& out, std::string_view name, std::string_view value) {
    fmt::format_to(std::back_inserter(out), "{:>15}:{}\n", escape_for_terminal(name), value);
}

std::string size_text(uint64_t kb, bool human) {
    return human ? format_kb(kb, true) : fmt::format("{} kB", kb);
}

// `width`: 0, or the width the table fits (a line that would be wider is cut in items).
void append_resource_sections(std::string& out, const Snapshot& snap, bool human, std::size_t width = 0) {
    if (snap.fd.num > 0 || snap.dma.total > 0) {
        const DmaSummary& d = snap.dma;
        out += "\nDMA:\n";
        const std::string dma = fmt::format("{} (mapped {}, unmapped {})", size_text(d.total, human),
                                            size_text(d.mapped, human), size_text(d.unmapped, human));
        if (width == 0 || 16 + dma.size() <= width) {
            append_item(out, "Dma", dma);
        } else {
            append_item(out, "Dma", size_text(d.total, human));
            append_item(out, "mapped", size_text(d.mapped, human));
            append_item(out, "unmapped", size_text(d.unmapped, human));
        }
        for (const auto& [exporter, kb] : largest_first(d.by_exporter))
            append_item(out, exporter, size_text(kb, human));
    }
    const GpuSummary& g = snap.gpu;
    if (g.total > 0 || g.resident > 0 || g.mapped > 0) {
        out += "\nGPU:\n";
        append_item(out, "GL", fmt::format("{} (resident {})", size_text(g.total, human),
                                           size_text(g.resident, human)));
        append_item(out, "mapped", size_text(g.mapped, human));
    }
    if (snap.fd.num > 0) {
        fmt::format_to(std::back_inserter(out), "\nfd: {}\n", snap.fd.num);
        for (const auto& [type, n] : largest_first(snap.fd.by_type))
            append_item(out, type, std::to_string(n));
    }
    if (snap.thread.num > 0) {
        fmt::format_to(std::back_inserter(out), "\nthreads: {}\n", snap.thread.num);
        // A numbered pool is one row ("worker-*"), as in the verdicts (JSON has every name).
        auto names = largest_first(group_numbered_names(snap.thread.by_name));
        uint64_t rest = 0;
        for (std::size_t i = 0; i < names.size(); ++i) {
            if (i < kMaxThreadNames)
                append_item(out, names[i].first, std::to_string(names[i].second));
            else
                rest += names[i].second;
        }
        if (names.size() > kMaxThreadNames)
            fmt::format_to(std::back_inserter(out), "{:>15} {} more names, {} threads\n", "...",
                           names.size() - kMaxThreadNames, rest);
    }
}


// What hidumper prints under its table (memory_info.cpp GetMemoryInfoByPid): "native heap:"
// when the native heap class has mappings, its sub-rows in NATIVE_HEAP_TAG order (names 16 wide,
// GetNativeHeap/SetNativeDetailRet), "Purgeable:" (PurgSum, PurgPin of /proc/PID/status,
// GetPurgByPid), "DMA:" with Dma = the Graph row (GetDma(graphicsMemory_.graph)).
void append_hidumper_sections(std::string& out, const Snapshot& snap, bool human) {
    constexpr int kSectionWidth = 16;  // RAM_WIDTH_
    const RuleSet& rules = rule_set(snap.rules);
    if (!is_zero(snap.categories[Category::NativeHeap]) || !snap.native_heap.empty()) {
        out += "\nnative heap:\n";
        for (std::string_view name : rules.native_order) {
            for (const NativeHeapRow& row : snap.native_heap) {
                if (row.name != name) continue;
                fmt::format_to(std::back_inserter(out), "{:>{}}", row.name + ":", kSectionWidth);
                append_cells(out, row.usage, row.usage.pss, human, kColWidth - 1, HeapCells::Zero);
            }
        }
    }
    auto item = [&](std::string_view name, uint64_t kb) {
        fmt::format_to(std::back_inserter(out), "{:>{}}{}\n", std::string(name) + ":",
                       kSectionWidth, size_text(kb, human));
    };
    out += "\nPurgeable:\n";
    item("PurgSum", snap.status.purg_sum);
    item("PurgPin", snap.status.purg_pin);
    out += "\nDMA:\n";
    item("Dma", snap.categories[Category::Graph].pss);
}

// --- The table fitted to a width (TableOptions::width) ---
// The order of fitting, each step only while the table is still wider than the width: drop the
// Heap columns (no row knows them: they live inside the process's allocator), narrow every column
// to its longest header word or cell plus two spaces, abbreviate the headers (one space apart),
// then drop whole columns, least telling first. Every cell kept is the full layout's cell.
struct FitColumn {
    std::size_t index;                 // into the cells of a row (kHeader's order)
    std::array<const char*, 3> short_header;
    int drop_order;                    // 1 is dropped first; 0 never (Pss Total)
};
constexpr std::array<FitColumn, 7> kFitColumns = {{
    {0, {"Pss", "Tot", "kB"}, 0},
    {1, {"Shr", "Cln", "kB"}, 1},
    {2, {"Shr", "Drt", "kB"}, 2},
    {3, {"Prv", "Cln", "kB"}, 3},
    {4, {"Prv", "Drt", "kB"}, 6},
    {5, {"Swap", "Tot", "kB"}, 4},
    {6, {"Swap", "Pss", "kB"}, 5},
}};

struct FitRow {
    std::string name;  // with the ':' of a native heap sub-row
    std::array<std::string, 7> cells;
    enum Kind { Row, Total, Sub } kind = Row;
};

std::array<std::string, 7> row_cells(const MemUsage& u, uint64_t pss, bool human) {
    return {format_kb(pss, human),           format_kb(u.shared_clean, human), format_kb(u.shared_dirty, human),
            format_kb(u.private_clean, human), format_kb(u.private_dirty, human), format_kb(u.swap, human),
            format_kb(u.swap_pss, human)};
}

// `text`'s words in lines of at most `width` characters (a word longer than that alone on one).
void append_wrapped(std::string& out, std::string_view text, std::size_t width) {
    std::string line;
    for (std::size_t at = 0; at < text.size();) {
        const std::size_t space = std::min(text.find(' ', at), text.size());
        const std::string_view word = text.substr(at, space - at);
        if (!line.empty() && line.size() + 1 + word.size() > width) {
            out += line + '\n';
            line.clear();
        }
        if (!line.empty()) line += ' ';
        line += word;
        at = space + 1;
    }
    if (!line.empty()) out += line + '\n';
}

std::string render_fitted_table(const Snapshot& snap, const TableOptions& options) {
    const RuleSet& rules = rule_set(snap.rules);
    const bool human = options.human;
    const std::size_t width = static_cast<std::size_t>(std::max(options.width, kMinTableWidth));
    std::vector<FitRow> rows;
    for (const RowSpec* row : shown_rows(rules, snap)) {
        const MemUsage& u = snap.categories[row->category];
        rows.push_back({std::string(row->name), row_cells(u, u.pss, human), FitRow::Row});
    }
    const MemUsage total = snap.total();
    rows.push_back({"Total", row_cells(total, total.pss + total.swap_pss, human), FitRow::Total});
    for (const NativeHeapRow& row : snap.native_heap)
        rows.push_back({row.name + ":", row_cells(row.usage, row.usage.pss, human), FitRow::Sub});

    std::size_t name_width = 0;
    for (const FitRow& r : rows) name_width = std::max(name_width, escape_for_terminal(r.name).size());

    // The layout: which columns, how wide, with which header words.
    std::vector<const FitColumn*> columns;
    for (const FitColumn& c : kFitColumns) columns.push_back(&c);
    bool abbreviated = false;
    std::vector<std::size_t> widths;
    std::size_t name_col = name_width;  // hidumper's widths keep its name column of 17 at least
    auto measure = [&](std::size_t pad, bool fixed) {
        widths.clear();
        name_col = std::max<std::size_t>(name_width, fixed ? kNameWidth : 0);
        std::size_t sum = name_col;
        for (const FitColumn* c : columns) {
            std::size_t w = 0;
            for (int h = 0; h < 3; ++h)
                w = std::max(w, std::string_view(abbreviated ? c->short_header[h] : kHeader[c->index][h]).size());
            for (const FitRow& r : rows) w = std::max(w, r.cells[c->index].size());
            widths.push_back(fixed ? kColWidth : w + pad);
            sum += widths.back();
        }
        return sum;
    };
    std::size_t table_width = measure(0, true);  // hidumper's widths, without the Heap columns
    if (table_width > width) table_width = measure(2, false);
    if (table_width > width) {
        abbreviated = true;
        table_width = measure(1, false);
    }
    for (int drop = 1; table_width > width && drop <= 6; ++drop) {
        std::erase_if(columns, [&](const FitColumn* c) { return c->drop_order == drop; });
        table_width = measure(1, false);
    }
    name_width = name_col;

    std::string out;
    const std::string_view title = "[memory]";
    const std::size_t banner = std::min<std::size_t>(70, width);
    const std::size_t left = (banner - title.size()) / 2;
    out += std::string(left, '-') + std::string(title) + std::string(banner - title.size() - left, '-') + "\n\n";
    for (int h = 0; h < 3; ++h) {
        std::string line(name_width, ' ');
        for (std::size_t i = 0; i < columns.size(); ++i) {
            const char* word = abbreviated ? columns[i]->short_header[h] : kHeader[columns[i]->index][h];
            if (human && h == 2) word = "";  // the cells carry their units
            fmt::format_to(std::back_inserter(line), "{:>{}}", word, widths[i]);
        }
        while (!line.empty() && line.back() == ' ') line.pop_back();
        if (!line.empty()) out += line + '\n';
    }
    out += std::string(name_width, ' ') + std::string(table_width - name_width, '-') + '\n';
    bool subs = false;
    for (const FitRow& r : rows) {
        if (r.kind == FitRow::Total) out += std::string(table_width, '-') + '\n';
        if (r.kind == FitRow::Sub && !subs) {
            subs = true;
            out += "\nnative heap:\n";
        }
        const std::string name = escape_for_terminal(r.name);
        out += std::string(name_width - std::min(name_width, name.size()), ' ') + name;
        for (std::size_t i = 0; i < columns.size(); ++i)
            fmt::format_to(std::back_inserter(out), "{:>{}}", r.cells[columns[i]->index], widths[i]);
        out += '\n';
        if (r.kind == FitRow::Total && has_inferred_rows(snap)) {
            out += '\n';
            append_wrapped(out,
                           "(inferred): unnamed anonymous mappings attributed by their shape (glibc arenas, malloc "
                           "mmap chunks, thread stacks, V8 heap pages); --no-infer: name rules only",
                           width);
        }
    }
    append_resource_sections(out, snap, human, width);
    return out;
}

}  // namespace

std::string render_fd_list(const std::vector<OpenFd>& fds) {
    std::string out = "\nfds:\n";
    for (const OpenFd& f : fds)
        fmt::format_to(std::back_inserter(out), "{:>7}  {:<10} {}\n", f.fd, escape_for_terminal(f.type),
                       escape_for_terminal(f.target));
    return out;
}

std::string format_kb(uint64_t kb, bool human) {
    if (!human) return fmt::format("{}", kb);
    if (kb < 1024) return fmt::format("{} KiB", kb);
    double v = static_cast<double>(kb) / 1024.0;
    if (v < 1024.0) return fmt::format("{:.1f} MiB", v);
    return fmt::format("{:.1f} GiB", v / 1024.0);
}

std::string render_mem_table(const Snapshot& snap, const TableOptions& options) {
    std::string out;
    auto line = [&](std::string_view s) {
        out += s;
        out += '\n';
    };
    const RuleSet& rules = rule_set(snap.rules);
    if (options.width > 0 && !rules.hidumper_layout) return render_fitted_table(snap, options);
    const std::vector<const RowSpec*> rows = shown_rows(rules, snap);
    const int name_width = name_column_width(rules, rows);
    const HeapCells row_heap = rules.hidumper_layout ? HeapCells::Zero : HeapCells::Unknown;
    line("-------------------------------[memory]-------------------------------");
    line("");
    for (int h = 0; h < 3; ++h) {
        fmt::format_to(std::back_inserter(out), "{:>{}}", "", name_width);
        for (const auto& col : kHeader) fmt::format_to(std::back_inserter(out), "{:>{}}", col[h], kColWidth);
        out += '\n';
    }
    line(fmt::format("{:>{}}{}", "", name_width, std::string(kColWidth * kColumns, '-')));
    for (const RowSpec* row : rows) {
        const MemUsage& u = snap.categories[row->category];
        fmt::format_to(std::back_inserter(out), "{:>{}}", row->name, name_width);
        append_cells(out, u, u.pss, options.human, kColWidth,
                     row->category == Category::NativeHeap ? HeapCells::Unknown : row_heap);
    }
    line(std::string(name_width + kColWidth * kColumns, '-'));
    MemUsage total = snap.total();
    // As hidumper: the Total row's Pss Total is the rows' Pss plus the Total SwapPss.
    fmt::format_to(std::back_inserter(out), "{:>{}}", "Total", name_width);
    append_cells(out, total, total.pss + total.swap_pss, options.human, kColWidth);
    if (has_inferred_rows(snap)) {
        line("");
        line("(inferred): unnamed anonymous mappings attributed by their shape (glibc arenas,");
        line("malloc mmap chunks, thread stacks, V8 heap pages); --no-infer: name rules only");
    }
    if (rules.hidumper_layout) {
        append_hidumper_sections(out, snap, options.human);
        return out;
    }
    if (!snap.native_heap.empty()) {
        line("");
        line("native heap:");
        for (const NativeHeapRow& row : snap.native_heap) {
            // hidumper's sub-rows sit two columns left of the main table.
            fmt::format_to(std::back_inserter(out), "{:>{}}", row.name + ":", name_width - 1);
            append_cells(out, row.usage, row.usage.pss, options.human, kColWidth - 1);
        }
    }
    append_resource_sections(out, snap, options.human);
    return out;
}

}  // namespace memsnap
