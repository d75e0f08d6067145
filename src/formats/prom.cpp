#include "formats/prom.h"

#include <fmt/format.h>

#include <algorithm>

#include "diff/groups.h"

namespace memsnap {
namespace {

constexpr uint64_t kKiB = 1024;

// Length of the valid UTF-8 sequence at s[i], 0 when it is not one.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i) {
    auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    unsigned char c = byte(i);
    if (c < 0x80) return 1;
    std::size_t len;
    uint32_t cp;
    if ((c & 0xE0) == 0xC0) {
        len = 2;
        cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
        len = 3;
        cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
        len = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size()) return 0;
    for (std::size_t k = 1; k < len; ++k) {
        if ((byte(i + k) & 0xC0) != 0x80) return 0;
        cp = (cp << 6) | (byte(i + k) & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return len;
}

std::string render_labels(const PromLabels& labels) {
    if (labels.empty()) return "";
    std::string out = "{";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (i) out += ',';
        out += labels[i].first;
        out += "=\"";
        out += prom_escape_label_value(labels[i].second);
        out += '"';
    }
    out += '}';
    return out;
}

struct CounterMetric {
    const char* name;
    const char* help;
    uint64_t MemUsage::*field;
};

constexpr CounterMetric kCategoryMetrics[] = {
    {"memsnap_category_pss_bytes", "Proportional set size (smaps Pss) of the category's mappings.",
     &MemUsage::pss},
    {"memsnap_category_rss_bytes", "Resident set size (smaps Rss) of the category's mappings.",
     &MemUsage::rss},
    {"memsnap_category_size_bytes", "Virtual size (smaps Size) of the category's mappings.",
     &MemUsage::size},
    {"memsnap_category_shared_clean_bytes", "smaps Shared_Clean of the category's mappings.",
     &MemUsage::shared_clean},
    {"memsnap_category_shared_dirty_bytes", "smaps Shared_Dirty of the category's mappings.",
     &MemUsage::shared_dirty},
    {"memsnap_category_private_clean_bytes", "smaps Private_Clean of the category's mappings.",
     &MemUsage::private_clean},
    {"memsnap_category_private_dirty_bytes", "smaps Private_Dirty of the category's mappings.",
     &MemUsage::private_dirty},
    {"memsnap_category_swap_bytes", "Swapped-out memory (smaps Swap) of the category's mappings.",
     &MemUsage::swap},
    {"memsnap_category_swap_pss_bytes", "Proportional swap (smaps SwapPss) of the category's mappings.",
     &MemUsage::swap_pss},
};

struct StatusMetric {
    const char* name;
    const char* help;
    uint64_t ProcessStatus::*field;
};

constexpr StatusMetric kStatusMetrics[] = {
    {"memsnap_process_vm_peak_bytes", "Peak virtual size (VmPeak in /proc/PID/status).",
     &ProcessStatus::vm_peak},
    {"memsnap_process_vm_size_bytes", "Virtual size (VmSize in /proc/PID/status).",
     &ProcessStatus::vm_size},
    {"memsnap_process_vm_hwm_bytes", "Peak resident set size (VmHWM in /proc/PID/status).",
     &ProcessStatus::vm_hwm},
    {"memsnap_process_vm_rss_bytes", "Resident set size (VmRSS in /proc/PID/status).",
     &ProcessStatus::vm_rss},
    {"memsnap_process_rss_anon_bytes", "Resident anonymous memory (RssAnon in /proc/PID/status).",
     &ProcessStatus::rss_anon},
    {"memsnap_process_rss_file_bytes", "Resident file mappings (RssFile in /proc/PID/status).",
     &ProcessStatus::rss_file},
    {"memsnap_process_rss_shmem_bytes", "Resident shared memory (RssShmem in /proc/PID/status).",
     &ProcessStatus::rss_shmem},
    {"memsnap_process_vm_swap_bytes", "Swapped-out anonymous memory (VmSwap in /proc/PID/status).",
     &ProcessStatus::vm_swap},
};

}  // namespace

std::string prom_escape_label_value(std::string_view value) {
    std::string out;
    out.reserve(value.size());
    for (std::size_t i = 0; i < value.size();) {
        char c = value[i];
        if (c == '\\') {
            out += "\\\\";
        } else if (c == '"') {
            out += "\\\"";
        } else if (c == '\n') {
            out += "\\n";
        } else {
            std::size_t len = utf8_sequence_length(value, i);
            if (len == 0) {
                out += "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER
                ++i;
                continue;
            }
            out.append(value.substr(i, len));
            i += len;
            continue;
        }
        ++i;
    }
    return out;
}

PromWriter::Family& PromWriter::family(std::string_view name, std::string_view help,
                                       const char* type) {
    auto it = std::find_if(families_.begin(), families_.end(),
                           [&](const Family& f) { return f.name == name; });
    if (it != families_.end()) return *it;
    families_.push_back(Family{std::string(name), std::string(help), type, {}});
    return families_.back();
}

void PromWriter::gauge(std::string_view name, std::string_view help, const PromLabels& labels,
                       uint64_t value) {
    family(name, help, "gauge").samples.push_back(fmt::format("{}{} {}", name, render_labels(labels), value));
}

void PromWriter::gauge_seconds(std::string_view name, std::string_view help,
                               const PromLabels& labels, double value) {
    // Shortest form that reads back as the same double ("0.0123", "1764636000.5").
    family(name, help, "gauge").samples.push_back(fmt::format("{}{} {}", name, render_labels(labels), value));
}

void PromWriter::counter(std::string_view name, std::string_view help, const PromLabels& labels,
                         uint64_t value) {
    family(name, help, "counter").samples.push_back(fmt::format("{}{} {}", name, render_labels(labels), value));
}

std::string PromWriter::render() const {
    std::string out;
    for (const Family& f : families_) {
        // HELP text escapes only backslash and newline.
        std::string help;
        for (char c : f.help) {
            if (c == '\\')
                help += "\\\\";
            else if (c == '\n')
                help += "\\n";
            else
                help += c;
        }
        fmt::format_to(std::back_inserter(out), "# HELP {} {}\n# TYPE {} {}\n", f.name, help,
                       f.name, f.type);
        for (const std::string& s : f.samples) {
            out += s;
            out += '\n';
        }
    }
    return out;
}

void add_process_usage_metrics(PromWriter& out, const PromLabels& labels, const MemUsage& total) {
    out.gauge("memsnap_process_pss_bytes", "Proportional set size (smaps Pss) of the process.",
              labels, total.pss * kKiB);
    out.gauge("memsnap_process_pss_with_swap_bytes",
              "hidumper's Total Pss: Pss plus SwapPss of the process.", labels,
              (total.pss + total.swap_pss) * kKiB);
    out.gauge("memsnap_process_rss_bytes", "Resident set size (smaps Rss) of the process.", labels,
              total.rss * kKiB);
    out.gauge("memsnap_process_uss_bytes", "Unique set size (Private_Clean + Private_Dirty).",
              labels, total.uss() * kKiB);
    out.gauge("memsnap_process_swap_bytes", "Swapped-out memory (smaps Swap) of the process.",
              labels, total.swap * kKiB);
    out.gauge("memsnap_process_swap_pss_bytes", "Proportional swap (smaps SwapPss) of the process.",
              labels, total.swap_pss * kKiB);
}

void add_snapshot_metrics(PromWriter& out, const Snapshot& snap) {
    const std::string pid = fmt::format("{}", snap.pid);
    for (const CounterMetric& m : kCategoryMetrics) {
        for (const CategoryInfo& info : category_table()) {
            out.gauge(m.name, m.help,
                      {{"pid", pid}, {"name", snap.name}, {"category", std::string(info.key)}},
                      snap.categories[info.category].*m.field * kKiB);
        }
    }
    PromLabels proc{{"pid", pid}, {"name", snap.name}};
    MemUsage total = snap.total();
    add_process_usage_metrics(out, proc, total);
    for (const StatusMetric& m : kStatusMetrics)
        out.gauge(m.name, m.help, proc, snap.status.*m.field * kKiB);
    out.gauge("memsnap_process_threads", "Threads of the process (Threads in /proc/PID/status).",
              proc, snap.status.threads);
    if (snap.fd.num > 0) {
        out.gauge("memsnap_process_open_fds", "Open file descriptors of the process.", proc,
                  snap.fd.num);
        for (const auto& [type, n] : snap.fd.by_type) {
            PromLabels l = proc;
            l.emplace_back("type", type);
            out.gauge("memsnap_process_open_fds_by_type",
                      "Open file descriptors of the process, by type.", l, n);
        }
    }
    out.gauge("memsnap_process_dma_bytes", "dmabuf buffers the process holds, each buffer once.",
              proc, snap.dma.total * kKiB);
    out.gauge("memsnap_process_gpu_bytes",
              "GPU memory of the process's DRM clients (fdinfo drm-total-*).", proc,
              snap.gpu.total * kKiB);
}

void add_group_metrics(PromWriter& out, const Snapshot& snap, bool anon_is_js) {
    const std::array<uint64_t, kGroupCount> values = group_values(snap, anon_is_js);
    const std::string pid = fmt::format("{}", snap.pid);
    for (std::size_t i = 0; i < kGroupCount; ++i) {
        const Group g = static_cast<Group>(i);
        if (!group_has_categories(g)) continue;  // total, fd and thread have their own families
        out.gauge("memsnap_group_pss_with_swap_bytes",
                  "Pss plus SwapPss of the categories of a verdict group (memsnap diff's groups).",
                  {{"pid", pid}, {"name", snap.name}, {"group", std::string(group_key(g))}},
                  values[i] * kKiB);
    }
}

void add_system_metrics(PromWriter& out, const SystemMemory& system) {
    out.gauge("memsnap_system_memory_total_bytes", "MemTotal in /proc/meminfo.", {},
              system.total * kKiB);
    out.gauge("memsnap_system_memory_free_bytes", "MemFree in /proc/meminfo.", {},
              system.free * kKiB);
    out.gauge("memsnap_system_memory_available_bytes", "MemAvailable in /proc/meminfo.", {},
              system.available * kKiB);
}

const std::vector<std::string>& skip_reasons() {
    static const std::vector<std::string> reasons = {"gone", "permission denied", "zombie",
                                                     "malformed", "error"};
    return reasons;
}

void add_exporter_metrics(PromWriter& out, const ExporterStats& stats) {
    out.gauge("memsnap_build_info", "memsnap's version; the value is always 1.",
              {{"version", stats.version}}, 1);
    out.counter("memsnap_samples_total", "Samples of the selected processes finished since start.",
                {}, stats.samples);
    out.counter("memsnap_sample_errors_total",
                "Samples that failed as a whole (the proc root could not be listed).", {},
                stats.failed_samples);
    out.gauge_seconds("memsnap_last_sample_duration_seconds",
                      "Time the last sample took to read the processes' files.", {},
                      stats.sample_seconds);
    out.gauge_seconds("memsnap_last_sample_timestamp_seconds",
                      "When the last sample finished, in Unix seconds.", {}, stats.sample_time);
    out.gauge("memsnap_processes", "Processes read in the last sample.", {}, stats.processes);
    for (const auto& [reason, n] : stats.skipped) {
        std::string label = reason;
        std::replace(label.begin(), label.end(), ' ', '_');
        out.gauge("memsnap_skipped_processes",
                  "Processes the last sample could not read, by reason.", {{"reason", label}}, n);
    }
}

std::string snapshots_to_prometheus(const std::vector<Snapshot>& snaps) {
    PromWriter out;
    for (const Snapshot& s : snaps) add_snapshot_metrics(out, s);
    if (!snaps.empty()) add_system_metrics(out, snaps.back().system);
    return out.render();
}

}  // namespace memsnap
