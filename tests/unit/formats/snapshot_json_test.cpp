// The snapshot JSON reader: round trips, forward compatibility and every malformed case.
#include "formats/snapshot_json.h"

#include <doctest/doctest.h>
#include <unistd.h>

#include <algorithm>
#include <string>

#include "formats/snapshot_source.h"
#include "model/error.h"
#include "procfs/collect.h"

using namespace memsnap;
using nlohmann::json;

namespace {

// A snapshot whose every number is different and non-zero, so a field read into the wrong
// place or dropped shows up as a mismatch.
Snapshot full_snapshot() {
    Snapshot s;
    uint64_t n = 1;
    s.time_ms = 1700000000123;
    s.pid = 4242;
    s.starttime = 987654321;
    s.name = "my app";
    s.uid = 1000;
    for (MemUsage& u : s.categories.rows) {
        u = MemUsage{n, n + 1, n + 2, n + 3, n + 4, n + 5, n + 6, n + 7, n + 8};
        n += 10;
    }
    s.native_heap = {{"jemalloc heap", MemUsage{1, 2, 3, 4, 5, 6, 7, 8, 9}},
                     {"brk heap", MemUsage{9, 8, 7, 6, 5, 4, 3, 2, 1}}};
    s.status = ProcessStatus{"my app", 4242, 1000, 11, 12, 13, 14, 15, 16, 17, 18, 19};
    s.fd = FdSummary{405, {{"pipe", 400}, {"socket", 5}}, "pipe", 400};
    s.thread = ThreadSummary{21, {{"worker", 20}, {"main", 1}}};
    s.dma = DmaSummary{300, 100, 200, {{"system", 300}}};
    s.gpu = GpuSummary{50, 40, 30};
    s.system = SystemMemory{8000000, 1000000, 4000000};
    s.js_runtime = "node";
    s.runtime = "node";
    s.allocator = "glibc";
    return s;
}

std::string error_of(const json& j) {
    try {
        snapshot_from_json(j, "f.json:3");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        return e.what();
    }
    return "no error";
}

std::string parse_error_of(const std::string& text, uint64_t line = 0, bool first_last = false) {
    try {
        parse_snapshots(text, "s.ndjson", line, first_last);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        return e.what();
    }
    return "no error";
}

json full_json() {
    return json::parse(snapshot_to_json(full_snapshot()).dump());
}

}  // namespace

TEST_CASE("a snapshot survives JSON and back with every number intact") {
    Snapshot s = full_snapshot();
    std::string text = snapshot_to_json(s).dump();
    Snapshot back = snapshot_from_json(json::parse(text), "x");
    CHECK(back == s);
    // And the text it writes is the text it read.
    CHECK(snapshot_to_json(back).dump() == text);
}

TEST_CASE("a snapshot of a live process survives JSON and back") {
    SmapsReader reader;
    Snapshot s = collect_snapshot(ProcRoot{}, getpid(), reader);
    REQUIRE(s.total().pss > 0);
    CHECK(snapshot_from_json(json::parse(snapshot_to_json(s).dump(2)), "x") == s);
}

TEST_CASE("unknown fields and categories are ignored, missing optional parts are zero") {
    json j = full_json();
    j["from_the_future"] = {{"a", 1}};
    j["categories"]["quantum_heap"] = {{"pss", 5}};
    j["categories"]["native_heap"]["new_counter"] = 7;
    j["schema"] = "memsnap.snapshot/1.4";  // a minor version adds fields only
    CHECK(snapshot_from_json(j, "x") == full_snapshot());

    json minimal = {{"schema", "memsnap.snapshot/1"},
                    {"time_ms", 5},
                    {"pid", 7},
                    {"starttime", 9},
                    {"name", "n"},
                    {"categories", json::object()}};
    Snapshot m = snapshot_from_json(minimal, "x");
    CHECK(m.pid == 7);
    CHECK(m.total() == MemUsage{});
    CHECK(m.fd.num == 0);
}

TEST_CASE("an unknown major schema version or another schema is refused") {
    json j = full_json();
    j["schema"] = "memsnap.snapshot/2";
    CHECK(
        error_of(j) ==
        "f.json:3: unsupported schema memsnap.snapshot/2 (this memsnap reads memsnap.snapshot/1)");
    j["schema"] = "memsnap.diff/1";
    CHECK(error_of(j) == "f.json:3: not a memsnap snapshot (schema \"memsnap.diff/1\")");
    j["schema"] = "memsnap.snapshot/x";
    CHECK(error_of(j) == "f.json:3: bad schema version \"memsnap.snapshot/x\"");
    CHECK(error_of(json::array()) == "f.json:3: not a snapshot (a JSON array, expected an object)");
}

TEST_CASE("a missing or ill-typed field is named") {
    for (const char* field : {"schema", "time_ms", "pid", "starttime", "name", "categories"}) {
        json j = full_json();
        j.erase(field);
        CHECK(error_of(j) == std::string("f.json:3: field ") + field + ": missing");
    }
    json j = full_json();
    j["categories"]["native_heap"]["pss"] = "12";
    CHECK(error_of(j) ==
          "f.json:3: field categories.native_heap.pss: expected a non-negative integer");
    j = full_json();
    j["categories"]["so"]["rss"] = -1;
    CHECK(error_of(j) == "f.json:3: field categories.so.rss: expected a non-negative integer");
    j = full_json();
    j["fd"]["by_type"]["pipe"] = 1.5;
    CHECK(error_of(j) == "f.json:3: field fd.by_type.pipe: expected a non-negative integer");
    j = full_json();
    j["status"] = 3;
    CHECK(error_of(j) == "f.json:3: field status: expected an object");
    j = full_json();
    j["native_heap"][1].erase("name");
    CHECK(error_of(j) == "f.json:3: field native_heap[1].name: missing");
    j = full_json();
    j["name"] = 5;
    CHECK(error_of(j) == "f.json:3: field name: expected a string");
}

TEST_CASE("NDJSON series: every line, one line, first and last") {
    Snapshot s = full_snapshot();
    std::string series;
    for (int i = 1; i <= 4; ++i) {
        s.time_ms = i;
        series += snapshot_to_json(s).dump() + "\n";
    }
    auto all = parse_snapshots(series, "s.ndjson");
    REQUIRE(all.size() == 4);
    CHECK(all[2].snapshot.time_ms == 3);
    CHECK(all[2].origin == "s.ndjson:3");
    auto one = parse_snapshots(series, "s.ndjson", 2);
    REQUIRE(one.size() == 1);
    CHECK(one[0].snapshot.time_ms == 2);
    auto ends = parse_snapshots(series + "\n", "s.ndjson", 0, true);
    REQUIRE(ends.size() == 2);
    CHECK(ends[0].snapshot.time_ms == 1);
    CHECK(ends[1].snapshot.time_ms == 4);
    CHECK(ends[1].origin == "s.ndjson:4");
    // Only the ends are parsed for first-and-last: a bad middle line does not matter there.
    std::string bad_middle = series;
    bad_middle.insert(bad_middle.find('\n') + 1, "garbage\n");
    CHECK(parse_snapshots(bad_middle, "s.ndjson", 0, true).size() == 2);
    CHECK(parse_error_of(bad_middle).starts_with("s.ndjson:2: not JSON (syntax error"));
}

TEST_CASE("a pretty-printed document, and an array of snapshots") {
    Snapshot s = full_snapshot();
    auto doc = parse_snapshots(snapshot_to_json(s).dump(2) + "\n", "a.json");
    REQUIRE(doc.size() == 1);
    CHECK(doc[0].snapshot == s);
    CHECK(doc[0].origin == "a.json");
    CHECK(parse_snapshots(snapshot_to_json(s).dump(2), "a.json", 1).size() == 1);
    CHECK(parse_error_of(snapshot_to_json(s).dump(2), 2) ==
          "s.ndjson:2: the file is one JSON document, not NDJSON lines");

    nlohmann::ordered_json arr = nlohmann::ordered_json::array();
    for (int i = 0; i < 3; ++i) arr.push_back(snapshot_to_json(s));
    auto many = parse_snapshots(arr.dump(2), "m.json", 0, true);
    REQUIRE(many.size() == 2);
    CHECK(many[1].origin == "m.json[2]");
}

TEST_CASE("bad input names the file and the line") {
    std::string line = snapshot_to_json(full_snapshot()).dump();
    CHECK(parse_error_of("") == "s.ndjson:1: empty file, not a snapshot");
    CHECK(parse_error_of("\n  \n") == "s.ndjson:1: empty file, not a snapshot");
    CHECK(parse_error_of(line + "\n" + line + "\n", 3) ==
          "s.ndjson:3: no such line (the file has 2)");
    CHECK(parse_error_of(line + "\n\n" + line + "\n", 2) ==
          "s.ndjson:2: blank line, not a snapshot");
    // A series whose last line was cut short.
    std::string cut = line + "\n" + line.substr(0, line.size() / 2);
    CHECK(parse_error_of(cut).starts_with("s.ndjson:2: truncated: the JSON ends before"));
    CHECK(parse_error_of(cut, 0, true).starts_with("s.ndjson:2: truncated"));
    // A pretty document cut short: the line is where the text stops.
    std::string pretty = snapshot_to_json(full_snapshot()).dump(2);
    std::string head = pretty.substr(0, pretty.find("\"status\""));
    uint64_t lines = 1 + std::count(head.begin(), head.end(), '\n');
    CHECK(parse_error_of(head).starts_with("s.ndjson:" + std::to_string(lines) + ": truncated"));
    CHECK(parse_error_of("hello world\n").starts_with("s.ndjson:1: not JSON"));
    CHECK(parse_error_of("{\"a\": 1}\n") == "s.ndjson:1: field schema: missing");
    CHECK(parse_error_of(line + "\n42\n") ==
          "s.ndjson:2: not a snapshot (a JSON number, expected an object)");
}

TEST_CASE("snapshot arguments: FILE, FILE:N and -") {
    CHECK(parse_snapshot_spec("-").path == "-");
    SnapshotSpec s = parse_snapshot_spec("/no/such/app.ndjson:12");
    CHECK(s.path == "/no/such/app.ndjson");
    CHECK(s.line == 12);
    CHECK(parse_snapshot_spec("a.json").line == 0);
    CHECK(parse_snapshot_spec("c:").path == "c:");
    CHECK(parse_snapshot_spec("/no/such:x1").path == "/no/such:x1");
    CHECK_THROWS_AS(parse_snapshot_spec("/no/such:0"), Error);
}
