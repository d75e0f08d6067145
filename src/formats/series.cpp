#include "formats/series.h"

#include <unistd.h>

#include <charconv>
#include <nlohmann/json.hpp>

#include "formats/csv.h"
#include "formats/snapshot_json.h"
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

std::string read_all(const std::string& path) {
    std::string text;
    if (path == "-") {
        char buf[65536];
        for (;;) {
            ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw error_from_errno(errno, "cannot read", "<stdin>");
            if (n == 0) break;
            text.append(buf, static_cast<std::size_t>(n));
        }
        return text;
    }
    read_small_file(path, text, std::size_t{16} << 30);
    return text;
}

uint64_t to_u64(const std::string& s, bool& ok) {
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) ok = false;
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

Series read_series(const std::string& path) {
    const std::string name = path == "-" ? "<stdin>" : path;
    std::string text = read_all(path);
    Series out;

    // Which kind of file: a CSV series, an NDJSON series (its first line is a JSON object on its
    // own), or anything else the strict snapshot reader takes (one document, an array).
    std::string_view first_line = text;
    std::size_t skip = first_line.find_first_not_of(" \t\r\n");
    first_line = skip == std::string_view::npos ? std::string_view() : first_line.substr(skip);
    first_line = first_line.substr(0, first_line.find('\n'));
    bool csv = first_line.starts_with("time_ms,");
    if (!csv) {
        nlohmann::json probe = nlohmann::json::parse(first_line, nullptr, false);
        if (probe.is_discarded() || !probe.is_object()) {
            for (LoadedSnapshot& s : parse_snapshots(text, name)) {
                out.samples.push_back(std::move(s.snapshot));
                out.origins.push_back(std::move(s.origin));
            }
            return out;
        }
    }

    std::size_t last_content = text.find_last_not_of(" \t\r\n");
    std::string_view rest = text;
    std::size_t offset = 0;
    std::vector<std::string> header, fields;
    uint64_t line_no = 0;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        const std::size_t line_start = offset;
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        offset += line.size() + 1;
        ++line_no;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
        const bool is_last = last_content < line_start + line.size() + 1;
        std::string where = name + ":" + std::to_string(line_no);
        if (csv && header.empty()) {
            if (!parse_csv_record(line, header))
                throw Error(ErrorKind::Malformed, where + ": bad CSV header");
            continue;
        }
        Snapshot snap;
        if (csv) {
            bool ok = parse_csv_record(line, fields);
            if (ok) snap = from_csv(header, fields, ok);
            if (!ok) {
                if (!is_last) throw Error(ErrorKind::Malformed, where + ": not a CSV sample row");
                out.warnings.push_back(where + ": truncated CSV row (the writer was killed?), skipped");
                continue;
            }
        } else {
            nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
            if (j.is_discarded()) {
                // A torn line: the last one when the writer was killed, or one in the middle
                // when a killed series was appended to again.
                out.warnings.push_back(where + (is_last ? ": truncated JSON line (the writer was killed?), skipped"
                                                        : ": not a complete JSON line (a torn write?), skipped"));
                continue;
            }
            snap = snapshot_from_json(j, where);
        }
        if (!out.samples.empty() && (snap.pid != out.samples.front().pid ||
                                     snap.starttime != out.samples.front().starttime)) {
            out.warnings.push_back(where + ": skipped: another process (pid " +
                                   std::to_string(snap.pid) + ") than the series' first sample");
            continue;
        }
        out.samples.push_back(std::move(snap));
        out.origins.push_back(where);
    }
    if (out.samples.empty())
        throw Error(ErrorKind::Malformed,
                    out.warnings.empty() ? name + ":1: empty file, not a snapshot" : out.warnings.front());
    return out;
}

}  // namespace memsnap
