#pragma once
// The stream of a many-process watch (`watch --all | PID... | --name ...`): NDJSON, one
// memsnap.snapshot/1 line per process per tick, each with "tick": N, and one memsnap.gone/1
// line when a process followed has gone (exited, or left the selection).
#include <cstdint>
#include <string>

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

}  // namespace memsnap
