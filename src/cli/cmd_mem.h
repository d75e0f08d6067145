#pragma once
// `memsnap --mem [PID...]` / `memsnap mem [PID...]`: the hidumper-style table.
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `mem` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_mem_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
