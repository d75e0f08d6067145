#pragma once
// Leak verdicts as resource-leak events with the fields of HarmonyOS HiAppEvent's
// RESOURCE_OVERLIMIT params (DESIGN.md section 6), one JSON object per verdict.
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// resource_type of a flagged group: native, anon, file, shared, total -> pss_memory, js -> js_heap, graphics ->
// gpu_memory (or ion_memory when dmabuf grew more than GPU memory), fd -> fd, thread -> thread.
std::string_view event_resource_type(const GroupGrowth& growth, const Snapshot& before,
                                     const Snapshot& after);

// The event for one flagged group, describing the process at `after`, with the params of
// RESOURCE_OVERLIMIT in their documented order: time, bundle_version (null: an app's version
// is the bundle manager's, not in /proc), bundle_name (the process name), pid, uid,
// resource_type, then only the object that resource_type documents: memory{rss, vss, pss, ion,
// gpu, sys_free_mem, sys_avail_mem, sys_total_mem} (kB) for pss_memory, ion_memory and
// gpu_memory; memory{limit_size, live_object_size} for js_heap, both null (the VM's heap limit
// and live objects are known only inside the VM); fd{num, top_fd_type, top_fd_num} for fd;
// thread{num} for thread. Then external_log (`external_log`: the files the verdict was made
// from), log_over_limit (false: memsnap writes no log into a size-capped directory) and
// memsnap's own `verdict` headline.
nlohmann::ordered_json leak_event(const GroupGrowth& growth, const Verdicts& verdicts,
                                  const Snapshot& before, const Snapshot& after,
                                  const std::vector<std::string>& external_log = {});

}  // namespace memsnap
