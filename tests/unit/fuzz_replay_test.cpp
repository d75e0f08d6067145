// Every input the fuzzers ever found (tests/fixtures/fuzz-regressions/<target>/) is run through
// every fuzz target (fuzz/targets.cpp), and every fixture file of a reader's kind through that
// reader's target: a crash found once is a test forever after, for every reader.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include "targets.h"

namespace fs = std::filesystem;

namespace {
std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}
int run(memsnap::fuzz::Target t, const std::string& data) {
    return t(reinterpret_cast<const uint8_t*>(data.data()), data.size());
}
}  // namespace

TEST_CASE("fuzz regressions and fixture seeds replay cleanly") {
    std::size_t n = 0;
    const memsnap::fuzz::NamedTarget* targets = memsnap::fuzz::all_targets(n);
    const fs::path fixtures = MEMSNAP_FIXTURES;
    std::size_t inputs = 0;
    for (const auto& entry : fs::recursive_directory_iterator(fixtures / "fuzz-regressions")) {
        if (!entry.is_regular_file()) continue;
        const std::string data = slurp(entry.path());
        for (std::size_t i = 0; i < n; ++i) {
            CAPTURE(entry.path().string());
            CAPTURE(targets[i].name);
            CHECK(run(targets[i].run, data) == 0);
        }
        ++inputs;
    }
    // Fixture files of each reader's kind.
    for (const auto& entry : fs::recursive_directory_iterator(fixtures)) {
        if (!entry.is_regular_file()) continue;
        std::string name = entry.path().filename().string();
        for (std::size_t i = 0; i < n; ++i) {
            std::string_view t = targets[i].name;
            bool match = (t == "smaps" && (name == "smaps" || name == "smaps_rollup")) ||
                         (t == "status" && name == "status") || (t == "stat" && name == "stat") ||
                         (t == "meminfo" && name == "meminfo") ||
                         (t == "fdinfo" && entry.path().parent_path().filename() == "fdinfo");
            if (!match) continue;
            CAPTURE(entry.path().string());
            CHECK(run(targets[i].run, slurp(entry.path())) == 0);
            ++inputs;
        }
    }
    CHECK(inputs > 10);
}
