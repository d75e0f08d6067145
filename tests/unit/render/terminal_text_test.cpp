// Escaping names for the terminal (render/terminal_text.h): expected texts written by hand.
#include "render/terminal_text.h"

#include <doctest/doctest.h>

using namespace memsnap;

TEST_CASE("terminal text: ordinary names pass unchanged, UTF-8 included") {
    for (const char* s : {"", "[anon:ArkTS Heap]", "/usr/lib/x86_64-linux-gnu/libc.so.6 (deleted)",
                          "caf\xc3\xa9", "\xe6\x97\xa5\xe6\x9c\xac", "\xf0\x9f\x98\x80 emoji"}) {
        CHECK(is_terminal_safe(s));
        CHECK(escape_for_terminal(s) == s);
    }
}

TEST_CASE("terminal text: controls, escapes and bad bytes are written as escapes") {
    CHECK(escape_for_terminal("a\nb") == "a\\nb");
    CHECK(escape_for_terminal("a\tb\r") == "a\\tb\\r");
    CHECK(escape_for_terminal("\x1b[2J") == "\\x1b[2J");  // clear screen
    CHECK(escape_for_terminal("del\x7f") == "del\\x7f");
    CHECK(escape_for_terminal("back\\slash\n") == "back\\\\slash\\n");  // unambiguous
    CHECK(escape_for_terminal("csi\xc2\x9b"
                              "2J") == "csi\\xc2\\x9b2J");  // C1 CSI
    CHECK(escape_for_terminal("bad\xff") == "bad\\xff");
    CHECK(escape_for_terminal("cut\xe6\x97") == "cut\\xe6\\x97");           // a cut sequence
    CHECK(escape_for_terminal("over\xc0\xaf") == "over\\xc0\\xaf");         // overlong '/'
    CHECK(escape_for_terminal("sur\xed\xa0\x80") == "sur\\xed\\xa0\\x80");  // a surrogate
    CHECK(escape_for_terminal(std::string_view("nul\0x", 5)) == "nul\\x00x");
    CHECK(!is_terminal_safe("a\\b"));
}
