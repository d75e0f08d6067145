#pragma once
// `memsnap report A B | SERIES [-o FILE.html]`: the self-contained HTML report
// (render/report_html.h) of two snapshots or a series.
#include <CLI/CLI.hpp>

namespace memsnap {

// Adds the `report` subcommand to `app`.
void register_report_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
