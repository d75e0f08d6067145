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
    std::string render() const;

  private:
    struct Family {
        std::string name;
        std::string help;
        std::vector<std::string> samples;  // "name{labels} value", rendered
    };
    std::vector<Family> families_;
};

// Adds the metrics of one process snapshot, labelled {pid, name}: per category (label
// `category`, the JSON key) memsnap_pss_bytes, memsnap_rss_bytes, memsnap_size_bytes,
// memsnap_shared_clean_bytes, memsnap_shared_dirty_bytes, memsnap_private_clean_bytes,
// memsnap_private_dirty_bytes, memsnap_swap_bytes, memsnap_swap_pss_bytes; then
// memsnap_pss_total_bytes (hidumper's Total Pss: Pss + SwapPss), the /proc/PID/status sizes
// (memsnap_vm_rss_bytes, ...), memsnap_threads, memsnap_open_fds{type} (when known),
// memsnap_dma_bytes and memsnap_gpu_bytes.
void add_snapshot_metrics(PromWriter& out, const Snapshot& snap);

// Adds memsnap_system_memory_{total,free,available}_bytes from /proc/meminfo (no labels).
void add_system_metrics(PromWriter& out, const SystemMemory& system);

// The whole exposition for `snaps`: every process's metrics, then the system's (from the last
// snapshot) when `snaps` is not empty.
std::string snapshots_to_prometheus(const std::vector<Snapshot>& snaps);

}  // namespace memsnap
