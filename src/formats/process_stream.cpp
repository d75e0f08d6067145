#include "formats/process_stream.h"

#include "formats/json_text.h"
#include "formats/snapshot_json.h"

namespace memsnap {

std::string stream_snapshot_line(const Snapshot& snap, uint64_t tick) {
    nlohmann::ordered_json j = snapshot_to_json(snap);
    j["tick"] = tick;
    return dump_json(j) + "\n";
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

}  // namespace memsnap
