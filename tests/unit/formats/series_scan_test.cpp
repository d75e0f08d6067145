// The fast series-line scanner must agree with the full JSON reader, and give up (never guess)
// on anything else.
#include <doctest/doctest.h>

#include "diff/series.h"
#include "formats/series_scan.h"
#include "formats/snapshot_json.h"
#include "model/error.h"

using namespace memsnap;

namespace {
Snapshot sample_snapshot() {
    Snapshot s;
    s.time_ms = 1700000000123;
    s.pid = 4242;
    s.starttime = 987654321;
    s.name = "we\"ird \\ name";  // escapes inside a value the scanner skips
    uint64_t v = 1;
    for (auto& row : s.categories.rows) {
        row.pss = v;
        row.rss = v * 3;
        v += 7;
    }
    s.fd.num = 17;
    s.fd.by_type = {{"pipe", 9}, {"socket", 8}};
    s.thread.num = 5;
    s.thread.by_name = {{"worker-*", 4}};
    s.status.threads = 5;
    s.dma.total = 1024;
    s.gpu.total = 2048;
    s.gpu.mapped = 64;
    s.native_heap.push_back({"heap", {}});
    return s;
}
}  // namespace

TEST_CASE("scanner and full reader agree on a snapshot line") {
    Snapshot s = sample_snapshot();
    std::string line = snapshot_to_json(s).dump();
    SeriesSample fast;
    REQUIRE(scan_series_sample(line, fast));
    SeriesSample full = sample_of(snapshot_from_json(nlohmann::json::parse(line), "x"));
    CHECK(fast.time_ms == full.time_ms);
    CHECK(fast.pid == full.pid);
    CHECK(fast.starttime == full.starttime);
    CHECK(fast.pss == full.pss);
    CHECK(fast.fd_num == 17);
    CHECK(fast.thread_num == 5);
    CHECK(fast.status_threads == 5);
    CHECK(fast.dma_total == 1024);
    CHECK(fast.gpu_total == 2048);
    CHECK(fast.gpu_mapped == 64);
    CHECK(fast.total_pss == full.total_pss);
    CHECK_FALSE(fast.light);
    // Pretty-printed (with newlines and indentation) is the same object.
    SeriesSample pretty;
    REQUIRE(scan_series_sample(snapshot_to_json(s).dump(2), pretty));
    CHECK(pretty.pss == fast.pss);
}

TEST_CASE("a light sample carries its total") {
    Snapshot s = sample_snapshot();
    s.categories = {};
    s.rollup = MemUsage{};
    s.rollup->pss = 777;
    SeriesSample fast;
    REQUIRE(scan_series_sample(snapshot_to_json(s).dump(), fast));
    CHECK(fast.light);
    CHECK(fast.total_pss == 777);
}

TEST_CASE("the scanner gives up on anything it should not guess") {
    std::string line = snapshot_to_json(sample_snapshot()).dump();
    SeriesSample out;
    CHECK_FALSE(scan_series_sample(line.substr(0, line.size() / 2), out));  // torn
    CHECK_FALSE(scan_series_sample(line + "x", out));                       // trailing garbage
    std::string v2 = line;
    v2.replace(v2.find("snapshot/1"), 10, "snapshot/2");
    CHECK_FALSE(scan_series_sample(v2, out));  // unknown major: the full reader says so
    std::string minor = line;
    minor.replace(minor.find("snapshot/1"), 10, "snapshot/1.4");
    CHECK(scan_series_sample(minor, out));  // a newer minor version is read
    std::string neg = line;
    neg.replace(neg.find("\"pid\":4242"), 10, "\"pid\":-4242");
    CHECK_FALSE(scan_series_sample(neg, out));
    CHECK_FALSE(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2})", out));  // no starttime
    // name and categories are required, as the full reader requires them (issue 22 item 4).
    CHECK_FALSE(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2,"starttime":3,"categories":{}})", out));
    CHECK_FALSE(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2,"starttime":3,"name":"n"})", out));
    CHECK(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2,"starttime":3,"name":"n","categories":{},"x":[1,{"y":[true,null,-1.5e3]}]})", out));
    CHECK(out.starttime == 3);
    CHECK_FALSE(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2,"starttime":3,"x":[1,}])", out));
    // Numbers nlohmann rejects, the scanner rejects too (found by fuzz_series_line): a leading
    // zero, in a field it reads and in one it skips, a bare sign or point, a double's overflow.
    const std::string head = R"({"schema":"memsnap.snapshot/1","time_ms":1,"pid":2,"starttime":3,"name":"n","categories":{},"x":)";
    CHECK_FALSE(scan_series_sample(R"({"schema":"memsnap.snapshot/1","time_ms":01,"pid":2,"starttime":3,"name":"n","categories":{}})", out));
    for (const char* bad : {"05632", "-", "1.", ".5", "1e", "1e+", "1-2", "--1", "1e999"})
        CHECK_FALSE(scan_series_sample(head + bad + "}", out));
    for (const char* good : {"0", "-0", "0.5", "-1.5e-3", "1E+2", "12345678901234567890123"})
        CHECK(scan_series_sample(head + good + "}", out));
    // Strings likewise: bad UTF-8 (found by fuzz_series_line), overlong and surrogate forms,
    // unknown escapes and lone surrogate escapes are rejected; good ones of each kind pass.
    for (const char* bad : {"\"\x93\x92\"", "\"\xc0\xaf\"", "\"\xed\xa0\x80\"", "\"\xf4\x90\x80\x80\"",
                            "\"\xe2\x82\"", R"("\q")", R"("\u12")", R"("\udc00")", R"("\ud800x")"})
        CHECK_FALSE(scan_series_sample(head + bad + "}", out));
    for (const char* good : {"\"\xc3\xa9\"", "\"\xe2\x82\xac\"", "\"\xf0\x9f\x98\x80\"", R"("\n\t\"\\\/")",
                             R"("\u00e9")", R"("\ud83d\ude00")"})
        CHECK(scan_series_sample(head + good + "}", out));
    CHECK_FALSE(scan_series_sample("", out));
    CHECK_FALSE(scan_series_sample("[]", out));
}

TEST_CASE("the scanner gives up where the full reader would see something else") {
    // Issue 22 item 4: each of these the scanner used to read differently from the full
    // reader (nlohmann keeps the last of duplicated keys; it requires name and categories and
    // checks the type of every field it reads). Giving up hands the line to the full reader.
    const std::string line = snapshot_to_json(sample_snapshot()).dump();
    SeriesSample out;
    REQUIRE(scan_series_sample(line, out));
    auto with = [&](std::string_view from, std::string_view to) {
        std::string l = line;
        REQUIRE(l.find(from) != std::string::npos);
        l.replace(l.find(from), from.size(), to);
        return l;
    };
    const std::string spike = R"("categories":{"native_heap":{"pss":61440}},"categories":)";
    CHECK_FALSE(scan_series_sample(with("\"categories\":", spike), out));
    CHECK_FALSE(scan_series_sample(with("\"pid\":4242", "\"pid\":1,\"pid\":4242"), out));
    CHECK_FALSE(scan_series_sample(with("\"pss\":1,", "\"pss\":9,\"pss\":1,"), out));
    CHECK_FALSE(scan_series_sample(with("\"uid\":0", "\"uid\":-1"), out));
    CHECK_FALSE(scan_series_sample(with("\"uid\":0", "\"uid\":4294967296"), out));
    CHECK_FALSE(scan_series_sample(with("\"vm_rss\":0", "\"vm_rss\":\"x\""), out));
    CHECK_FALSE(scan_series_sample(with("\"by_type\":{", "\"by_type\":{\"x\":null,"), out));
    CHECK_FALSE(scan_series_sample(with("\"name\":\"heap\"", "\"name\":null"), out));
    CHECK_FALSE(scan_series_sample(with("\"pid\":4242", "\"p\\u0069d\":4242"), out));
    CHECK_FALSE(scan_series_sample(with("\"uid\":0", "\"name_hex\":\"ff\",\"uid\":0"), out));
    // A count past 2^48 is refused by the full reader (model/mem_usage.h), so here too.
    CHECK_FALSE(scan_series_sample(with("\"pss\":1,", "\"pss\":281474976710657,"), out));
    // Each of these the full reader rejects: the scanner's false sends the line there.
    for (const std::string& l : {with("\"uid\":0", "\"uid\":-1"), with("\"name\":\"heap\"", "\"name\":null")})
        CHECK_THROWS(snapshot_from_json(nlohmann::json::parse(l), "x"));
    // The total of a full sample is the categories' sum, whatever its "total" field says.
    REQUIRE(scan_series_sample(with("\"total\":{\"pss\":", "\"total\":{\"pss\":1"), out));
    CHECK(out.total_pss == sample_of(snapshot_from_json(nlohmann::json::parse(line), "x")).total_pss);
}

TEST_CASE("cgroup: written when known, read back by the full reader, checked by the scanner") {
    Snapshot s = sample_snapshot();
    CHECK_FALSE(snapshot_to_json(s).contains("cgroup"));  // unknown: absent, as before it existed
    s.cgroup = "/system.slice/nginx.service";
    const std::string line = snapshot_to_json(s).dump();
    CHECK(snapshot_from_json(nlohmann::json::parse(line), "x").cgroup == s.cgroup);
    SeriesSample out;
    CHECK(scan_series_sample(line, out));
    // A cgroup that is not a string the full reader refuses: the scanner hands it over.
    std::string bad = line;
    bad.replace(bad.find("\"/system.slice/nginx.service\""), 29, "7");
    CHECK_FALSE(scan_series_sample(bad, out));
    CHECK_THROWS_AS(snapshot_from_json(nlohmann::json::parse(bad), "x"), Error);
}
