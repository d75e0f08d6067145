#pragma once
// The memsnap command line: parses argv, runs one subcommand, returns the exit code.
namespace memsnap {

int run_memsnap(int argc, char** argv);

}  // namespace memsnap
