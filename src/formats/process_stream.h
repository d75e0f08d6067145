#pragma once
// The stream of a many-process watch (`watch --all | PID... | --name ...`): NDJSON, one
// memsnap.snapshot/1 line per process per tick, each with "tick": N, and one memsnap.gone/1
// line when a process followed has gone (exited, or left the selection).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diff/process_group_series.h"
#include "diff/process_series.h"
#include "model/snapshot.h"

namespace memsnap {

inline constexpr const char* kGoneSchema = "memsnap.gone/1";

// A process of the stream that has gone: {"schema": "memsnap.gone/1", "tick", "time_ms",
// "pid", "starttime", "name", "reason"}. reason: "exited" (its PID is gone or belongs to
// another process now), "not selected" (it no longer matches --name/--user/--cgroup).
struct GoneMarker {
    uint64_t tick = 0;
    int64_t time_ms = 0;
    int64_t pid = 0;
    uint64_t starttime = 0;
    std::string name;
    std::string reason;
};

// One line (with its newline) of the stream: the snapshot's JSON with "tick" added.
std::string stream_snapshot_line(const Snapshot& snap, uint64_t tick);
std::string stream_gone_line(const GoneMarker& gone);

// A snapshot's stream line kept from one tick to the next: a steady process's repeated
// sample (cli/watch_many.cpp) differs from it only in "time_ms", "system" and "tick", which
// line() splices into the text of one JSON dump of the other members, instead of building the
// JSON again (1 000 lines a tick cost 16 ms of user time that way). line() is byte for byte
// stream_snapshot_line() of the snapshot with that time, system and tick.
class StreamLineTemplate {
  public:
    explicit StreamLineTemplate(const Snapshot& snap);
    // Appends the line (with its newline) to `out`; `system` is stream_system_json()'s text.
    void append(std::string& out, int64_t time_ms, std::string_view system, uint64_t tick) const;

  private:
    std::string head_;    // up to "time_ms":
    std::string middle_;  // from after its value up to "system":
    std::string tail_;    // from after the system object up to "tick":
};

// The "system" member's value as a stream line has it: {"total":..,"free":..,"available":..}.
std::string stream_system_json(const SystemMemory& system);

// True when `path` is a file (not "-") whose first non-blank line is a JSON object with a
// "tick" member: a many-process stream, which diff reads with read_process_stream().
bool is_process_stream(const std::string& path);

// The processes of one tick of the stream, summed: Pss + SwapPss of every line, and the
// system's memory as the tick's last line recorded it.
struct StreamTotals {
    uint64_t tick = 0;
    int64_t time_ms = 0;
    uint64_t processes = 0;
    uint64_t pss = 0;  // kB, Pss + SwapPss
    SystemMemory system;
};

struct ProcessStream {
    std::vector<ProcessSeries> processes;  // in the order of their first lines
    uint64_t ticks = 0;                     // ticks with at least one line
    StreamTotals first, last;               // the first tick's and the last tick's
    std::vector<std::string> warnings;      // "FILE:N: ... skipped", the first kMaxWarnings
    uint64_t more_warnings = 0;
    static constexpr std::size_t kMaxWarnings = 100;
};

// Reads a many-process stream one line at a time, holding per process only a ProcessSeries
// (bounded, diff/process_series.h) and the text of its latest full line. With `only_pid`,
// only that PID's processes are kept (the totals still count every line). A torn line of ours
// (a killed writer: it starts as our lines start) and a sample not after its process's
// previous one are skipped with a warning naming the line. Anything else that is not one of
// our lines -- not JSON, not an object, another schema, a snapshot missing a field -- is
// Error(Malformed, "FILE:N: ..."), as is a stream with no snapshot. With `groups`, every
// sample kept is also added to it (diff --group-by), at its tick's time.
ProcessStream read_process_stream(const std::string& path,
                                  std::optional<int64_t> only_pid = std::nullopt,
                                  ProcessGroupSeriesBuilder* groups = nullptr);

}  // namespace memsnap
