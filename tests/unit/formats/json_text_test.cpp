// Names that are not UTF-8 (any process may call itself "\xff" with prctl): JSON output never
// fails on them, and the snapshot reader reads back the exact bytes (json_text.h).
#include "formats/json_text.h"

#include <doctest/doctest.h>

#include "formats/snapshot_json.h"
#include "model/error.h"

using namespace memsnap;
using nlohmann::json;

TEST_CASE("utf8_lossy replaces each invalid byte by U+FFFD and keeps valid text") {
    // Worked out by hand from RFC 3629: C3 A9 is e-acute; FF, a lone continuation 80, an
    // overlong C0 AF and a surrogate ED A0 80 are invalid byte by byte.
    CHECK(is_utf8("caf\xc3\xa9"));
    CHECK_FALSE(is_utf8("\xff"));
    CHECK_FALSE(is_utf8("\xed\xa0\x80"));
    CHECK(utf8_lossy("a\xff" "b") == "a\xef\xbf\xbd" "b");
    CHECK(utf8_lossy("\xc0\xaf") == "\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(utf8_lossy("\xc3") == "\xef\xbf\xbd");  // cut in the middle of a sequence
    CHECK(to_hex("\xff" "a") == "ff61");
    CHECK(from_hex("ff61") == std::optional<std::string>("\xff" "a"));
    CHECK_FALSE(from_hex("f").has_value());
    CHECK_FALSE(from_hex("zz").has_value());
}

TEST_CASE("names that are not UTF-8 survive a snapshot byte for byte") {
    Snapshot s;
    s.time_ms = 5;
    s.pid = 7;
    s.starttime = 9;
    s.name = "bad\xff\xfe";
    s.status.name = "bad\xff\xfe";
    s.native_heap = {{"[anon:\x80x]", MemUsage{1, 2, 3, 4, 5, 6, 7, 8, 9}}};
    // Three names with the same U+FFFD spelling "w\uFFFD": two invalid, one valid. Their
    // counts are added in by_name and split again by by_name_hex.
    s.thread = ThreadSummary{6, {{"w\xff", 1}, {"w\xfe", 2}, {"w\xef\xbf\xbd", 3}}};
    s.fd = FdSummary{3, {{"/tmp/\xff", 3}}, "/tmp/\xff", 3};
    s.dma = DmaSummary{1, 1, 0, {{"sys\xff", 1}}};
    const nlohmann::ordered_json j = snapshot_to_json(s);
    const std::string text = j.dump();  // valid UTF-8 throughout: no type_error.316
    const json back_json = json::parse(text);
    CHECK(back_json["name"] == "bad\xef\xbf\xbd\xef\xbf\xbd");
    CHECK(back_json["name_hex"] == "626164fffe");
    CHECK(back_json["thread"]["by_name"]["w\xef\xbf\xbd"] == 6);
    CHECK(back_json["thread"]["by_name_hex"] == json{{"77fe", 2}, {"77ff", 1}});
    Snapshot back = snapshot_from_json(back_json, "x");
    CHECK(back.name == s.name);
    CHECK(back.status.name == s.status.name);
    CHECK(back.native_heap == s.native_heap);
    CHECK(back.thread.by_name == s.thread.by_name);
    CHECK(back.fd == s.fd);
    CHECK(back.dma == s.dma);
    CHECK(back == s);
}

TEST_CASE("a _hex field that does not match its text field is malformed") {
    Snapshot s;
    s.name = "n";
    s.thread = ThreadSummary{1, {{"w\xff", 1}}};
    json j = json::parse(dump_json(snapshot_to_json(s)));
    auto error_of = [](const json& v) {
        try {
            snapshot_from_json(v, "f:1");
        } catch (const Error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    json odd = j;
    odd["name_hex"] = "abc";
    CHECK(error_of(odd) == "f:1: field name_hex: expected a string of hex digit pairs");
    json more = j;
    more["thread"]["by_name_hex"]["77ff"] = 2;  // by_name holds 1 for "w\uFFFD"
    CHECK(error_of(more) ==
          "f:1: field thread.by_name_hex.77ff: more than thread.by_name holds for its U+FFFD spelling");
    json valid = j;
    valid["thread"]["by_name_hex"] = {{"61", 1}};  // "a" is UTF-8: never written as hex
    CHECK(error_of(valid) ==
          "f:1: field thread.by_name_hex.61: not the hex of a name that is not UTF-8");
}
