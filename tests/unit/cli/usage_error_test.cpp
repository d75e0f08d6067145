// Usage errors in memsnap's words (cli/usage_error.h): each CLI11 message memsnap can raise
// (collected from the real binary: `memsnap diff a b c`, `memsnap --mem --top abc`, ...) and the
// sentence expected for it, written out here by hand.
#include "cli/usage_error.h"

#include <doctest/doctest.h>

using namespace memsnap;

TEST_CASE("every CLI11 message shape becomes a sentence about memsnap's arguments") {
    const char* hint = " (`memsnap diff --help` lists what it takes)";
    CHECK(usage_sentence("snapshots: At Most 2 required but received 3", "diff") ==
          std::string("memsnap diff: too many arguments: at most 2 (snapshots), not 3") + hint);
    CHECK(usage_sentence("snapshots is required", "diff") ==
          std::string("memsnap diff: the snapshots to compare (FILE, FILE:N or -) is missing") + hint);
    CHECK(usage_sentence("--threshold: 1 required SPEC missing", "diff") ==
          std::string("memsnap diff: --threshold needs a value (SPEC)") + hint);
    CHECK(usage_sentence("--js-heap: weird not in {ark,anon,auto}", "diff") ==
          std::string("memsnap diff: --js-heap takes ark, anon or auto, not 'weird'") + hint);
    CHECK(usage_sentence("Could not convert: --top = abc", "mem") ==
          "memsnap mem: --top does not take 'abc' (`memsnap mem --help` lists what it takes)");
    CHECK(usage_sentence("The following argument was not expected: --bogus", "mem") ==
          "memsnap mem: unknown option --bogus (`memsnap mem --help` lists what it takes)");
    CHECK(usage_sentence("The following argument was not expected: 2", "snapshot") ==
          "memsnap snapshot: unexpected argument 2 (one too many?) (`memsnap snapshot --help` "
          "lists what it takes)");
    CHECK(usage_sentence("--count excludes --duration", "watch") ==
          "memsnap watch: --count and --duration cannot be given together (`memsnap watch "
          "--help` lists what it takes)");
    CHECK(usage_sentence("pid is required", "") ==
          "memsnap: a PID (or 'self', or a process name) is missing (`memsnap --help` lists what "
          "it takes)");
}

TEST_CASE("a message of another shape is kept, with the hint") {
    CHECK(usage_sentence("something new\n", "watch") ==
          "memsnap watch: something new (`memsnap watch --help` lists what it takes)");
}
