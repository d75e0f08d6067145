#pragma once
// `memsnap capture PID... | --all [-o FILE] [-z] [--light]`: the files memsnap reads, into one
// tarball to analyse elsewhere with `--proc-root FILE`.
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `capture` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_capture_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
