#pragma once
// Leak verdicts as resource-leak events with the fields of HarmonyOS HiAppEvent's
// RESOURCE_OVERLIMIT params (DESIGN.md section 6), one JSON object per verdict.
#include <nlohmann/json.hpp>
#include <string_view>

#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// resource_type of a flagged group: native, anon, file, shared, total -> pss_memory, js -> js_heap, graphics ->
// gpu_memory (or ion_memory when dmabuf grew more than GPU memory), fd -> fd, thread -> thread.
std::string_view event_resource_type(const GroupGrowth& growth, const Snapshot& before,
                                     const Snapshot& after);

// The event for one flagged group, describing the process at `after`: time, pid, uid,
// bundle_name (the process name), resource_type, memory{rss, vss, pss, ion, gpu, sys_free_mem,
// sys_avail_mem, sys_total_mem} in kB, fd{num, top_fd_type, top_fd_num}, thread{num}, and
// memsnap's own `verdict` headline.
nlohmann::ordered_json leak_event(const GroupGrowth& growth, const Verdicts& verdicts,
                                  const Snapshot& before, const Snapshot& after);

}  // namespace memsnap
