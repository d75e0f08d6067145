// The `Key: value` line scanner of status, meminfo and fdinfo (procfs/key_value.h). Every
// expected key, value and line number is read off the input text by hand.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "model/error.h"
#include "procfs/key_value.h"
#include "procfs/status.h"

using namespace memsnap;

namespace {
struct Seen {
    uint64_t line;
    std::string key, value;
    bool operator==(const Seen&) const = default;
};

std::vector<Seen> scan(std::string_view text) {
    std::vector<Seen> out;
    KeyValueLines lines(text, "f", "Key: value");
    while (lines.next())
        out.push_back({lines.line_no(), std::string(lines.key()), std::string(lines.value())});
    return out;
}

std::string error_of(std::string_view text) {
    try {
        scan(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        return e.what();
    }
    return "no error";
}
}  // namespace

TEST_CASE("key_value: split at the first colon, value untrimmed, blank lines counted") {
    // Line 2 is empty and line 4 only blanks: skipped, yet counted, so "c" is line 5.
    CHECK(scan("a:\t1 kB\n\nName:\tx: y \n \t\nc:\n") ==
          std::vector<Seen>{{1, "a", "\t1 kB"}, {3, "Name", "\tx: y "}, {5, "c", ""}});
    CHECK(scan("last: no newline") == std::vector<Seen>{{1, "last", " no newline"}});
    CHECK(scan("").empty());
    CHECK(scan("\n\n").empty());
}

TEST_CASE("key_value: a line without a key names its file and line") {
    CHECK(error_of("a: 1\nno colon here\n") == "f:2: expected 'Key: value'");
    CHECK(error_of("\n\n: 5\n") == "f:3: expected 'Key: value'");
    KeyValueLines lines("a: 1\nb: x\n", "meminfo", "Key: value kB");
    REQUIRE(lines.next());
    REQUIRE(lines.next());
    CHECK_THROWS_WITH_AS(lines.fail("expected a number"), "meminfo:2: expected a number", Error);
}

TEST_CASE("key_value: trim_blanks and parse_decimal") {
    CHECK(trim_blanks(" \t12 kB\t\r") == "12 kB");
    CHECK(trim_blanks(" \t ").empty());
    uint64_t v = 0;
    CHECK(parse_decimal("18446744073709551615", v));
    CHECK(v == UINT64_MAX);
    CHECK_FALSE(parse_decimal("18446744073709551616", v));  // one past 2^64 - 1
    CHECK_FALSE(parse_decimal("", v));
    CHECK_FALSE(parse_decimal(" 1", v));
    CHECK_FALSE(parse_decimal("1 ", v));
    CHECK_FALSE(parse_decimal("-1", v));
}

TEST_CASE("status: a raw CR is named on its line, and a key may not be empty") {
    // The CR is on line 4 (after a blank line 2): the count of newlines before it, plus one.
    std::string what;
    try {
        parse_status("Name:\tx\n\nPid:\t1\nVmRSS:\t1 kB\r\n", "st");
    } catch (const Error& e) {
        what = e.what();
    }
    CHECK(what == "st:4: a CR character, not as the kernel writes status");
    CHECK_THROWS_WITH_AS(parse_status("Name:\tx\n:\t5\n", "st"), "st:2: expected 'Key: value'",
                         Error);
}
