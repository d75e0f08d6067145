#pragma once
// How wide the `--mem PID` table is (render/table.h TableOptions::width), from --columns, the
// terminal standard output is (TIOCGWINSZ) and $COLUMNS. Reads the environment and the
// terminal; prints nothing.
#include <string_view>

#include <CLI/CLI.hpp>

namespace memsnap {

// The width for --columns WHEN (0: hidumper's full layout): "all": 0; a number: that many
// characters; "auto" (the default): on a terminal, $COLUMNS when it is a number, else the
// terminal's width, else 80, and 0 when standard output is no terminal (a pipe or a file keeps
// one stable layout); "fit": as on a terminal, whatever standard output is.
int table_width_for(std::string_view columns);

// Checks a --columns value: all, auto, fit or a width of at least kMinTableWidth (render/table.h).
const CLI::Validator& columns_value();

}  // namespace memsnap
