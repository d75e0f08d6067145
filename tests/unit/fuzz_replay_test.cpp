// Every input the fuzzers ever found (tests/fixtures/fuzz-regressions/<target>/) and every
// fixture file of a reader's kind is run through that reader's fuzz target (fuzz/targets.cpp):
// a crash found once is a test forever after.
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
    for (std::size_t i = 0; i < n; ++i) {
        fs::path dir = fixtures / "fuzz-regressions" / std::string(targets[i].name);
        if (!fs::is_directory(dir)) continue;
        for (const auto& entry : fs::directory_iterator(dir)) {
            CAPTURE(entry.path().string());
            CHECK(run(targets[i].run, slurp(entry.path())) == 0);
            ++inputs;
        }
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
