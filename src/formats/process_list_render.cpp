#include "formats/process_list_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "formats/csv.h"
#include "formats/json_text.h"
#include "formats/prom.h"
#include "formats/table.h"

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

}  // namespace

std::string render_process_list_table(const ProcessList& list,
                                      const ProcessListRenderOptions& options) {
    const bool h = options.human;
    std::string out;
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11} {:>12} {:>12} {:>8} {:>6}\n",
                   "PID", "Name", size_header("Pss", h), size_header("Rss", h), size_header("Uss", h),
                   size_header("Swap", h), size_header("SwapPss", h), size_header("Native", h),
                   size_header("JS", h), "Threads", "FDs");
    MemUsage total;
    for (const ProcessRow& r : list.rows) {
        fmt::format_to(it, "{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11} {:>12} {:>12} {:>8} {:>6}\n",
                       r.pid, r.name, format_kb(r.usage.pss, h), format_kb(r.usage.rss, h),
                       format_kb(r.usage.uss(), h), format_kb(r.usage.swap, h),
                       format_kb(r.usage.swap_pss, h), optional_kb(r.native_pss, h),
                       optional_kb(r.js_pss, h), r.threads, optional_count(r.fds));
        total += r.usage;
    }
    fmt::format_to(it, "{:>8} {:<20} {:>12} {:>12} {:>12} {:>10} {:>11}\n", "", "Total",
                   format_kb(total.pss, h), format_kb(total.rss, h), format_kb(total.uss(), h),
                   format_kb(total.swap, h), format_kb(total.swap_pss, h));
    const SystemMemory& s = list.system;
    out += "\nSystem (/proc/meminfo):\n";
    auto line = [&](const char* name, uint64_t kb) {
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
    fmt::format_to(it, "\n{} processes listed", list.rows.size());
    if (list.kernel_threads > 0)
        fmt::format_to(it, ", {} kernel threads left out (--all lists them)", list.kernel_threads);
    if (!list.skipped.empty())
        fmt::format_to(it, "; {} could not be read: {}", list.skipped.size(), skipped_summary(list));
    out += "\n";
    return out;
}

std::string render_process_list_json(const ProcessList& list) {
    nlohmann::ordered_json procs = nlohmann::ordered_json::array();
    for (const ProcessRow& r : list.rows) {
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
        {"processes", std::move(procs)},
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
    return dump_json(out, 2) + "\n";
}

std::string render_process_list_csv(const ProcessList& list) {
    std::string out;
    append_csv_row(out, {"pid", "name", "uid", "pss_kb", "rss_kb", "uss_kb", "swap_kb",
                         "swap_pss_kb", "native_heap_kb", "js_heap_kb", "threads", "fds"});
    auto opt = [](const std::optional<uint64_t>& v) { return v ? std::to_string(*v) : ""; };
    for (const ProcessRow& r : list.rows) {
        append_csv_row(out, {std::to_string(r.pid), r.name, std::to_string(r.uid),
                             std::to_string(r.usage.pss), std::to_string(r.usage.rss),
                             std::to_string(r.usage.uss()), std::to_string(r.usage.swap),
                             std::to_string(r.usage.swap_pss), opt(r.native_pss), opt(r.js_pss),
                             std::to_string(r.threads), opt(r.fds)});
    }
    return out;
}

std::string render_process_list_prom(const ProcessList& list) {
    PromWriter w;
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
    add_system_metrics(w, list.system);
    return w.render();
}

}  // namespace memsnap
