#pragma once
// `memsnap snapshot PID [-o FILE | --append FILE]`: one snapshot as JSON (DESIGN.md section 5).
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `snapshot` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_snapshot_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
