#pragma once
// The fuzz targets: one function per reader, each taking arbitrary bytes and returning 0. They
// are libFuzzer's entry points (fuzz/CMakeLists.txt builds one binary per target) and are also
// replayed over tests/fixtures/fuzz-regressions/<target>/ by the normal test suite, so a crash
// found once is a test forever after. A target fails (aborts) only on a property violation; a
// memsnap::Error is the expected answer to bad input.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace memsnap::fuzz {

using Target = int (*)(const uint8_t* data, std::size_t size);

struct NamedTarget {
    std::string_view name;
    Target run;
};

// Every target, by name: smaps, status, stat, meminfo, fdinfo, snapshot_json, series_line,
// csv_record, series_file, snapshot_text, names, arguments.
const NamedTarget* all_targets(std::size_t& count);

}  // namespace memsnap::fuzz
