// The per-mapping records of a snapshot (formats/mapping_records.h): the encoding written out
// by hand, round trips through the snapshot reader and the series scanner, and every malformed
// record named by its number.
#include "formats/mapping_records.h"

#include <doctest/doctest.h>

#include <string>

#include "diff/series.h"
#include "formats/series_scan.h"
#include "formats/snapshot_json.h"
#include "model/error.h"

using namespace memsnap;
using nlohmann::json;

namespace {

MappingRecord record(uint64_t start, uint64_t end, const char* perms, uint32_t name, Category c,
                     uint64_t rss = 0, uint64_t pss = 0, uint64_t swap_pss = 0) {
    MappingRecord r;
    r.start = start;
    r.end = end;
    std::snprintf(r.perms, sizeof r.perms, "%s", perms);
    r.name = name;
    r.category = c;
    r.rss = rss;
    r.pss = pss;
    r.swap_pss = swap_pss;
    return r;
}

// Three mappings: libc's text, its unnamed neighbour, and a shared file far above.
MappingSet three() {
    MappingSet s;
    s.names = {"/usr/lib/libc.so.6", "", "/tmp/a b"};
    s.records = {record(0x7f0000000000, 0x7f0000200000, "r-xp", 0, Category::So, 900, 300),
                 record(0x7f0000200000, 0x7f0000201000, "rw-p", 1, Category::AnonOther, 4, 4, 2),
                 record(0x7f1000000000, 0x7f1000400000, "rw-s", 2, Category::FileOther)};
    return s;
}

MappingSet decode(const std::string& text) {
    return mappings_from_json(json::parse(text), "t");
}

}  // namespace

TEST_CASE("mapping records: the encoding, worked out by hand") {
    nlohmann::ordered_json j = mappings_to_json(three());
    // Addresses in 4 KiB units: 0x7f0000000000 / 4096 = 0x7f0000000, 2 MiB = 0x200 pages; the
    // second record starts where the first ends (gap 0) and is 1 page; the third starts
    // 0x7f1000000000 - 0x7f0000201000 = 0x1000000000 - 0x201000 = 0xfffdff000 bytes = 0xfffdff
    // pages later and is 0x400 pages. Perms: r-x = 1+4 = 5, rw- = 3, rw-s = 3+8 = b. Rows in table
    // order: so, AnonPage other comes before .so in the table, so categories = [anon_other, so,
    // file_other].
    CHECK(j["unit"] == 4096);
    CHECK(j["categories"] == json({"anon_other", "so", "file_other"}));
    CHECK(j["names"] == json({"/usr/lib/libc.so.6", "", "/tmp/a b"}));
    CHECK(j["records"] == "7f0000000,200,5,0,1,900,300 0,1,3,1,0,4,4,2 fffdff,400,b,2,2");
    CHECK(decode(j.dump()) == three());
}

TEST_CASE("mapping records: unaligned addresses use byte units, and going back is '-'") {
    MappingSet s;
    s.names = {"x"};
    s.records = {record(0x1010, 0x1020, "r--p", 0, Category::FileOther, 1),
                 record(0x1000, 0x1010, "---p", 0, Category::FileOther)};
    nlohmann::ordered_json j = mappings_to_json(s);
    CHECK(j["unit"] == 1);
    // Second record: starts 0x20 before the first's end.
    CHECK(j["records"] == "1010,10,1,0,0,1 -20,10,0,0,0");
    CHECK(decode(j.dump()) == s);
}

TEST_CASE("mapping records: an empty set, and a snapshot round trip keeps them") {
    CHECK(decode(mappings_to_json(MappingSet{}).dump()) == MappingSet{});
    Snapshot snap;
    snap.pid = 7;
    snap.name = "p";
    snap.mappings = three();
    Snapshot back = snapshot_from_json(json::parse(snapshot_to_json(snap).dump()), "t");
    REQUIRE(back.mappings.has_value());
    CHECK(*back.mappings == three());
    // Without --mappings there is no member, and the reader leaves them absent.
    snap.mappings.reset();
    json plain = json::parse(snapshot_to_json(snap).dump());
    CHECK(!plain.contains("mappings"));
    CHECK(!snapshot_from_json(plain, "t").mappings.has_value());
}

TEST_CASE("mapping records: the series scanner leaves them to the full reader") {
    Snapshot snap;
    snap.pid = 7;
    snap.name = "p";
    snap.mappings = three();
    std::string line = snapshot_to_json(snap).dump();
    SeriesSample fast;
    // A line with records is the full reader's to decode and check: the scanner declines it.
    CHECK(!scan_series_sample(line, fast));
    CHECK(sample_of(snapshot_from_json(json::parse(line), "t")).mappings);
    snap.mappings.reset();
    line = snapshot_to_json(snap).dump();
    REQUIRE(scan_series_sample(line, fast));
    CHECK(!fast.mappings);
    // null is absent for both.
    json j = json::parse(line);
    j["mappings"] = nullptr;
    REQUIRE(scan_series_sample(j.dump(), fast));
    CHECK(!fast.mappings);
    CHECK(!snapshot_from_json(j, "t").mappings.has_value());
}

TEST_CASE("mapping records: a row key of a newer memsnap is AnonPage other, extra fields pass") {
    MappingSet s = decode(
        R"({"unit":4096,"categories":["quantum_heap"],"names":[""],"records":"10,1,3,0,0,4,4,0,99","later":1})");
    REQUIRE(s.records.size() == 1);
    CHECK(s.records[0].category == Category::AnonOther);
    CHECK(s.records[0].start == 0x10000);
    CHECK(s.records[0].end == 0x11000);
    CHECK(std::string(s.records[0].perms) == "rw-p");
    CHECK(s.records[0].pss == 4);
}

TEST_CASE("mapping records: malformed input names the record") {
    auto fails = [](const std::string& records, const char* what) {
        std::string text =
            R"({"unit":4096,"categories":["so"],"names":["a"],"records":")" + records + "\"}";
        try {
            decode(text);
            FAIL("accepted: " << records);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Malformed);
            CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
        }
    };
    fails("0,1,5,0,0 0,1,5,1,0", "record 2: name index out of range");
    fails("0,1,5,0,3", "record 1: category index out of range");
    fails("0,1,g,0,0", "record 1: expected a number");
    fails("0,1,10,0,0", "record 1: bad permissions");
    fails("0,1,5,0", "record 1: expected ','");
    fails("0,1,5,0,0,", "record 1: expected a number");
    fails("0,1,5,0,0  0,1,5,0,0", "record 2: expected a number");
    fails("fffffffffffff,1,5,0,0", "record 1: address out of range");  // x 4096 > 2^64
    fails("-1,1,5,0,0", "record 1: address out of range");             // before address 0
    fails("0,1,5,0,0,99999999999999999999", "record 1: number out of range");
    // 2^48 + 1 kB: more than any 64-bit address space holds (README "Limits").
    fails("0,1,5,0,0,281474976710657", "record 1: out of range (more than 2^48)");
    // Seventeen records of 2^48 kB each: 17 x 2^48 > 2^52, the most a process may add up to.
    std::string many;
    for (int i = 0; i < 17; ++i) many += std::string(i ? " " : "") + "0,1,5,0,0,281474976710656";
    fails(many, "record 17: the counters add up past 2^52 kB");
    auto member_fails = [](const std::string& text, const char* what) {
        try {
            decode(text);
            FAIL("accepted: " << text);
        } catch (const Error& e) {
            CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
        }
    };
    member_fails(R"({"categories":[],"names":[],"records":""})", "mappings.unit: missing");
    member_fails(R"({"unit":8192,"categories":[],"names":[],"records":""})", "mappings.unit");
    member_fails(R"({"unit":1,"categories":[1],"names":[],"records":""})", "mappings.categories");
    member_fails(R"({"unit":1,"categories":[],"names":[3],"records":""})", "mappings.names");
    member_fails(R"({"unit":1,"categories":[],"names":[],"records":[]})", "mappings.records");
    member_fails(R"([])", "mappings");
}

TEST_CASE("mapping records: a name that is not UTF-8 travels as U+FFFD and names_hex") {
    MappingSet s;
    s.names = {"ok", std::string("/tmp/\xff\xfe", 7)};
    s.records = {record(0x1000, 0x2000, "rw-p", 0, Category::AnonOther, 4, 4),
                 record(0x2000, 0x3000, "r--s", 1, Category::FileOther, 4, 4)};
    nlohmann::ordered_json j = mappings_to_json(s);
    // Each invalid byte is U+FFFD (EF BF BD); the exact bytes by index: "/tmp/" is 2f746d702f.
    CHECK(j["names"][1] == "/tmp/\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(j["names_hex"].dump() == R"({"1":"2f746d702ffffe"})");
    CHECK(decode(j.dump()) == s);
    Snapshot snap;
    snap.name = "p";
    snap.mappings = s;
    CHECK(snapshot_from_json(json::parse(snapshot_to_json(snap).dump()), "t").mappings == s);
    auto fails = [](const std::string& hex, const char* what) {
        try {
            decode(R"({"unit":4096,"categories":["so"],"names":["a"],"names_hex":)" + hex +
                   R"(,"records":""})");
            FAIL("accepted: " << hex);
        } catch (const Error& e) {
            CHECK(e.kind() == ErrorKind::Malformed);
            CHECK_MESSAGE(std::string(e.what()).find(what) != std::string::npos, e.what());
        }
    };
    fails(R"({"1":"61"})", "mappings.names_hex: \"1\" is not the index of a name");
    fails(R"({"x":"61"})", "is not the index of a name");
    fails(R"({"0":"6"})", "expected a string of hex digit pairs");
    fails(R"([])", "mappings.names_hex: expected an object");
}
