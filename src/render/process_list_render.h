#pragma once
// Renders the all-process overview (memsnap --mem with no PID) as a table, JSON, CSV or
// Prometheus text.
#include <string>

#include "formats/prom.h"
#include "model/process_list.h"

namespace memsnap {

struct ProcessListRenderOptions {
    bool human = false;  // table sizes as KiB/MiB/GiB
};

// The table: one row per process (in the list's order), or per group when the list has
// group_by (then the key is the last column), a total row, the system block from
// /proc/meminfo, and a line counting the processes that were skipped, by reason.
std::string render_process_list_table(const ProcessList& list,
                                      const ProcessListRenderOptions& options = {});
// One JSON object: {"unit":"kB","processes":[...],"system":{...},"skipped":[...]}; grouped:
// {"unit":"kB","group_by":"program","groups":[{"group","processes","pids",...}],...}.
std::string render_process_list_json(const ProcessList& list);
// One header row, then one row per process (or group, its key first); columns absent from the
// list are empty.
std::string render_process_list_csv(const ProcessList& list);
// memsnap_process_*_bytes{pid,name} gauges (grouped: memsnap_process_group_*{group_by,group})
// and the system gauges.
std::string render_process_list_prom(const ProcessList& list);
// The per-process part of that (no system gauges), added to `out` (memsnap serve).
void add_process_list_metrics(PromWriter& out, const ProcessList& list);

}  // namespace memsnap
