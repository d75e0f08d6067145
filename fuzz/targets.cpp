#include "targets.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <sys/mman.h>
#include <unistd.h>
#include <vector>

#include "cli/cmd_watch.h"
#include "diff/series.h"
#include "diff/verdict.h"
#include "formats/csv.h"
#include "formats/json_text.h"
#include "formats/series.h"
#include "formats/series_scan.h"
#include "formats/snapshot_json.h"
#include "formats/snapshot_source.h"
#include "model/accumulate.h"
#include "model/error.h"
#include "procfs/fd.h"
#include "procfs/meminfo.h"
#include "procfs/process.h"
#include "procfs/smaps.h"
#include "procfs/status.h"

namespace memsnap::fuzz {
namespace {

std::string_view text(const uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Property check: aborts so libFuzzer (and the replay test) report it.
void require(bool ok) {
    if (!ok) std::abort();
}

int smaps(const uint8_t* data, std::size_t size) {
    SmapsReader reader;
    MemoryAccumulator acc;
    uint64_t pss = 0;
    try {
        reader.read_text(text(data, size), "fuzz", [&](const Mapping& m) {
            require(m.end >= m.start);
            acc.add(m);
            pss += m.usage.pss;
        });
        acc.finish();
        // Every mapping lands in exactly one row: the rows add up to what was read.
        require(acc.categories().total().pss == pss);
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

int status(const uint8_t* data, std::size_t size) {
    try {
        parse_status(text(data, size), "fuzz");
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

int stat(const uint8_t* data, std::size_t size) {
    try {
        parse_stat(text(data, size), "fuzz");
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

int meminfo(const uint8_t* data, std::size_t size) {
    try {
        parse_meminfo(text(data, size), "fuzz");
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

int fdinfo(const uint8_t* data, std::size_t size) {
    try {
        FdInfo i = parse_fdinfo(text(data, size), "fuzz");
        require(i.drm || (i.drm_total == 0 && i.drm_resident == 0));
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

int snapshot_json(const uint8_t* data, std::size_t size) {
    nlohmann::json j = nlohmann::json::parse(text(data, size), nullptr, false);
    if (j.is_discarded()) return 0;
    Snapshot s;
    try {
        s = snapshot_from_json(j, "fuzz");
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
        return 0;
    }
    // Whatever was accepted writes back and reads back to the same snapshot.
    Snapshot again = snapshot_from_json(nlohmann::json::parse(dump_json(snapshot_to_json(s))), "again");
    require(again == s);
    return 0;
}

bool same_sample(const SeriesSample& a, const SeriesSample& b) {
    return a.time_ms == b.time_ms && a.pid == b.pid && a.starttime == b.starttime &&
           a.pss == b.pss && a.light == b.light && a.total_pss == b.total_pss &&
           a.fd_num == b.fd_num && a.thread_num == b.thread_num &&
           a.status_threads == b.status_threads && a.dma_total == b.dma_total &&
           a.gpu_total == b.gpu_total && a.gpu_mapped == b.gpu_mapped;
}

int series_line(const uint8_t* data, std::size_t size) {
    SeriesSample fast;
    if (!scan_series_sample(text(data, size), fast)) return 0;
    // What the scanner accepts, the full reader accepts too, and they agree on every field
    // the series uses (a line the scanner refuses goes to the full reader: always safe).
    nlohmann::json j = nlohmann::json::parse(text(data, size), nullptr, false);
    require(!j.is_discarded());
    try {
        require(same_sample(sample_of(snapshot_from_json(j, "fuzz")), fast));
    } catch (const Error&) {
        require(false);
    }
    return 0;
}

// A file of bytes for the readers that take a path: a memfd, named through /proc/self/fd.
class MemFile {
public:
    MemFile(const uint8_t* data, std::size_t size) : fd_(::memfd_create("fuzz", MFD_CLOEXEC)) {
        require(fd_ >= 0);
        require(::write(fd_, data, size) == static_cast<ssize_t>(size));
    }
    ~MemFile() { ::close(fd_); }
    MemFile(const MemFile&) = delete;
    MemFile& operator=(const MemFile&) = delete;
    std::string path() const { return "/proc/self/fd/" + std::to_string(fd_); }

private:
    int fd_;
};

// A whole series file (NDJSON, CSV, one document or an array): read in bounded memory, and
// its first and last samples are ones the full reader accepts.
int series_file(const uint8_t* data, std::size_t size) {
    MemFile file(data, size);
    try {
        Series s = read_series(file.path());
        require(!s.samples.empty());
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

// What `diff A B` reads: one document, an array or NDJSON lines. Whatever is read writes back
// and reads back the same.
int snapshot_text(const uint8_t* data, std::size_t size) {
    try {
        for (const LoadedSnapshot& l : parse_snapshots(text(data, size), "fuzz", 0, true)) {
            nlohmann::json j = nlohmann::json::parse(dump_json(snapshot_to_json(l.snapshot)));
            require(snapshot_from_json(j, "again") == l.snapshot);
        }
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Malformed);
    }
    return 0;
}

// Any bytes as a process name, a thread name and a descriptor type survive a snapshot exactly
// (json_text.h).
int names(const uint8_t* data, std::size_t size) {
    std::string_view s = text(data, size);
    Snapshot snap;
    snap.name = std::string(s);
    snap.status.name = std::string(s.substr(0, s.size() / 2));
    snap.thread.by_name = {{std::string(s), 1}, {utf8_lossy(s), 2}, {std::string(s.substr(1 % (s.size() + 1))), 3}};
    snap.thread.num = 6;
    snap.fd.by_type = {{std::string(s.substr(s.size() / 2)), 4}};
    nlohmann::json j = nlohmann::json::parse(dump_json(snapshot_to_json(snap)));
    require(snapshot_from_json(j, "names") == snap);
    return 0;
}

int csv_record(const uint8_t* data, std::size_t size) {
    std::vector<std::string> fields;
    std::string_view line = text(data, size);
    if (!parse_csv_record(line, fields)) return 0;
    // A record read writes back (RFC 4180) to one that reads back the same.
    std::string again;
    append_csv_row(again, fields);
    std::vector<std::string> back;
    require(parse_csv_record(std::string_view(again).substr(0, again.size() - 1), back));
    require(back == fields);
    return 0;
}

// A small captured tree for the PID/name argument: 1 "init", 42 "app", 43 and 44 both "twin".
// Made once per process under the temporary directory and removed at exit.
std::filesystem::path tree_dir;

void remove_argument_tree() {
    std::error_code ec;
    std::filesystem::remove_all(tree_dir, ec);
}

const ProcRoot& argument_tree() {
    static const ProcRoot root = [] {
        namespace fs = std::filesystem;
        fs::path dir = fs::temp_directory_path() / ("memsnap-fuzz-tree-" + std::to_string(::getpid()));
        tree_dir = dir;
        std::atexit(remove_argument_tree);
        const std::pair<int, const char*> procs[] = {{1, "init"}, {42, "app"}, {43, "twin"}, {44, "twin"}};
        for (const auto& [pid, comm] : procs) {
            fs::create_directories(dir / std::to_string(pid));
            std::ofstream(dir / std::to_string(pid) / "comm") << comm << '\n';
        }
        return ProcRoot{dir.string()};
    }();
    return root;
}

void pid_argument(std::string_view s) {
    try {
        const int64_t pid = resolve_process(argument_tree(), s);
        // Only an existing PID comes back, and only for its number or its exact name.
        const bool by_number = !s.empty() && s.find_first_not_of("0123456789") == std::string_view::npos;
        require(pid == 1 || pid == 42 || pid == 43 || pid == 44);
        require(by_number || (pid == 1 && s == "init") || (pid == 42 && s == "app"));
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::NotFound || e.kind() == ErrorKind::Usage);
    }
}

int arguments(const uint8_t* data, std::size_t size) {
    std::string_view s = text(data, size);
    pid_argument(s);
    try {
        Thresholds t;
        apply_threshold_spec(s, t);
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Usage);
    }
    try {
        parse_size_kb(s);
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Usage);
    }
    try {
        require(parse_duration_ms(s) >= 0);
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Usage);
    }
    try {
        const SnapshotSpec spec = parse_snapshot_spec(s);
        // "FILE:N" splits at its last colon; anything else is a path as given.
        require(spec.line == 0 ? spec.path == s : s.starts_with(spec.path + ":"));
    } catch (const Error& e) {
        require(e.kind() == ErrorKind::Usage);  // "FILE:0": lines are numbered from 1
    }
    return 0;
}

const NamedTarget kTargets[] = {
    {"smaps", smaps},
    {"status", status},
    {"stat", stat},
    {"meminfo", meminfo},
    {"fdinfo", fdinfo},
    {"snapshot_json", snapshot_json},
    {"series_line", series_line},
    {"csv_record", csv_record},
    {"series_file", series_file},
    {"snapshot_text", snapshot_text},
    {"names", names},
    {"arguments", arguments},
};

}  // namespace

const NamedTarget* all_targets(std::size_t& count) {
    count = sizeof kTargets / sizeof kTargets[0];
    return kTargets;
}

}  // namespace memsnap::fuzz
