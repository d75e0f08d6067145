#pragma once
// Prometheus text exposition format (version 0.0.4), as node_exporter's textfile collector and
// Pushgateway read it: every value in base units (bytes, not kB), every metric a gauge.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "model/snapshot.h"

namespace memsnap {

// A label value escaped for the text format: backslash, double quote and newline become \\, \"
// and \n; bytes that are not valid UTF-8 become U+FFFD (the format requires UTF-8).
std::string prom_escape_label_value(std::string_view value);

using PromLabels = std::vector<std::pair<std::string_view, std::string>>;  // name, raw value

// Collects samples by metric family and renders them with each family's "# HELP" and "# TYPE"
// lines once, its samples together, families in the order first added. Names must follow
// Prometheus conventions ([a-zA-Z_:][a-zA-Z0-9_:]*); they are constants in memsnap, not input.
class PromWriter {
  public:
    // Adds one gauge sample of family `name` (created with `help` on first use).
    void gauge(std::string_view name, std::string_view help, const PromLabels& labels,
               uint64_t value);
    // A gauge whose value is not a whole number (seconds), printed with up to 9 decimals.
    void gauge_seconds(std::string_view name, std::string_view help, const PromLabels& labels,
                       double value);
    // A counter sample (TYPE counter); `name` ends in _total, as the conventions ask.
    void counter(std::string_view name, std::string_view help, const PromLabels& labels,
                 uint64_t value);
    std::string render() const;

  private:
    struct Family {
        std::string name;
        std::string help;
        const char* type;                  // "gauge" or "counter"
        std::vector<std::string> samples;  // "name{labels} value", rendered
    };
    Family& family(std::string_view name, std::string_view help, const char* type);
    std::vector<Family> families_;
};

// One naming scheme for every output (listing and per-PID, man page section PROMETHEUS METRICS):
// memsnap_process_* per process {pid, name}, memsnap_category_* per process and category
// {pid, name, category}, memsnap_system_* for the machine; sizes in bytes (suffix _bytes).

// Adds the per-process size families both outputs share, from `total` (kB): memsnap_process_pss_bytes,
// _pss_with_swap_bytes (hidumper's Total Pss), _rss_bytes, _uss_bytes, _swap_bytes, _swap_pss_bytes.
void add_process_usage_metrics(PromWriter& out, const PromLabels& labels, const MemUsage& total);

// Adds the metrics of one process snapshot, labelled {pid, name}: per category (label
// `category`, the JSON key) memsnap_category_{pss,rss,size,shared_clean,shared_dirty,
// private_clean,private_dirty,swap,swap_pss}_bytes; add_process_usage_metrics; the
// /proc/PID/status sizes memsnap_process_{vm_peak,vm_size,vm_hwm,vm_rss,rss_anon,rss_file,
// rss_shmem,vm_swap}_bytes; memsnap_process_threads; memsnap_process_open_fds and
// memsnap_process_open_fds_by_type{type} (when descriptors were read);
// memsnap_process_dma_bytes and memsnap_process_gpu_bytes.
void add_snapshot_metrics(PromWriter& out, const Snapshot& snap);

// Adds memsnap_group_pss_with_swap_bytes{pid, name, group}: Pss + SwapPss of each memory
// verdict group (native, js, graphics, anon, file, shared; diff/groups.h), what the leak
// verdicts and contrib/prometheus/memsnap-rules.yml measure. `anon_is_js` as group_values().
void add_group_metrics(PromWriter& out, const Snapshot& snap, bool anon_is_js);

// Adds memsnap_system_memory_{total,free,available}_bytes from /proc/meminfo (no labels).
void add_system_metrics(PromWriter& out, const SystemMemory& system);

// What an exporter (memsnap serve) says about its own work, as exporters do.
struct ExporterStats {
    std::string version;          // memsnap_build_info{version}
    uint64_t samples = 0;         // samples finished since start: memsnap_samples_total
    uint64_t failed_samples = 0;  // samples that could not list the proc root at all
    double sample_seconds = 0;    // how long the last sample took to read
    double sample_time = 0;       // when it finished, Unix seconds
    uint64_t processes = 0;       // processes in the last sample
    // Processes the last sample skipped, by reason ("gone", "permission denied", ...; spaces
    // become '_' in the label); every reason of skip_reasons() is present, 0 when none.
    std::vector<std::pair<std::string, uint64_t>> skipped;
};

// The reasons a process is skipped, in the order the exporter lists them: the listing's
// (procfs/process_list.h) and those of model/error.h's kinds.
const std::vector<std::string>& skip_reasons();

// Adds memsnap_build_info{version} 1, memsnap_samples_total, memsnap_sample_errors_total,
// memsnap_last_sample_duration_seconds, memsnap_last_sample_timestamp_seconds,
// memsnap_processes and memsnap_skipped_processes{reason}.
void add_exporter_metrics(PromWriter& out, const ExporterStats& stats);

// The whole exposition for `snaps`: every process's metrics, then the system's (from the last
// snapshot) when `snaps` is not empty.
std::string snapshots_to_prometheus(const std::vector<Snapshot>& snaps);

}  // namespace memsnap
