#include "render/event.h"

#include "diff/snapshot_diff.h"
#include "render/diff_render.h"

namespace memsnap {

std::string_view event_resource_type(const GroupGrowth& growth, const Snapshot& before,
                                     const Snapshot& after) {
    switch (growth.group) {
        case Group::Native:
        case Group::Anon:
        case Group::File:
        case Group::Shared:
        case Group::Total:
            return "pss_memory";
        case Group::Js:
            return "js_heap";
        case Group::Graphics: {
            auto grew = [](uint64_t a, uint64_t b) { return b > a ? b - a : 0; };
            uint64_t dma = grew(before.dma.total, after.dma.total);
            uint64_t gpu = grew(before.gpu.total + before.gpu.mapped, after.gpu.total + after.gpu.mapped);
            return dma > gpu ? "ion_memory" : "gpu_memory";
        }
        case Group::Fd:
            return "fd";
        case Group::Thread:
            return "thread";
    }
    return "pss_memory";
}

nlohmann::ordered_json leak_event(const GroupGrowth& growth, const Verdicts& verdicts,
                                  const Snapshot& before, const Snapshot& after,
                                  const std::vector<std::string>& external_log) {
    using oj = nlohmann::ordered_json;
    const std::string_view type = event_resource_type(growth, before, after);
    oj e{
        {"time", after.time_ms},
        {"bundle_version", nullptr},
        {"bundle_name", after.name},
        {"pid", after.pid},
        {"uid", after.uid},
        {"resource_type", type},
    };
    if (type == "pss_memory" || type == "ion_memory" || type == "gpu_memory") {
        MemUsage total = after.total();
        e["memory"] = {{"rss", after.status.vm_rss},
                       {"vss", after.status.vm_size},
                       {"pss", total.pss + total.swap_pss},
                       {"ion", after.dma.total},
                       {"gpu", after.gpu.total + after.gpu.mapped},
                       {"sys_free_mem", after.system.free},
                       {"sys_avail_mem", after.system.available},
                       {"sys_total_mem", after.system.total}};
    } else if (type == "js_heap") {
        e["memory"] = {{"limit_size", nullptr}, {"live_object_size", nullptr}};
    } else if (type == "fd") {
        e["fd"] = {{"num", after.fd.num},
                   {"top_fd_type", after.fd.top_fd_type},
                   {"top_fd_num", after.fd.top_fd_num}};
    } else if (type == "thread") {
        e["thread"] = {{"num", thread_count(after)}};
    }
    e["external_log"] = external_log;
    e["log_over_limit"] = false;
    e["verdict"] = verdict_headline(growth, verdicts);
    return e;
}

}  // namespace memsnap
