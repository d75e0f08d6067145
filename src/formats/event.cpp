#include "formats/event.h"

#include "diff/snapshot_diff.h"
#include "formats/diff_render.h"

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
                                  const Snapshot& before, const Snapshot& after) {
    MemUsage total = after.total();
    return nlohmann::ordered_json{
        {"time", after.time_ms},
        {"pid", after.pid},
        {"uid", after.uid},
        {"bundle_name", after.name},
        {"resource_type", event_resource_type(growth, before, after)},
        {"memory",
         {{"rss", after.status.vm_rss},
          {"vss", after.status.vm_size},
          {"pss", total.pss + total.swap_pss},
          {"ion", after.dma.total},
          {"gpu", after.gpu.total + after.gpu.mapped},
          {"sys_free_mem", after.system.free},
          {"sys_avail_mem", after.system.available},
          {"sys_total_mem", after.system.total}}},
        {"fd",
         {{"num", after.fd.num},
          {"top_fd_type", after.fd.top_fd_type},
          {"top_fd_num", after.fd.top_fd_num}}},
        {"thread", {{"num", thread_count(after)}}},
        {"verdict", verdict_headline(growth, verdicts)},
    };
}

}  // namespace memsnap
