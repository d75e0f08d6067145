// formats/process_stream.h: a steady process's repeated line, spliced into a kept template,
// is the line stream_snapshot_line() writes for the same sample, byte for byte.
#include "formats/process_stream.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include "procfs/collect.h"

using namespace memsnap;

namespace {

std::string spliced(const Snapshot& kept, int64_t time_ms, const SystemMemory& system, uint64_t tick) {
    std::string out = "earlier line\n";  // append() adds to what a batch holds already
    StreamLineTemplate(kept).append(out, time_ms, stream_system_json(system), tick);
    REQUIRE(out.starts_with("earlier line\n"));
    return out.substr(13);
}

std::string written(Snapshot s, int64_t time_ms, const SystemMemory& system, uint64_t tick) {
    s.time_ms = time_ms;
    s.system = system;
    return stream_snapshot_line(s, tick);
}

}  // namespace

TEST_CASE("a repeated line is the line of the sample with the new time, system and tick") {
    Snapshot s;
    s.time_ms = 1700000000123;
    s.pid = 77;
    s.starttime = 4242;
    s.name = std::string("bad\xff name \"system\":{", 20);  // not UTF-8, and a key's look-alike
    s.uid = 1000;
    s.rollup = MemUsage{10, 20, 30, 1, 2, 3, 4, 5, 6};
    s.status.threads = 3;
    s.status.vm_hwm = 999;
    s.thread.by_name = {{"worker", 2}};
    s.cgroup = "/user.slice/\"tick\":1";
    s.host = "board";
    s.time_source = "capture manifest";
    s.system = SystemMemory{1, 2, 3};
    const SystemMemory now{24683568, 21872096, 23946388};
    for (uint64_t tick : {0ULL, 7ULL, 18446744073709551615ULL}) {
        for (int64_t t : {int64_t{0}, int64_t{1796225566167}, int64_t{-5}}) {
            CHECK(spliced(s, t, now, tick) == written(s, t, now, tick));
        }
    }
    // The kept sample's own time and system do not leak into a repeat.
    CHECK(spliced(s, 1, now, 2).find("1700000000123") == std::string::npos);
    CHECK(spliced(s, 1, now, 2).find("{\"total\":1,\"free\":2,\"available\":3}") == std::string::npos);
}

TEST_CASE("a repeated line of a live light sample, and of a full one with categories") {
    SmapsReader reader;
    CollectOptions light;
    light.light = true;
    light.resources = false;
    const Snapshot live_light = collect_snapshot(ProcRoot{}, getpid(), reader, light);
    REQUIRE(live_light.rollup);
    const Snapshot live_full = collect_snapshot(ProcRoot{}, getpid(), reader);
    REQUIRE(live_full.total().pss > 0);
    const SystemMemory now{100, 50, 70};
    for (const Snapshot* s : {&live_light, &live_full})
        CHECK(spliced(*s, 1234567, now, 41) == written(*s, 1234567, now, 41));
}
