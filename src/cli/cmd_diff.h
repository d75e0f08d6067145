#pragma once
// `memsnap diff A B` / `memsnap diff SERIES`: what grew between two snapshots, and the verdict.
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `diff` subcommand to `app`; when it runs, its exit code is stored in `exit_code`
// (0 nothing crossed a threshold, 1 something did).
void register_diff_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
