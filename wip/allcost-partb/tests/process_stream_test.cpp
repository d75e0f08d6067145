// The many-process stream's compact light line (issue 19): written without a DOM, it must read
// back, through both readers, as the very snapshot it was written from.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "diff/series.h"
#include "formats/process_stream.h"
#include "formats/series_scan.h"
#include "formats/snapshot_json.h"

using namespace memsnap;

namespace {
// A rollup-only sample as the many-process watch makes it: totals, threads, system memory.
Snapshot rollup_only() {
    Snapshot s;
    s.time_ms = 1700000000123;
    s.pid = 4242;
    s.starttime = 987654321;
    s.name = "we\"ird \\ name";
    s.uid = 1000;
    MemUsage t;
    t.rss = 2000;
    t.pss = 1234;
    t.shared_clean = 600;
    t.private_dirty = 900;
    t.swap = 8;
    t.swap_pss = 5;
    t.mappings = 1;
    s.rollup = t;
    s.status.threads = 7;
    s.system = {24000000, 100, 12000000};
    s.js_runtime = "node";
    return s;
}
Snapshot read_back(const std::string& line) {
    return snapshot_from_json(nlohmann::json::parse(line), "line");
}
}  // namespace

TEST_CASE("a rollup-only line is compact and reads back as its snapshot") {
    const Snapshot s = rollup_only();
    const std::string line = stream_snapshot_line(s, 3);
    REQUIRE(line.back() == '\n');
    const nlohmann::json j = nlohmann::json::parse(line);
    // The full form writes every category (~6 kB); this one none, and no zero part.
    CHECK(j["categories"].empty());
    for (const char* part : {"native_heap", "fd", "thread", "dma", "gpu"}) CHECK_FALSE(j.contains(part));
    CHECK(j["status"] == nlohmann::json{{"threads", 7}});
    CHECK(j["tick"] == 3);
    CHECK(j["light"] == true);
    CHECK(j["total"]["pss_total"] == 1234 + 5);
    CHECK(line.size() < 600);
    CHECK(read_back(line) == s);
    // The fast scanner reads what the full reader reads.
    SeriesSample fast;
    REQUIRE(scan_series_sample(line, fast));
    CHECK(fast.light);
    CHECK(fast.total_pss == 1234);
    CHECK(fast.total_swap_pss == 5);
    CHECK(fast.status_threads == 7);
    CHECK(fast.fd_num == 0);
    CHECK(fast.pid == 4242);
    CHECK(fast.starttime == 987654321u);
    CHECK(fast.time_ms == 1700000000123);
}

TEST_CASE("a compact line keeps names that are not UTF-8, and every status field not 0") {
    Snapshot s = rollup_only();
    s.name = std::string("a\xff", 2);
    s.status.name = s.name;
    s.status.pid = 4242;
    s.status.vm_rss = 2000;
    s.status.vm_swap = 8;
    s.time_source = "capture manifest";
    s.host = "phone";
    const std::string line = stream_snapshot_line(s, 0);
    const nlohmann::json j = nlohmann::json::parse(line);
    CHECK(j["name_hex"] == "61ff");
    CHECK(j["status"]["name_hex"] == "61ff");
    CHECK(j["status"].size() == 5);  // name, name_hex, pid, vm_rss, vm_swap
    CHECK(read_back(line) == s);
    // The full form (nlohmann) writes the same text for the fields both have.
    const nlohmann::json full = snapshot_to_json(s);
    for (const char* key : {"schema", "unit", "time_ms", "pid", "starttime", "name", "name_hex",
                            "uid", "rules", "total", "system", "js_runtime", "light",
                            "time_source", "host"})
        CHECK(j[key] == full[key]);
}

TEST_CASE("a light sample with more than totals is written in full") {
    Snapshot s = rollup_only();
    s.fd.num = 3;  // not a sample the many-process watch makes light, but written exactly
    const std::string line = stream_snapshot_line(s, 1);
    const nlohmann::json j = nlohmann::json::parse(line);
    CHECK(j["categories"].size() == kCategoryCount);
    CHECK(j["fd"]["num"] == 3);
    CHECK(read_back(line) == s);
    // A full sample too.
    Snapshot f = rollup_only();
    f.rollup.reset();
    f.categories.rows[0].pss = 10;
    CHECK(nlohmann::json::parse(stream_snapshot_line(f, 1))["categories"].size() == kCategoryCount);
}
