#include "formats/snapshot_json.h"

namespace memsnap {

nlohmann::ordered_json usage_to_json(const MemUsage& u) {
    return nlohmann::ordered_json{{"pss", u.pss},
                          {"rss", u.rss},
                          {"size", u.size},
                          {"shared_clean", u.shared_clean},
                          {"shared_dirty", u.shared_dirty},
                          {"private_clean", u.private_clean},
                          {"private_dirty", u.private_dirty},
                          {"swap", u.swap},
                          {"swap_pss", u.swap_pss}};
}

nlohmann::ordered_json snapshot_to_json(const Snapshot& snap) {
    nlohmann::ordered_json categories = nlohmann::ordered_json::object();
    for (const CategoryInfo& info : category_table())
        categories[std::string(info.key)] = usage_to_json(snap.categories[info.category]);
    nlohmann::ordered_json native = nlohmann::ordered_json::array();
    for (const NativeHeapRow& row : snap.native_heap) {
        nlohmann::ordered_json r = usage_to_json(row.usage);
        r["name"] = row.name;
        native.push_back(std::move(r));
    }
    MemUsage total = snap.total();
    nlohmann::ordered_json total_json = usage_to_json(total);
    total_json["pss_total"] = total.pss + total.swap_pss;  // hidumper's Total "Pss Total"
    const ProcessStatus& st = snap.status;
    return nlohmann::ordered_json{
        {"schema", kSnapshotSchema},
        {"unit", "kB"},
        {"time_ms", snap.time_ms},
        {"pid", snap.pid},
        {"starttime", snap.starttime},
        {"name", snap.name},
        {"uid", snap.uid},
        {"categories", std::move(categories)},
        {"native_heap", std::move(native)},
        {"total", std::move(total_json)},
        {"status",
         {{"name", st.name},
          {"pid", st.pid},
          {"uid", st.uid},
          {"vm_peak", st.vm_peak},
          {"vm_size", st.vm_size},
          {"vm_hwm", st.vm_hwm},
          {"vm_rss", st.vm_rss},
          {"rss_anon", st.rss_anon},
          {"rss_file", st.rss_file},
          {"rss_shmem", st.rss_shmem},
          {"vm_swap", st.vm_swap},
          {"threads", st.threads}}},
        {"fd",
         {{"num", snap.fd.num},
          {"by_type", snap.fd.by_type},
          {"top_fd_type", snap.fd.top_fd_type},
          {"top_fd_num", snap.fd.top_fd_num}}},
        {"thread", {{"num", snap.thread.num}, {"by_name", snap.thread.by_name}}},
        {"dma",
         {{"total", snap.dma.total},
          {"mapped", snap.dma.mapped},
          {"unmapped", snap.dma.unmapped},
          {"by_exporter", snap.dma.by_exporter}}},
        {"gpu", {{"total", snap.gpu.total}, {"resident", snap.gpu.resident}, {"mapped", snap.gpu.mapped}}},
        {"system",
         {{"total", snap.system.total},
          {"free", snap.system.free},
          {"available", snap.system.available}}},
    };
}

}  // namespace memsnap
