#include "targets.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <unistd.h>
#include <vector>

#include "cli/cmd_watch.h"
#include "diff/series.h"
#include "diff/verdict.h"
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
    Snapshot again = snapshot_from_json(nlohmann::json::parse(snapshot_to_json(s).dump()), "again");
    require(again == s);
    return 0;
}

int series_line(const uint8_t* data, std::size_t size) {
    SeriesSample fast;
    if (!scan_series_sample(text(data, size), fast)) return 0;
    // What the scanner accepts is JSON, and where the full reader accepts it too, they agree.
    nlohmann::json j = nlohmann::json::parse(text(data, size), nullptr, false);
    require(!j.is_discarded());
    try {
        SeriesSample full = sample_of(snapshot_from_json(j, "fuzz"));
        require(full.time_ms == fast.time_ms && full.pid == fast.pid &&
                full.starttime == fast.starttime);
    } catch (const Error&) {
        // The full reader checks types the scanner skips over: fine.
    }
    return 0;
}

int csv_record(const uint8_t* data, std::size_t size) {
    std::vector<std::string> fields;
    std::string_view line = text(data, size);
    if (line.find('\n') != std::string_view::npos) return 0;
    if (!parse_csv_record(line, fields)) return 0;
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
    {"arguments", arguments},
};

}  // namespace

const NamedTarget* all_targets(std::size_t& count) {
    count = sizeof kTargets / sizeof kTargets[0];
    return kTargets;
}

}  // namespace memsnap::fuzz
