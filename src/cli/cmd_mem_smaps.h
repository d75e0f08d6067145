#pragma once
// `memsnap --mem-smaps PID [-v]` / `memsnap mem-smaps PID [-v]`: hidumper's per-mapping view.
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `mem-smaps` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_mem_smaps_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
