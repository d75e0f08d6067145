#include "formats/process_stream.h"

#include <charconv>
#include <map>
#include <stdexcept>
#include <nlohmann/json.hpp>

#include "formats/json_text.h"
#include "formats/line_reader.h"
#include "formats/series_scan.h"
#include "formats/snapshot_json.h"
#include "model/error.h"

namespace memsnap {
namespace {

bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

// The "tick" member of one of our lines (written last, outside any string: a quote inside a
// string is always escaped); nullopt without one.
std::optional<uint64_t> tick_of(std::string_view line) {
    const std::string_view key = "\"tick\":";
    std::size_t at = line.rfind(key);
    if (at == std::string_view::npos) return std::nullopt;
    const char* p = line.data() + at + key.size();
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(p, line.data() + line.size(), v);
    if (ec != std::errc() || end == p) return std::nullopt;
    return v;
}

// The start of every line watch writes: what a torn one still has.
constexpr std::string_view kOurLineStart = "{\"schema\":\"memsnap.";

}  // namespace

std::string stream_snapshot_line(const Snapshot& snap, uint64_t tick) {
    nlohmann::ordered_json j = snapshot_to_json(snap);
    j["tick"] = tick;
    return dump_json(j) + "\n";
}

StreamLineTemplate::StreamLineTemplate(const Snapshot& snap) {
    nlohmann::ordered_json j = snapshot_to_json(snap);
    j["tick"] = 0;
    // A dump of an object is "{" then its members' "key":value, comma-separated, then "}":
    // each member is dumped alone and the text kept, but for the three spliced in.
    std::string* part = &head_;
    part->push_back('{');
    int slot = 0;  // the members spliced in, in their order in the object
    const char* const slots[] = {"time_ms", "system", "tick"};
    bool first = true;
    for (const auto& [key, value] : j.items()) {
        if (!first) part->push_back(',');
        first = false;
        *part += dump_json(key);
        part->push_back(':');
        if (slot < 3 && key == slots[slot]) {
            part = slot == 0 ? &middle_ : &tail_;
            if (++slot == 3) break;  // "tick" is the last member
            continue;
        }
        *part += dump_json(value);
    }
    if (slot != 3) throw std::logic_error("a snapshot line without time_ms, system and tick in order");
}

void StreamLineTemplate::append(std::string& out, int64_t time_ms, std::string_view system,
                                uint64_t tick) const {
    char num[24];
    out += head_;
    out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, time_ms).ptr - num));
    out += middle_;
    out += system;
    out += tail_;
    out.append(num, static_cast<std::size_t>(std::to_chars(num, num + sizeof num, tick).ptr - num));
    out += "}\n";
}

std::string stream_system_json(const SystemMemory& system) {
    return dump_json(nlohmann::ordered_json{
        {"total", system.total}, {"free", system.free}, {"available", system.available}});
}

std::string stream_gone_line(const GoneMarker& gone) {
    nlohmann::ordered_json j;
    j["schema"] = kGoneSchema;
    j["tick"] = gone.tick;
    j["time_ms"] = gone.time_ms;
    j["pid"] = gone.pid;
    j["starttime"] = gone.starttime;
    put_text(j, "name", gone.name);
    j["reason"] = gone.reason;
    return dump_json(j) + "\n";
}


bool is_process_stream(const std::string& path) {
    if (path == "-") return false;
    LineReader in(path);
    std::string_view line;
    while (in.next(line))
        if (!blank(line)) break;
    if (blank(line)) return false;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    return !j.is_discarded() && j.is_object() && j.contains("tick");
}

ProcessStream read_process_stream(const std::string& path, std::optional<int64_t> only_pid,
                                  ProcessGroupSeriesBuilder* groups) {
    LineReader in(path);
    const std::string& name = in.name();
    ProcessStream out;
    auto where = [&](uint64_t n) { return name + ":" + std::to_string(n); };
    auto warn = [&](std::string text) {
        if (out.warnings.size() < ProcessStream::kMaxWarnings) out.warnings.push_back(std::move(text));
        else ++out.more_warnings;
    };
    struct Reading {
        int64_t last_time = 0;
        std::string last_full_text;  // the latest full line, read in full at the end
        uint64_t last_full_line = 0;
    };
    std::map<std::pair<int64_t, uint64_t>, std::size_t> index;
    std::vector<Reading> reading;
    std::optional<uint64_t> tick;  // of the lines being summed
    StreamTotals current;
    bool have_first = false;
    std::string last_text;  // the stream's latest snapshot line: the last tick's system memory
    uint64_t torn_line = 0;
    auto close_tick = [&] {
        if (!tick) return;
        if (!have_first) out.first = current;
        have_first = true;
        out.last = current;
        ++out.ticks;
    };
    std::string_view line;
    while (in.next(line)) {
        if (blank(line)) continue;
        const uint64_t n = in.line_no();
        if (torn_line != 0) {
            warn(where(torn_line) + ": not a complete JSON line (a torn write?), skipped");
            torn_line = 0;
        }
        SeriesSample sample;
        std::optional<Snapshot> full;
        if (!scan_series_sample(line, sample)) {
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded()) {
                if (!line.starts_with(kOurLineStart))
                    throw Error(ErrorKind::Malformed,
                                where(n) + ": not a line of a memsnap stream (one JSON snapshot "
                                           "per line)");
                torn_line = n;
                continue;
            }
            if (!j.is_object())
                throw Error(ErrorKind::Malformed, where(n) + ": not a JSON object, not a snapshot");
            if (j.value("schema", std::string()) == kGoneSchema) {
                const int64_t pid = j.value("pid", int64_t{0});
                const uint64_t start = j.value("starttime", uint64_t{0});
                auto it = index.find({pid, start});
                if (it != index.end()) out.processes[it->second].gone = j.value("reason", std::string("exited"));
                continue;
            }
            full = snapshot_from_json(j, where(n));  // Malformed, naming the line, when it is not one
            sample = sample_of(*full);
        }
        const std::optional<uint64_t> t = tick_of(line);
        if (t != tick) {
            close_tick();
            tick = t;
            current = StreamTotals{t.value_or(0), sample.time_ms, 0, 0, {}};
        }
        const SeriesSample totals = totals_only(sample);
        ++current.processes;
        current.pss += totals.total_pss + totals.total_swap_pss;
        last_text.assign(line);
        if (!have_first && current.processes == 1) {  // the stream's first line: its system
            if (!full) full = snapshot_from_json(nlohmann::json::parse(line), where(n));
            current.system = full->system;
        }
        if (only_pid && sample.pid != *only_pid) continue;
        auto [it, is_new] = index.try_emplace({sample.pid, sample.starttime}, out.processes.size());
        if (is_new) {
            if (!full) full = snapshot_from_json(nlohmann::json::parse(line), where(n));
            out.processes.emplace_back();
            reading.emplace_back();
            ProcessSeries& p = out.processes.back();
            p.pid = sample.pid;
            p.starttime = sample.starttime;
            p.name = full->name;
            p.uid = full->uid;
            p.cgroup = full->cgroup;
            p.first_line = n;
            p.first_tick = t.value_or(0);
            p.first_total = totals;
        }
        ProcessSeries& p = out.processes[it->second];
        Reading& r = reading[it->second];
        if (!is_new && sample.time_ms <= r.last_time) {
            warn(where(n) + ": skipped: time " + std::to_string(sample.time_ms) +
                 " ms is not after the previous sample's of pid " + std::to_string(p.pid) + " (" +
                 std::to_string(r.last_time) + ")");
            continue;
        }
        r.last_time = sample.time_ms;
        p.last_line = n;
        p.last_total = totals;
        p.totals.add(totals);
        if (groups) groups->add(t.value_or(0), current.time_ms, p, totals);
        if (!sample.light) {
            if (p.full_samples == 0) {
                if (!full) full = snapshot_from_json(nlohmann::json::parse(line), where(n));
                p.first_full = std::move(*full);
                p.first_full_origin = where(n);
            }
            r.last_full_text.assign(line);
            r.last_full_line = n;
            ++p.full_samples;
            p.full.add(sample);
        }
    }
    if (torn_line != 0) warn(where(torn_line) + ": truncated JSON line (the writer was killed?), skipped");
    close_tick();
    if (last_text.empty()) throw Error(ErrorKind::Malformed, name + ":1: no snapshot in this stream");
    out.last.system = snapshot_from_json(nlohmann::json::parse(last_text), name).system;
    for (std::size_t i = 0; i < out.processes.size(); ++i) {
        ProcessSeries& p = out.processes[i];
        if (p.full_samples == 0) continue;
        p.last_full = snapshot_from_json(nlohmann::json::parse(reading[i].last_full_text),
                                         where(reading[i].last_full_line));
        p.last_full_origin = where(reading[i].last_full_line);
    }
    return out;
}

}  // namespace memsnap
