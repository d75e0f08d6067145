#include "formats/series.h"

#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "formats/csv.h"
#include "formats/line_reader.h"
#include "formats/snapshot_json.h"
#include "formats/series_scan.h"
#include "formats/snapshot_source.h"
#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

// Columns after the fixed ones: <key>_pss for every category, then these.
const std::vector<std::string>& tail_columns() {
    static const std::vector<std::string> cols = {
        "total_pss", "total_rss",  "total_swap_pss", "vm_rss",    "rss_anon", "rss_file",
        "vm_swap",   "threads",    "fd_num",         "thread_num", "dma_total", "gpu_total"};
    return cols;
}

uint64_t to_u64(const std::string& s, bool& ok) {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size() || v > kMaxCount) ok = false;
    return v;
}

// A snapshot from one CSV row, by the header's column names.
Snapshot from_csv(const std::vector<std::string>& header, const std::vector<std::string>& row,
                  bool& ok) {
    Snapshot s;
    if (row.size() != header.size()) {
        ok = false;
        return s;
    }
    bool light = false;
    MemUsage rollup;
    for (std::size_t i = 0; i < header.size(); ++i) {
        const std::string& h = header[i];
        const std::string& v = row[i];
        if (h == "name") {
            s.name = v;
            continue;
        }
        if (h == "light") {
            light = v == "1";
            continue;
        }
        uint64_t n = to_u64(v, ok);
        if (h == "time_ms") s.time_ms = static_cast<int64_t>(n);
        else if (h == "pid") s.pid = static_cast<int64_t>(n);
        else if (h == "starttime") s.starttime = n;
        else if (h == "uid") s.uid = static_cast<uint32_t>(n);
        else if (h == "total_pss") rollup.pss = n;
        else if (h == "total_rss") rollup.rss = n;
        else if (h == "total_swap_pss") rollup.swap_pss = n;
        else if (h == "vm_rss") s.status.vm_rss = n;
        else if (h == "rss_anon") s.status.rss_anon = n;
        else if (h == "rss_file") s.status.rss_file = n;
        else if (h == "vm_swap") s.status.vm_swap = n;
        else if (h == "threads") s.status.threads = n;
        else if (h == "fd_num") s.fd.num = n;
        else if (h == "thread_num") s.thread.num = n;
        else if (h == "dma_total") s.dma.total = n;
        else if (h == "gpu_total") s.gpu.total = n;
        else if (h.ends_with("_pss")) {
            if (auto c = category_from_key(std::string_view(h).substr(0, h.size() - 4)))
                s.categories[*c].pss = n;
        }
    }
    if (light) s.rollup = rollup;
    return s;
}

}  // namespace

std::string series_csv_header() {
    std::vector<std::string> cols = {"time_ms", "pid", "starttime", "name", "uid", "light"};
    for (const CategoryInfo& info : category_table()) cols.push_back(std::string(info.key) + "_pss");
    for (const std::string& c : tail_columns()) cols.push_back(c);
    std::string out;
    append_csv_row(out, cols);
    return out;
}

std::string series_csv_row(const Snapshot& snap) {
    std::vector<std::string> f = {std::to_string(snap.time_ms), std::to_string(snap.pid),
                                  std::to_string(snap.starttime), snap.name,
                                  std::to_string(snap.uid), snap.rollup ? "1" : "0"};
    for (const CategoryInfo& info : category_table())
        f.push_back(std::to_string(snap.categories[info.category].pss));
    MemUsage total = snap.total();
    for (uint64_t v : {total.pss, total.rss, total.swap_pss, snap.status.vm_rss,
                       snap.status.rss_anon, snap.status.rss_file, snap.status.vm_swap,
                       snap.status.threads, snap.fd.num, snap.thread.num, snap.dma.total,
                       snap.gpu.total})
        f.push_back(std::to_string(v));
    std::string out;
    append_csv_row(out, f);
    return out;
}

bool parse_csv_record(std::string_view line, std::vector<std::string>& fields) {
    fields.clear();
    std::string cur;
    std::size_t i = 0;
    for (;;) {
        cur.clear();
        if (i < line.size() && line[i] == '"') {
            ++i;
            for (;;) {
                if (i >= line.size()) return false;  // unterminated quote
                if (line[i] == '"') {
                    if (i + 1 < line.size() && line[i + 1] == '"') {
                        cur += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                cur += line[i++];
            }
            if (i < line.size() && line[i] != ',') return false;
        } else {
            while (i < line.size() && line[i] != ',') cur += line[i++];
        }
        fields.push_back(cur);
        if (i >= line.size()) return true;
        ++i;  // the comma
    }
}

namespace {

// True when a CSV record that ends here is still inside a quoted field: RFC 4180 doubles every
// quote inside one, so an odd number of quotes means a line break inside a field (a name).
bool csv_quote_open(std::string_view text) {
    std::size_t quotes = 0;
    for (char c : text) quotes += c == '"';
    return quotes % 2 == 1;
}

bool blank(std::string_view line) { return line.find_first_not_of(" \t") == std::string_view::npos; }

}  // namespace

void Series::warn(std::string text) {
    if (warnings.size() < kMaxWarnings) warnings.push_back(std::move(text));
    else ++more_warnings;
}

Series read_series(const std::string& path) {
    return read_series(path, [](const SeriesSample&) { return true; });
}

Series read_series(const std::string& path, FunctionRef<bool(const SeriesSample&)> keep) {
    LineReader in(path);
    const std::string& name = in.name();
    Series out;
    std::string_view line;
    while (in.next(line) && blank(line)) {
    }
    if (blank(line)) throw Error(ErrorKind::Malformed, name + ":1: empty file, not a snapshot");
    const bool csv = line.starts_with("time_ms,");
    if (!csv) {
        nlohmann::json probe = nlohmann::json::parse(line, nullptr, false);
        if (probe.is_discarded() || !probe.is_object()) {
            // Not NDJSON: one document or an array, read whole by the strict reader.
            std::string text(in.line_no() - 1, '\n');
            text.append(line);
            text += '\n';
            in.rest(text);
            std::vector<LoadedSnapshot> all = parse_snapshots(text, name);
            bool have_first = false;
            for (LoadedSnapshot& s : all) {
                const SeriesSample sample = sample_of(s.snapshot);
                if (!keep(sample)) continue;
                out.samples.add(sample);
                if (s.snapshot.mappings) {
                    if (!out.first_mappings) {
                        out.first_mappings = s.snapshot.mappings;
                        out.first_mappings_origin = s.origin;
                    }
                    out.last_mappings = s.snapshot.mappings;
                    out.last_mappings_origin = s.origin;
                }
                if (!have_first) {
                    out.first = s.snapshot;
                    out.first_origin = s.origin;
                    have_first = true;
                }
                out.last = s.snapshot;
                out.last_origin = s.origin;
            }
            if (!have_first) throw Error(ErrorKind::Malformed, name + ": no snapshot in the window asked for");
            return out;
        }
    }

    std::vector<std::string> header, fields;
    std::string csv_record;  // a record over several lines
    std::string pending_last;  // text of the latest good NDJSON line, read in full at the end
    uint64_t pending_line = 0;
    uint64_t torn_line = 0;  // a line that was not complete JSON, if it turns out to be the last
    bool have_first = false;
    int64_t last_time = 0;
    auto where = [&](uint64_t n) { return name + ":" + std::to_string(n); };
    // The mappings of the first and the latest kept sample that has them (such a line is never
    // scanned: the full reader decodes it).
    auto note_mappings = [&](Snapshot& full, uint64_t n) {
        if (!out.first_mappings) {
            out.first_mappings = full.mappings;
            out.first_mappings_origin = where(n);
        }
        out.last_mappings = std::move(full.mappings);
        out.last_mappings_origin = where(n);
    };
    // `kept`: keep() already said yes to this sample.
    auto add = [&](Snapshot* full, const SeriesSample& sample, uint64_t n, bool kept = false) {
        if (have_first && (sample.pid != out.first.pid || sample.starttime != out.first.starttime)) {
            out.warn(where(n) + ": skipped: another process (pid " +
                                   std::to_string(sample.pid) + ") than the series' first sample");
            return false;
        }
        if (have_first && sample.time_ms <= last_time) {
            // A trend over time needs time to advance: an equal or earlier sample is skipped.
            out.warn(where(n) + ": skipped: time " + std::to_string(sample.time_ms) +
                     " ms is not after the previous sample's " + std::to_string(last_time));
            return false;
        }
        if (!kept && !keep(sample)) return false;
        if (!have_first) {
            out.first = *full;
            out.first_origin = where(n);
            have_first = true;
        }
        last_time = sample.time_ms;
        out.samples.add(sample);
        return true;
    };
    do {
        if (blank(line)) continue;
        const uint64_t n = in.line_no();
        if (torn_line != 0) {  // the torn line was not the last one
            out.warn(where(torn_line) + ": not a complete JSON line (a torn write?), skipped");
            torn_line = 0;
        }
        if (csv) {
            if (header.empty()) {
                if (!parse_csv_record(line, header)) throw Error(ErrorKind::Malformed, where(n) + ": bad CSV header");
                continue;
            }
            // A name holding a line break continues the record on the next lines.
            std::string_view record = line;
            if (csv_quote_open(line)) {
                csv_record.assign(line);
                while (csv_quote_open(csv_record)) {
                    if (in.stripped_cr()) csv_record += '\r';
                    std::string_view more;
                    if (!in.next(more)) break;
                    csv_record += '\n';
                    csv_record.append(more);
                    if (csv_record.size() > kMaxSnapshotTextBytes)
                        throw Error(ErrorKind::Malformed, where(n) + ": a CSV record longer than 32 MiB");
                }
                record = csv_record;
            }
            bool ok = parse_csv_record(record, fields);
            Snapshot snap;
            if (ok) snap = from_csv(header, fields, ok);
            if (!ok) {
                out.warn(where(n) + ": not a CSV sample row, skipped");
                continue;
            }
            if (add(&snap, sample_of(snap), n)) {
                out.last = std::move(snap);
                out.last_origin = where(n);
            }
            continue;
        }
        SeriesSample sample;
        const bool scanned = scan_series_sample(line, sample);
        if (scanned && have_first) {
            if (add(nullptr, sample, n)) {
                pending_last.assign(line);
                pending_line = n;
            }
            continue;
        }
        // Before the first kept sample, a line outside the window needs no full read.
        const bool kept_first = scanned && keep(sample);
        if (scanned && !kept_first) continue;
        // The first line, or one the fast scanner would not take: the full reader decides.
        nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (j.is_discarded()) {
            torn_line = n;
            continue;
        }
        Snapshot snap = snapshot_from_json(j, where(n));
        if (add(&snap, sample_of(snap), n, kept_first)) {
            pending_last.assign(line);
            pending_line = n;
            if (snap.mappings) note_mappings(snap, n);
        }
    } while (in.next(line));
    if (torn_line != 0)
        out.warn(where(torn_line) + ": truncated JSON line (the writer was killed?), skipped");
    if (out.samples.empty())
        throw Error(ErrorKind::Malformed,
                    out.warnings.empty() ? name + ":1: no snapshot in this series" : out.warnings.front());
    if (!csv) {
        out.last = snapshot_from_json(nlohmann::json::parse(pending_last), where(pending_line));
        out.last_origin = where(pending_line);
    }
    return out;
}

}  // namespace memsnap
