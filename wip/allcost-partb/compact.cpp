// The JSON text of `value` (escaped as nlohmann escapes it) under `key`, with "<key>_hex" when
// it is not UTF-8: put_text()'s rule (json_text.h), for the line written without a DOM.
void append_text(std::string& out, std::string_view key, std::string_view value) {
    const bool utf8 = is_utf8(value);
    fmt::format_to(std::back_inserter(out), ",\"{}\":{}", key,
                   nlohmann::json(utf8 ? std::string(value) : utf8_lossy(value)).dump());
    if (!utf8) fmt::format_to(std::back_inserter(out), ",\"{}_hex\":\"{}\"", key, to_hex(value));
}

// A light sample holding nothing but its totals, status and system memory: the only kind the
// compact line is written for (anything else takes snapshot_to_json's full form).
bool compact_light(const Snapshot& s) {
    return s.rollup && s.categories == CategoryUsage{} && s.native_heap.empty() &&
           s.fd == FdSummary{} && s.thread == ThreadSummary{} && s.dma == DmaSummary{} &&
           s.gpu == GpuSummary{} && !s.mappings;
}

// The light line without a DOM (1 100 of them a tick cost 0.25 s through nlohmann, issue 19):
// the fields of snapshot_to_json() in its order, every zero one of status left out and
// "categories" empty (both readers take a missing field as 0), no native_heap, fd, thread,
// dma or gpu (all zero in such a sample).
std::string compact_light_line(const Snapshot& s, uint64_t tick) {
    std::string out;
    out.reserve(512);
    auto it = std::back_inserter(out);
    fmt::format_to(it, "{{\"schema\":\"{}\",\"unit\":\"kB\",\"time_ms\":{},\"pid\":{},\"starttime\":{}",
                   kSnapshotSchema, s.time_ms, s.pid, s.starttime);
    append_text(out, "name", s.name);
    const MemUsage& t = *s.rollup;
    fmt::format_to(it,
                   ",\"uid\":{},\"rules\":\"{}\",\"categories\":{{}},\"total\":{{\"pss\":{},"
                   "\"rss\":{},\"size\":{},\"shared_clean\":{},\"shared_dirty\":{},"
                   "\"private_clean\":{},\"private_dirty\":{},\"swap\":{},\"swap_pss\":{},"
                   "\"mappings\":{},\"pss_total\":{}}}",
                   s.uid, rule_set(s.rules).name, t.pss, t.rss, t.size, t.shared_clean,
                   t.shared_dirty, t.private_clean, t.private_dirty, t.swap, t.swap_pss,
                   t.mappings, t.pss + t.swap_pss);
    const ProcessStatus& st = s.status;
    std::string status;
    if (!st.name.empty()) append_text(status, "name", st.name);
    auto put = [&](std::string_view key, auto v) {
        if (v != 0) fmt::format_to(std::back_inserter(status), ",\"{}\":{}", key, v);
    };
    put("pid", st.pid);
    put("uid", st.uid);
    put("vm_peak", st.vm_peak);
    put("vm_size", st.vm_size);
    put("vm_hwm", st.vm_hwm);
    put("vm_rss", st.vm_rss);
    put("rss_anon", st.rss_anon);
    put("rss_file", st.rss_file);
    put("rss_shmem", st.rss_shmem);
    put("vm_swap", st.vm_swap);
    put("purg_sum", st.purg_sum);
    put("purg_pin", st.purg_pin);
    put("threads", st.threads);
    if (!status.empty()) status[0] = '{';
    fmt::format_to(it, ",\"status\":{}}},\"system\":{{\"total\":{},\"free\":{},\"available\":{}}}",
                   status.empty() ? "{" : status, s.system.total, s.system.free, s.system.available);
    if (!s.js_runtime.empty()) append_text(out, "js_runtime", s.js_runtime);
    if (!s.runtime.empty()) append_text(out, "runtime", s.runtime);
    if (!s.allocator.empty()) append_text(out, "allocator", s.allocator);
    out += ",\"light\":true";
    if (!s.time_source.empty()) append_text(out, "time_source", s.time_source);
    if (!s.host.empty()) append_text(out, "host", s.host);
    fmt::format_to(it, ",\"tick\":{}}}\n", tick);
    return out;
}
