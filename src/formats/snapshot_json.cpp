#include "formats/snapshot_json.h"

#include <charconv>
#include <cstdint>
#include <optional>
#include <string>

#include "formats/json_text.h"
#include "formats/mapping_records.h"
#include "model/error.h"

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
                          {"swap_pss", u.swap_pss},
                          {"mappings", u.mappings}};
}

nlohmann::ordered_json snapshot_to_json(const Snapshot& snap) {
    // A light sample read no categories: its "categories" is {} (both readers take a missing
    // row as zero), which keeps watch --all's line of a process near 600 bytes, not 6 kB.
    nlohmann::ordered_json categories = nlohmann::ordered_json::object();
    if (!snap.rollup || snap.categories != CategoryUsage{}) {
        for (const CategoryInfo& info : category_table())
            categories[std::string(info.key)] = usage_to_json(snap.categories[info.category]);
    }
    nlohmann::ordered_json native = nlohmann::ordered_json::array();
    for (const NativeHeapRow& row : snap.native_heap) {
        nlohmann::ordered_json r = usage_to_json(row.usage);
        put_text(r, "name", row.name);
        native.push_back(std::move(r));
    }
    MemUsage total = snap.total();
    nlohmann::ordered_json total_json = usage_to_json(total);
    total_json["pss_total"] = total.pss + total.swap_pss;  // hidumper's Total "Pss Total"
    const ProcessStatus& st = snap.status;
    nlohmann::ordered_json out = {{"schema", kSnapshotSchema},
                                  {"unit", "kB"},
                                  {"time_ms", snap.time_ms},
                                  {"pid", snap.pid},
                                  {"starttime", snap.starttime}};
    put_text(out, "name", snap.name);  // names may be any bytes: json_text.h
    out["uid"] = snap.uid;
    out["rules"] = rule_set(snap.rules).name;
    out["categories"] = std::move(categories);
    out["native_heap"] = std::move(native);
    out["total"] = std::move(total_json);
    nlohmann::ordered_json status = nlohmann::ordered_json::object();
    put_text(status, "name", st.name);
    status.update(nlohmann::ordered_json{{"pid", st.pid},
                                         {"uid", st.uid},
                                         {"vm_peak", st.vm_peak},
                                         {"vm_size", st.vm_size},
                                         {"vm_hwm", st.vm_hwm},
                                         {"vm_rss", st.vm_rss},
                                         {"rss_anon", st.rss_anon},
                                         {"rss_file", st.rss_file},
                                         {"rss_shmem", st.rss_shmem},
                                         {"vm_swap", st.vm_swap},
                                         {"purg_sum", st.purg_sum},
                                         {"purg_pin", st.purg_pin},
                                         {"threads", st.threads}});
    out["status"] = std::move(status);
    nlohmann::ordered_json fd = {{"num", snap.fd.num}};
    put_counts(fd, "by_type", snap.fd.by_type);
    put_text(fd, "top_fd_type", snap.fd.top_fd_type);
    fd["top_fd_num"] = snap.fd.top_fd_num;
    out["fd"] = std::move(fd);
    nlohmann::ordered_json thread = {{"num", snap.thread.num}};
    put_counts(thread, "by_name", snap.thread.by_name);
    out["thread"] = std::move(thread);
    nlohmann::ordered_json dma = {
        {"total", snap.dma.total}, {"mapped", snap.dma.mapped}, {"unmapped", snap.dma.unmapped}};
    put_counts(dma, "by_exporter", snap.dma.by_exporter);
    out["dma"] = std::move(dma);
    out["gpu"] = {{"total", snap.gpu.total}, {"resident", snap.gpu.resident}, {"mapped", snap.gpu.mapped}};
    out["system"] = {{"total", snap.system.total},
                     {"free", snap.system.free},
                     {"available", snap.system.available}};
    put_text(out, "js_runtime", snap.js_runtime);
    put_text(out, "runtime", snap.runtime);
    put_text(out, "allocator", snap.allocator);
    out["light"] = snap.rollup.has_value();
    // Only for what was not read live: a capture, a lone smaps file.
    if (!snap.time_source.empty()) put_text(out, "time_source", snap.time_source);
    if (!snap.host.empty()) put_text(out, "host", snap.host);
    if (!snap.cgroup.empty()) put_text(out, "cgroup", snap.cgroup);
    if (snap.mappings) out["mappings"] = mappings_to_json(*snap.mappings);
    return out;
}

}  // namespace memsnap

namespace memsnap {
namespace {

using nlohmann::json;

// Reads fields of one JSON object, naming `path.field` in every error.
class FieldReader {
public:
    FieldReader(const json& obj, std::string where, std::string path)
        : obj_(obj), where_(std::move(where)), path_(std::move(path)) {}

    const json* find(std::string_view field, bool required) const {
        auto it = obj_.find(field);
        if (it == obj_.end() || it->is_null()) {
            if (required) fail(field, "missing");
            return nullptr;
        }
        return &*it;
    }
    void u64(std::string_view field, uint64_t& out, bool required = false) const {
        if (const json* v = find(field, required)) {
            if (!v->is_number_integer() || (!v->is_number_unsigned() && v->get<int64_t>() < 0))
                fail(field, "expected a non-negative integer");
            out = v->get<uint64_t>();
            // No real count or size is larger: sums, deltas and bytes then never wrap.
            if (out > kMaxCount) fail(field, "out of range (more than 2^48)");
        }
    }
    void u32(std::string_view field, uint32_t& out, bool required = false) const {
        uint64_t v = out;
        u64(field, v, required);
        if (v > UINT32_MAX) fail(field, "out of range");
        out = static_cast<uint32_t>(v);
    }
    void i64(std::string_view field, int64_t& out, bool required = false) const {
        if (const json* v = find(field, required)) {
            if (!v->is_number_integer()) fail(field, "expected an integer");
            // Milliseconds or a PID: +-2^53 (285 000 years) keeps every difference in range.
            constexpr int64_t kLimit = int64_t{1} << 53;
            if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(kLimit))
                fail(field, "out of range");
            out = v->get<int64_t>();
            if (out > kLimit || out < -kLimit) fail(field, "out of range");
        }
    }
    // A name: the exact bytes of "<field>_hex" when present (json_text.h), else the text.
    void str(std::string_view field, std::string& out, bool required = false) const {
        if (const json* v = find(field, required)) {
            if (!v->is_string()) fail(field, "expected a string");
            out = v->get<std::string>();
        }
        const std::string hex_field = std::string(field) + "_hex";
        if (const json* h = find(hex_field, false)) {
            std::optional<std::string> raw = h->is_string() ? from_hex(h->get<std::string>())
                                                            : std::nullopt;
            if (!raw) fail(hex_field, "expected a string of hex digit pairs");
            out = std::move(*raw);
        }
    }
    // A nested object; nullopt when absent and not required.
    std::optional<FieldReader> object(std::string_view field, bool required = false) const {
        const json* v = find(field, required);
        if (!v) return std::nullopt;
        if (!v->is_object()) fail(field, "expected an object");
        return FieldReader(*v, where_, name(field));
    }
    // {"name": count, ...}
    // With "<field>_hex" (json_text.h), each exact name's count is moved out of the U+FFFD
    // spelling it was added to.
    void counts(std::string_view field, std::map<std::string, uint64_t>& out) const {
        auto sub = object(field);
        if (!sub) return;
        for (const auto& [key, value] : sub->obj_.items()) sub->u64(key, out[key], true);
        const std::string hex_field = std::string(field) + "_hex";
        auto hex = object(hex_field);
        if (!hex) return;
        for (const auto& [key, value] : hex->obj_.items()) {
            std::optional<std::string> raw = from_hex(key);
            if (!raw || is_utf8(*raw)) hex->fail(key, "not the hex of a name that is not UTF-8");
            uint64_t count = 0;
            hex->u64(key, count, true);
            auto text = out.find(utf8_lossy(*raw));
            if (text == out.end() || text->second < count)
                hex->fail(key, "more than " + name(field) + " holds for its U+FFFD spelling");
            if ((text->second -= count) == 0) out.erase(text);
            out[*raw] += count;
        }
    }
    void usage(MemUsage& u) const {
        u64("pss", u.pss);
        u64("rss", u.rss);
        u64("size", u.size);
        u64("shared_clean", u.shared_clean);
        u64("shared_dirty", u.shared_dirty);
        u64("private_clean", u.private_clean);
        u64("private_dirty", u.private_dirty);
        u64("swap", u.swap);
        u64("swap_pss", u.swap_pss);
        u64("mappings", u.mappings);  // absent in older snapshots: 0
    }
    const json& raw() const { return obj_; }
    std::string name(std::string_view field) const {
        return path_.empty() ? std::string(field) : path_ + "." + std::string(field);
    }
    [[noreturn]] void fail(std::string_view field, std::string_view what) const {
        throw Error(ErrorKind::Malformed, where_ + ": field " + name(field) + ": " +
                                              std::string(what));
    }

private:
    const json& obj_;
    std::string where_;
    std::string path_;
};

void check_schema(const std::string& schema, const std::string& where) {
    constexpr std::string_view kPrefix = "memsnap.snapshot/";
    if (!std::string_view(schema).starts_with(kPrefix))
        throw Error(ErrorKind::Malformed,
                    where + ": not a memsnap snapshot (schema \"" + schema + "\")");
    std::string_view version = std::string_view(schema).substr(kPrefix.size());
    std::string_view major = version.substr(0, version.find('.'));
    int value = 0;
    auto [ptr, ec] = std::from_chars(major.data(), major.data() + major.size(), value);
    if (major.empty() || ec != std::errc() || ptr != major.data() + major.size())
        throw Error(ErrorKind::Malformed, where + ": bad schema version \"" + schema + "\"");
    if (value != kSnapshotSchemaMajor)
        throw Error(ErrorKind::Malformed, where + ": unsupported schema " + schema +
                                              " (this memsnap reads " + kSnapshotSchema + ")");
}

}  // namespace

Snapshot snapshot_from_json(const json& j, std::string_view where_view) {
    std::string where(where_view);
    if (!j.is_object())
        throw Error(ErrorKind::Malformed,
                    where + ": not a snapshot (a JSON " + j.type_name() + ", expected an object)");
    FieldReader top(j, where, "");
    std::string schema;
    top.str("schema", schema, true);
    check_schema(schema, where);

    Snapshot snap;
    top.i64("time_ms", snap.time_ms, true);
    top.i64("pid", snap.pid, true);
    top.u64("starttime", snap.starttime, true);
    top.str("name", snap.name, true);
    top.u32("uid", snap.uid);
    top.str("js_runtime", snap.js_runtime);
    top.str("runtime", snap.runtime);
    top.str("allocator", snap.allocator);
    top.str("time_source", snap.time_source);
    top.str("host", snap.host);
    top.str("cgroup", snap.cgroup);
    std::string rules = "memsnap";  // snapshots written before rule sets existed
    top.str("rules", rules);
    if (std::optional<RuleSetId> id = rule_set_from_name(rules))
        snap.rules = *id;
    else
        top.fail("rules", "unknown rule set \"" + rules + "\" (memsnap, hidumper or dumpsys)");
    if (const json* light = top.find("light", false); light != nullptr && light->is_boolean() &&
                                                        light->get<bool>()) {
        // A light sample: only the totals (smaps_rollup) are known.
        snap.rollup.emplace();
        top.object("total", true)->usage(*snap.rollup);
    }

    auto categories = top.object("categories", true);
    for (const auto& [key, value] : categories->raw().items()) {
        std::optional<Category> c = category_from_key(key);
        if (!c) continue;  // a category of a newer memsnap
        categories->object(key, true)->usage(snap.categories[*c]);
    }
    if (const json* native = top.find("native_heap", false)) {
        if (!native->is_array()) top.fail("native_heap", "expected an array");
        for (std::size_t i = 0; i < native->size(); ++i) {
            const json& row = (*native)[i];
            std::string path = "native_heap[" + std::to_string(i) + "]";
            if (!row.is_object())
                throw Error(ErrorKind::Malformed, where + ": field " + path + ": expected an object");
            FieldReader r(row, where, path);
            NativeHeapRow out;
            r.str("name", out.name, true);
            r.usage(out.usage);
            snap.native_heap.push_back(std::move(out));
        }
    }
    if (auto st = top.object("status")) {
        ProcessStatus& s = snap.status;
        st->str("name", s.name);
        st->i64("pid", s.pid);
        st->u32("uid", s.uid);
        st->u64("vm_peak", s.vm_peak);
        st->u64("vm_size", s.vm_size);
        st->u64("vm_hwm", s.vm_hwm);
        st->u64("vm_rss", s.vm_rss);
        st->u64("rss_anon", s.rss_anon);
        st->u64("rss_file", s.rss_file);
        st->u64("rss_shmem", s.rss_shmem);
        st->u64("vm_swap", s.vm_swap);
        st->u64("purg_sum", s.purg_sum);
        st->u64("purg_pin", s.purg_pin);
        st->u64("threads", s.threads);
    }
    if (auto fd = top.object("fd")) {
        fd->u64("num", snap.fd.num);
        fd->counts("by_type", snap.fd.by_type);
        fd->str("top_fd_type", snap.fd.top_fd_type);
        fd->u64("top_fd_num", snap.fd.top_fd_num);
    }
    if (auto th = top.object("thread")) {
        th->u64("num", snap.thread.num);
        th->counts("by_name", snap.thread.by_name);
    }
    if (auto dma = top.object("dma")) {
        dma->u64("total", snap.dma.total);
        dma->u64("mapped", snap.dma.mapped);
        dma->u64("unmapped", snap.dma.unmapped);
        dma->counts("by_exporter", snap.dma.by_exporter);
    }
    if (auto gpu = top.object("gpu")) {
        gpu->u64("total", snap.gpu.total);
        gpu->u64("resident", snap.gpu.resident);
        gpu->u64("mapped", snap.gpu.mapped);
    }
    if (const json* m = top.find("mappings", false))
        snap.mappings = mappings_from_json(*m, where);
    if (auto sys = top.object("system")) {
        sys->u64("total", snap.system.total);
        sys->u64("free", snap.system.free);
        sys->u64("available", snap.system.available);
    }
    return snap;
}

}  // namespace memsnap
