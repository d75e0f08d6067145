#include "formats/table.h"

#include <fmt/format.h>

#include <array>
#include <iterator>

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

void append_cells(std::string& out, const MemUsage& u, uint64_t pss, bool human, int first_width) {
    const uint64_t values[] = {pss,           u.shared_clean, u.shared_dirty, u.private_clean,
                               u.private_dirty, u.swap,       u.swap_pss};
    int width = first_width;
    for (uint64_t v : values) {
        fmt::format_to(std::back_inserter(out), "{:>{}}", format_kb(v, human), width);
        width = kColWidth;
    }
    for (int i = 0; i < 3; ++i) fmt::format_to(std::back_inserter(out), "{:>{}}", "-", kColWidth);
    out += '\n';
}

}  // namespace

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
    line("-------------------------------[memory]-------------------------------");
    line("");
    for (int h = 0; h < 3; ++h) {
        fmt::format_to(std::back_inserter(out), "{:>{}}", "", kNameWidth);
        for (const auto& col : kHeader) fmt::format_to(std::back_inserter(out), "{:>{}}", col[h], kColWidth);
        out += '\n';
    }
    line(fmt::format("{:>{}}{}", "", kNameWidth, std::string(kColWidth * kColumns, '-')));
    for (const CategoryInfo& info : category_table()) {
        const MemUsage& u = snap.categories[info.category];
        if (!info.always_shown && is_zero(u)) continue;
        fmt::format_to(std::back_inserter(out), "{:>{}}", info.name, kNameWidth);
        append_cells(out, u, u.pss, options.human, kColWidth);
    }
    line(std::string(kNameWidth + kColWidth * kColumns, '-'));
    MemUsage total = snap.total();
    // As hidumper: the Total row's Pss Total is the rows' Pss plus the Total SwapPss.
    fmt::format_to(std::back_inserter(out), "{:>{}}", "Total", kNameWidth);
    append_cells(out, total, total.pss + total.swap_pss, options.human, kColWidth);
    if (!snap.native_heap.empty()) {
        line("");
        line("native heap:");
        for (const NativeHeapRow& row : snap.native_heap) {
            // hidumper's sub-rows sit two columns left of the main table.
            fmt::format_to(std::back_inserter(out), "{:>{}}", row.name + ":", kNameWidth - 1);
            append_cells(out, row.usage, row.usage.pss, options.human, kColWidth - 1);
        }
    }
    return out;
}

}  // namespace memsnap
