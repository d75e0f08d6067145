#pragma once
// `memsnap watch PID`: timed snapshots streamed as NDJSON or CSV.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string_view>

namespace memsnap {

// Parses a duration: a number with ms, s, m or h ("500ms", "1.5s", "10m"); a plain number is
// seconds. Returns milliseconds; throws Error(Usage, ...) for anything else or a negative value.
int64_t parse_duration_ms(std::string_view text);

// Adds the `watch` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_watch_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
