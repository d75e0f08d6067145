#include "formats/table.h"

#include "model/thread_names.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <iterator>
#include <utility>
#include <vector>

#include "formats/terminal_text.h"

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

void append_resource_sections(std::string& out, const Snapshot& snap, bool human) {
    if (snap.fd.num > 0 || snap.dma.total > 0) {
        const DmaSummary& d = snap.dma;
        out += "\nDMA:\n";
        append_item(out, "Dma",
                    fmt::format("{} (mapped {}, unmapped {})", size_text(d.total, human),
                                size_text(d.mapped, human), size_text(d.unmapped, human)));
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
