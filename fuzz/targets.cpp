#include "targets.h"

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
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

int arguments(const uint8_t* data, std::size_t size) {
    std::string_view s = text(data, size);
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
    parse_snapshot_spec(s);
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
