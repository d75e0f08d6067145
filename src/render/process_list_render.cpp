#include "render/process_list_render.h"

#include <fmt/compile.h>
#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "formats/csv.h"
#include "formats/json_text.h"
#include "formats/prom.h"
#include "model/rules/rule_set.h"
#include "render/table.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

std::string optional_kb(const std::optional<uint64_t>& v, bool human) {
    return v ? format_kb(*v, human) : "-";
}

std::string optional_count(const std::optional<uint64_t>& v) {
    return v ? std::to_string(*v) : "-";
}

// PIDs named per reason in the table's last line; the rest are counted (JSON lists them all).
constexpr std::size_t kSkippedPidsNamed = 10;

// "1 gone (PID 40), 2 permission denied (PIDs 1, 7)": by reason, PIDs in ascending order.
std::string skipped_summary(const ProcessList& list) {
    std::map<std::string, std::vector<int64_t>> by_reason;
    for (const SkippedProcess& s : list.skipped) by_reason[s.reason].push_back(s.pid);
    std::string out;
    for (auto& [reason, pids] : by_reason) {
        std::sort(pids.begin(), pids.end());
        if (!out.empty()) out += ", ";
        out += fmt::format("{} {} ({} ", pids.size(), reason, pids.size() == 1 ? "PID" : "PIDs");
        for (std::size_t i = 0; i < pids.size() && i < kSkippedPidsNamed; ++i)
            out += fmt::format("{}{}", i ? ", " : "", pids[i]);
        if (pids.size() > kSkippedPidsNamed)
            out += fmt::format(" and {} more", pids.size() - kSkippedPidsNamed);
        out += ')';
    }
    return out;
}

// A size column's header: "Pss(kB)", or "Pss" with --human (each cell then has its unit).
std::string size_header(std::string_view name, bool human) {
    return human ? std::string(name) : fmt::format("{}(kB)", name);
}

// The name a rule set prints for a row (its RowSpec), else memsnap's.
std::string_view row_name(const RuleSet& rules, Category c) {
    for (const RowSpec& r : rules.rows)
        if (r.category == c) return r.name;
    return category_info(c).name;
}

// Rows with a non-zero value, largest first (ties in Category order), as hidumper's
// PairToStringMatrix sorts them.
std::vector<std::pair<Category, uint64_t>> largest_rows(const std::array<uint64_t, kCategoryCount>& v) {
    std::vector<std::pair<Category, uint64_t>> rows;
    for (std::size_t i = 0; i < kCategoryCount; ++i)
        if (v[i] > 0) rows.emplace_back(static_cast<Category>(i), v[i]);
    std::stable_sort(rows.begin(), rows.end(),
                     [](const auto& a, const auto& b) { return a.second > b.second; });
    return rows;
}

std::string hidumper_kb(uint64_t kb) { return fmt::format("{} kB", kb); }

// hidumper's no-PID header and rows (memory_info.cpp AddMemByProcessTitle, MemUsageToMatrix):
// PID left in 5, Total Pss right in 30, the kB columns right in 12, "    Name" left in 20.
void hidumper_listing_header(std::string& out, std::string_view by) {
    fmt::format_to(std::back_inserter(out), "Total Memory Usage by {}:\n", by);
    fmt::format_to(std::back_inserter(out),
                   "{:<5} {:>30} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:<20}\n",
                   "PID", "Total Pss(xxx in SwapPss)", "Total Vss", "Total Rss", "Total Uss", "GL",
                   "Graph", "Dma", "PurgSum", "PurgPin", "    Name");
}

void hidumper_listing_row(std::string& out, const ProcessRow& r) {
    // GL, Graph and Dma come from hidumper's graphics collector, which the listing does not
    // read (memsnap --mem PID has them): "-". PurgSum and PurgPin are never filled in
    // hidumper's listing (GetMemByProcessPid): 0 kB, as it prints them.
    fmt::format_to(std::back_inserter(out),
                   "{:<5} {:>30} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:>12} {:<20}\n",
                   r.pid, fmt::format("{}({} in SwapPss) kB", r.total_pss(), r.usage.swap_pss),
                   hidumper_kb(r.vss), hidumper_kb(r.usage.rss), hidumper_kb(r.usage.uss()), "-", "-",
                   "-", hidumper_kb(0), hidumper_kb(0), "    " + escape_for_terminal(r.name));
}

// "{title:>16}{value}": hidumper's RAM lines (SetWidth(RAM_WIDTH_ = 16, right)).
void hidumper_ram_line(std::string& out, std::string_view title, std::string_view value) {
    fmt::format_to(std::back_inserter(out), "{:>16}{}\n", title, value);
}

// `memsnap --mem --rules hidumper` with no PID: hidumper's layout (memory_info.cpp
// GetMemoryInfoNoPid and DealResult, hidumper 90a6dbfa), sections in its order.
std::string render_hidumper_listing(const ProcessList& list) {
    const RuleSet& rules = rule_set(list.rules);
    std::string out = "-------------------------------[memory]-------------------------------\n";
    std::vector<const ProcessRow*> by_pid;
    for (const ProcessRow& r : list.rows) by_pid.push_back(&r);
    std::sort(by_pid.begin(), by_pid.end(), [](auto* a, auto* b) { return a->pid < b->pid; });
    hidumper_listing_header(out, "PID");
    for (const ProcessRow* r : by_pid) hidumper_listing_row(out, *r);
    out += "\n";
    hidumper_listing_header(out, "Size");
    for (const ProcessRow& r : list.rows) hidumper_listing_row(out, r);  // sorted by the caller
    out += "\n";
    // (Total Pss by OOM adjustment: only with OpenHarmony's memory manager.)
    out += "\n";
    uint64_t pss = 0, swap_pss = 0;
    for (const ProcessRow& r : list.rows) {
        pss += r.usage.pss;
        swap_pss += r.usage.swap_pss;
    }
    if (list.category_totals) {
        // GetPssTotal: Pss + SwapPss per class, file-backed (inode) and anonymous. Its GPU,
        // Graph and DMA parts come from the graphics collector: not printed.
        out += "Total Pss by Category:\n";
        auto part = [&](std::string_view tag, const std::array<uint64_t, kCategoryCount>& v) {
            uint64_t sum = 0;
            for (uint64_t x : v) sum += x;
            fmt::format_to(std::back_inserter(out), "{}({}):\n", tag, hidumper_kb(sum));
            for (auto [c, kb] : largest_rows(v)) {
                std::string_view name = c == Category::AnonOther || c == Category::FileOther
                                            ? std::string_view("other")
                                            : row_name(rules, c);
                fmt::format_to(std::back_inserter(out), "{:>16} : {}\n", hidumper_kb(kb), name);
            }
        };
        part("File-backed Page", list.category_totals->file);
        part("Anonymous Page", list.category_totals->anon);
        out += "\n";
    }
    if (list.meminfo.empty()) {  // a captured tree without meminfo: no RAM block of zeros
        out += "(no meminfo in the tree: no RAM totals)\n";
        return out;
    }
    // GetRamUsage (get_ram_info.cpp).
    auto m = [&](std::string_view key) { return list.meminfo_kb(key); };
    uint64_t cached = m("Buffers") + m("Cached") + m("KReclaimable") + m("SReclaimable");
    if (m("KReclaimable") != 0) cached -= m("SReclaimable");
    cached = cached > m("Mapped") ? cached - m("Mapped") : 0;
    uint64_t kernel_used = m("Shmem") + m("Slab") + m("VmallocUsed") + m("PageTables") + m("KernelStack");
    // hidumper's formula, Pss less SwapPss included (signed here: hidumper's unsigned
    // difference would wrap when SwapPss exceeds Pss).
    int64_t lost = static_cast<int64_t>(m("MemTotal")) -
                   (static_cast<int64_t>(pss) - static_cast<int64_t>(swap_pss) +
                    static_cast<int64_t>(m("MemFree") + cached + kernel_used));
    hidumper_ram_line(out, "Total RAM:", hidumper_kb(m("MemTotal")));
    hidumper_ram_line(out, "Free RAM:", fmt::format("{} ({} cached + {} free)",
                                                    hidumper_kb(cached + m("MemFree")), cached, m("MemFree")));
    hidumper_ram_line(out, "Used RAM:", fmt::format("{} ({} total pss + {} kernel)",
                                                    hidumper_kb(pss + kernel_used), pss, kernel_used));
    hidumper_ram_line(out, "Lost RAM:", fmt::format("{} kB", lost));
    out += "\n";
    // GetRamCategory: Hardware Usage (device-tree no-map regions) and CMA Usage (debugfs) are
    // not read; Kernel Usage only when /proc/vmallocinfo could be read, as hidumper does.
    out += "Total RAM by Category:\n";
    if (list.vmalloc_bytes)
        hidumper_ram_line(out, "Kernel Usage:",
                          hidumper_kb(m("KernelStack") + m("SUnreclaim") + m("PageTables") +
                                      m("Shmem") + *list.vmalloc_bytes / 1024));
    hidumper_ram_line(out, "Processes Usage:", hidumper_kb(pss + swap_pss));
    out += "\n";
    // GetPurgTotal: 0 unless all three purgeable lines are in meminfo.
    bool purg = list.has_meminfo("Active(purg)") && list.has_meminfo("Inactive(purg)") &&
                list.has_meminfo("Pined(purg)");
    out += "Total Purgeable:\n";
    hidumper_ram_line(out, "Total PurgSum:",
                      hidumper_kb(purg ? m("Active(purg)") + m("Inactive(purg)") : 0));
    hidumper_ram_line(out, "Total PurgPin:", hidumper_kb(purg ? m("Pined(purg)") : 0));
    return out;
}

// "Program", "User", "Cgroup": the key column's header.
std::string key_header(GroupBy by) {
    std::string name(group_by_name(by));
    name[0] = static_cast<char>(name[0] - 'a' + 'A');
    return name;
}

// --group-by: one row per group, the key last (a cgroup path is long), like ps_mem's Program.
void render_group_rows(std::string& out, const ProcessList& list, bool h) {
    auto it = std::back_inserter(out);
    constexpr std::string_view row = "{:>6} {:>12} {:>12} {:>12} {:>10} {:>11} {:>12} {:>12} {:>8} {:>6}  {}\n";
    fmt::format_to(it, fmt::runtime(row), "Procs", size_header("TotalPss", h), size_header("Rss", h),
                   size_header("Uss", h), size_header("Swap", h), size_header("SwapPss", h),
                   size_header("Native", h), size_header("JS", h), "Threads", "FDs",
                   key_header(*list.group_by));
    MemUsage total;
    uint64_t processes = 0, shared = 0;
    for (const ProcessGroup& g : list.groups) {
        fmt::format_to(it, fmt::runtime(row), g.processes, format_kb(g.total_pss(), h),
                       format_kb(g.usage.rss, h), format_kb(g.usage.uss(), h), format_kb(g.usage.swap, h),
                       format_kb(g.usage.swap_pss, h), optional_kb(g.native_pss, h),
                       optional_kb(g.js_pss, h), g.threads, optional_count(g.fds),
                       escape_for_terminal(g.key));
        total += g.usage;
        processes += g.processes;
        shared += g.shared_address_space;
    }
    fmt::format_to(it, fmt::runtime(row), processes, format_kb(total.pss + total.swap_pss, h), format_kb(total.rss, h),
                   format_kb(total.uss(), h), format_kb(total.swap, h), format_kb(total.swap_pss, h),
                   "", "", "", "", "Total");
    if (shared > 0)
        fmt::format_to(it,
                       "\n{} {} the address space of another process of {} group (CLONE_VM): "
                       "its memory is counted once\n",
                       shared, shared == 1 ? "process shares" : "processes share",
                       shared == 1 ? "its" : "their");
}

}  // namespace

std::string render_process_list_table(const ProcessList& list,
                                      const ProcessListRenderOptions& options) {
    const bool h = options.human;
    std::string out;
    auto it = std::back_inserter(out);
    if (list.group_by) {
        render_group_rows(out, list, h);
    } else if (rule_set(list.rules).hidumper_layout) {
        return render_hidumper_listing(list);
    } else {
    fmt::format_to(it, "{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11} {:>12} {:>12} {:>8} {:>6}\n",
                   "PID", "Name", size_header("TotalPss", h), size_header("Rss", h), size_header("Uss", h),
                   size_header("Swap", h), size_header("SwapPss", h), size_header("Native", h),
                   size_header("JS", h), "Threads", "FDs");
    MemUsage total;
    for (const ProcessRow& r : list.rows) {
        // Compiled: the format is not parsed again for each of a thousand rows.
        fmt::format_to(it, FMT_COMPILE("{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11} {:>12} {:>12} {:>8} {:>6}\n"),
                       r.pid, escape_for_terminal(r.name), format_kb(r.total_pss(), h), format_kb(r.usage.rss, h),
                       format_kb(r.usage.uss(), h), format_kb(r.usage.swap, h),
                       format_kb(r.usage.swap_pss, h), optional_kb(r.native_pss, h),
                       optional_kb(r.js_pss, h), r.threads, optional_count(r.fds));
        total += r.usage;
    }
    fmt::format_to(it, "{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11}\n", "", "Total",
                   format_kb(total.pss + total.swap_pss, h), format_kb(total.rss, h),
                   format_kb(total.uss(), h), format_kb(total.swap, h), format_kb(total.swap_pss, h));
    }
    if (list.category_totals) {
        // The rows over every listed process, Pss + SwapPss, largest first.
        std::array<uint64_t, kCategoryCount> rows{};
        for (std::size_t i = 0; i < kCategoryCount; ++i)
            rows[i] = list.category_totals->file[i] + list.category_totals->anon[i];
        const RuleSet& rules = rule_set(list.rules);
        out += "\nTotal Pss by Category (Pss + SwapPss):\n";
        for (auto [c, kb] : largest_rows(rows))
            fmt::format_to(it, "  {:>14} : {}\n", h ? format_kb(kb, true) : format_kb(kb, false) + " kB",
                           row_name(rules, c));
    }
    const SystemMemory& s = list.system;
    // A captured tree without meminfo: said, not printed as zeros.
    out += list.meminfo.empty() ? "\nSystem: no meminfo in the tree\n" : "\nSystem (/proc/meminfo):\n";
    auto line = [&](const char* name, uint64_t kb) {
        if (list.meminfo.empty()) return;
        fmt::format_to(it, "  {:<14}{:>14}\n", name, h ? format_kb(kb, true) : format_kb(kb, false) + " kB");
    };
    line("Total RAM:", s.total);
    line("Free RAM:", s.free);
    line("Available:", s.available);
    line("Used RAM:", s.total > s.available ? s.total - s.available : 0);
    line("Slab:", list.slab);
    line("Page tables:", list.page_tables);
    line("Shmem:", list.shmem);
    line("Kernel stack:", list.kernel_stack);
    if (list.group_by) {
        uint64_t processes = 0;
        for (const ProcessGroup& g : list.groups) processes += g.processes;
        fmt::format_to(it, "\n{} processes in {} {}{} listed", processes, list.groups.size(),
                       group_by_name(*list.group_by), list.groups.size() == 1 ? "" : "s");
    } else {
        fmt::format_to(it, "\n{} processes listed", list.rows.size());
    }
    if (list.kernel_threads > 0)
        fmt::format_to(it, ", {} kernel threads left out (--all lists them)", list.kernel_threads);
    if (!list.skipped.empty())
        fmt::format_to(it, "; {} could not be read: {}", list.skipped.size(), skipped_summary(list));
    out += "\n";
    return out;
}

std::string render_process_list_json(const ProcessList& list) {
    nlohmann::ordered_json procs = nlohmann::ordered_json::array();
    for (const ProcessGroup& g : list.groups) {
        nlohmann::ordered_json j = nlohmann::ordered_json::object();
        put_text(j, "group", g.key);
        if (g.uid) j["uid"] = *g.uid;
        j.update(nlohmann::ordered_json{{"processes", g.processes},
                                        {"shared_address_space", g.shared_address_space},
                                        {"pids", g.pids},
                                        {"pss", g.usage.pss},
                                        {"rss", g.usage.rss},
                                        {"uss", g.usage.uss()},
                                        {"swap", g.usage.swap},
                                        {"swap_pss", g.usage.swap_pss},
                                        {"threads", g.threads}});
        if (g.native_pss) j["native_heap"] = *g.native_pss;
        if (g.js_pss) j["js_heap"] = *g.js_pss;
        if (g.fds) j["fds"] = *g.fds;
        procs.push_back(std::move(j));
    }
    for (const ProcessRow& r : list.rows) {
        if (list.group_by) break;
        nlohmann::ordered_json p = {{"pid", r.pid}};
        put_text(p, "name", r.name);  // any bytes: json_text.h
        p.update(nlohmann::ordered_json{{"uid", r.uid},       {"pss", r.usage.pss},
                                    {"rss", r.usage.rss}, {"uss", r.usage.uss()},
                                    {"swap", r.usage.swap}, {"swap_pss", r.usage.swap_pss},
                                    {"threads", r.threads}});
        if (r.native_pss) p["native_heap"] = *r.native_pss;
        if (r.js_pss) p["js_heap"] = *r.js_pss;
        if (r.fds) p["fds"] = *r.fds;
        procs.push_back(std::move(p));
    }
    nlohmann::ordered_json skipped = nlohmann::ordered_json::array();
    for (const SkippedProcess& s : list.skipped)
        skipped.push_back({{"pid", s.pid}, {"reason", s.reason}, {"error", s.message}});
    const SystemMemory& s = list.system;
    nlohmann::ordered_json out = {
        {"unit", "kB"},
        {list.group_by ? "groups" : "processes", std::move(procs)},
        {"system",
         {{"total", s.total},
          {"free", s.free},
          {"available", s.available},
          {"used", s.total > s.available ? s.total - s.available : 0},
          {"slab", list.slab},
          {"page_tables", list.page_tables},
          {"shmem", list.shmem},
          {"kernel_stack", list.kernel_stack}}},
        {"kernel_threads_left_out", list.kernel_threads},
        {"skipped", std::move(skipped)},
    };
    if (list.group_by) {  // "group_by" first after the unit: what the groups are
        nlohmann::ordered_json head = {{"unit", "kB"}, {"group_by", group_by_name(*list.group_by)}};
        head.update(out);
        out = std::move(head);
    }
    if (list.meminfo.empty()) out["system"] = nullptr;  // a captured tree without meminfo
    if (list.category_totals) {
        // Pss + SwapPss of each row over the listed processes, file-backed and anonymous parts.
        nlohmann::ordered_json cats = nlohmann::ordered_json::object();
        for (std::size_t i = 0; i < kCategoryCount; ++i) {
            uint64_t file = list.category_totals->file[i], anon = list.category_totals->anon[i];
            if (file + anon == 0) continue;
            cats[std::string(category_table()[i].key)] = {
                {"total_pss", file + anon}, {"file_backed", file}, {"anonymous", anon}};
        }
        out["rules"] = rule_set(list.rules).name;
        out["total_pss_by_category"] = std::move(cats);
    }
    return dump_json(out, 2) + "\n";
}

std::string render_process_list_csv(const ProcessList& list) {
    std::string out;
    auto opt = [](const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : ""; };
    if (list.group_by) {
        append_csv_row(out, {std::string(group_by_name(*list.group_by)), "processes",
                             "shared_address_space", "pss_kb", "rss_kb", "uss_kb", "swap_kb",
                             "swap_pss_kb", "native_heap_kb", "js_heap_kb", "threads", "fds"});
        for (const ProcessGroup& g : list.groups)
            append_csv_row(out, {g.key, std::to_string(g.processes),
                                 std::to_string(g.shared_address_space), std::to_string(g.usage.pss),
                                 std::to_string(g.usage.rss), std::to_string(g.usage.uss()),
                                 std::to_string(g.usage.swap), std::to_string(g.usage.swap_pss),
                                 opt(g.native_pss), opt(g.js_pss), std::to_string(g.threads),
                                 opt(g.fds)});
        return out;
    }
    append_csv_row(out, {"pid", "name", "uid", "pss_kb", "rss_kb", "uss_kb", "swap_kb",
                         "swap_pss_kb", "native_heap_kb", "js_heap_kb", "threads", "fds"});
    for (const ProcessRow& r : list.rows) {
        append_csv_row(out, {std::to_string(r.pid), r.name, std::to_string(r.uid),
                             std::to_string(r.usage.pss), std::to_string(r.usage.rss),
                             std::to_string(r.usage.uss()), std::to_string(r.usage.swap),
                             std::to_string(r.usage.swap_pss), opt(r.native_pss), opt(r.js_pss),
                             std::to_string(r.threads), opt(r.fds)});
    }
    return out;
}

namespace {

// memsnap_process_group_*{group_by, group}: the groups' families, in place of the processes'.
void add_process_group_metrics(PromWriter& w, const ProcessList& list) {
    const std::string by(group_by_name(*list.group_by));
    for (const ProcessGroup& g : list.groups) {
        PromLabels labels = {{"group_by", by}, {"group", g.key}};
        // A label value is UTF-8, so two keys that differ in bytes that are not would be one
        // series twice (a scrape Prometheus refuses): such a key's exact bytes are a label too.
        if (!is_utf8(g.key)) labels.emplace_back("group_hex", to_hex(g.key));
        auto bytes = [&](std::string_view name, std::string_view help, uint64_t kb) {
            w.gauge(name, help, labels, kb * 1024);
        };
        w.gauge("memsnap_process_group_processes",
                "Processes in the group (--group-by: program, user or cgroup).", labels, g.processes);
        w.gauge("memsnap_process_group_shared_address_space_processes",
                "Processes of the group sharing another member's address space, not counted "
                "again in its sizes.", labels, g.shared_address_space);
        bytes("memsnap_process_group_pss_bytes", "Pss of the group's processes, each address space once.",
              g.usage.pss);
        bytes("memsnap_process_group_pss_with_swap_bytes",
              "hidumper's Total Pss (Pss plus SwapPss) of the group's processes.", g.total_pss());
        bytes("memsnap_process_group_rss_bytes", "Rss summed over the group's processes.", g.usage.rss);
        bytes("memsnap_process_group_uss_bytes", "Uss (Private_Clean + Private_Dirty) of the group.",
              g.usage.uss());
        bytes("memsnap_process_group_swap_bytes", "Swap of the group's processes.", g.usage.swap);
        bytes("memsnap_process_group_swap_pss_bytes", "SwapPss of the group's processes.", g.usage.swap_pss);
        if (g.native_pss)
            bytes("memsnap_process_group_native_heap_pss_bytes", "Pss of native heap rows of the group.",
                  *g.native_pss);
        if (g.js_pss)
            bytes("memsnap_process_group_js_heap_pss_bytes", "Pss of JS heap rows of the group.", *g.js_pss);
        w.gauge("memsnap_process_group_threads", "Threads of the group's processes.", labels, g.threads);
        if (g.fds)
            w.gauge("memsnap_process_group_open_fds", "Open file descriptors of the group's processes.",
                    labels, *g.fds);
    }
}

}  // namespace

void add_process_list_metrics(PromWriter& w, const ProcessList& list) {
    if (list.group_by) return add_process_group_metrics(w, list);
    for (const ProcessRow& r : list.rows) {
        PromLabels labels = {{"pid", std::to_string(r.pid)}, {"name", r.name}};
        add_process_usage_metrics(w, labels, r.usage);
        if (r.native_pss)
            w.gauge("memsnap_process_native_heap_pss_bytes", "Pss of native heap rows.", labels,
                    *r.native_pss * 1024);
        if (r.js_pss)
            w.gauge("memsnap_process_js_heap_pss_bytes", "Pss of JS heap rows.", labels,
                    *r.js_pss * 1024);
        w.gauge("memsnap_process_threads", "Threads of the process (Threads in /proc/PID/status).",
                labels, r.threads);
        if (r.fds)
            w.gauge("memsnap_process_open_fds", "Open file descriptors of the process.", labels,
                    *r.fds);
    }
}

std::string render_process_list_prom(const ProcessList& list) {
    PromWriter w;
    add_process_list_metrics(w, list);
    if (!list.meminfo.empty()) add_system_metrics(w, list.system);  // a tree without meminfo
    return w.render();
}

}  // namespace memsnap
