#pragma once
// What every subcommand shares: the options common to all, exit codes, output helpers.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "diff/verdict.h"
#include "model/error.h"
#include "model/rules/rule_set.h"

namespace memsnap {

// Exit codes (man/memsnap.1, EXIT STATUS).
enum ExitCode : int {
    kExitOk = 0,
    kExitThreshold = 1,  // diff/watch: a leak threshold was crossed
    kExitUsage = 2,
    kExitNotFound = 3,
    kExitPermission = 4,
    kExitMalformed = 5,
    kExitIo = 6,
};

int exit_code_for(ErrorKind kind);

// The uid of --user NAME|UID (a number is taken as it is); Error(Usage) for an unknown name.
uint32_t resolve_user(const std::string& user);
// The name of `uid` in this machine's user database (getpwuid_r), else the UID as a number.
std::string user_name_or_uid(uint32_t uid);

struct CommonOptions {
    std::string format = "table";
    bool human = false;
};

// Adds --format (restricted to `formats`) and --human to `cmd`.
void add_common_options(CLI::App& cmd, CommonOptions& options,
                        const std::vector<std::string>& formats);

// Refuses an empty FILE (`-o ''` must not quietly mean standard output): for -o, --append.
const CLI::Validator& non_empty_file();

// Adds --rules memsnap|hidumper|dumpsys (model/rules/rule_set.h), stored in `rules`.
void add_rules_option(CLI::App& cmd, RuleSetId& rules);

// How a subcommand that reads processes reads and classifies them: one definition of the
// options every such subcommand takes, added by add_read_options().
struct ReadOptions {
    std::string proc_root = "/proc";       // --proc-root: a /proc-like tree or a capture
    RuleSetId rules = RuleSetId::Memsnap;  // --rules
    bool no_infer = false;                 // --no-infer: name rules only
};

// How a subcommand that judges growth judges it: one definition of --threshold and --js-heap
// (diff, plot, report, watch), added by add_judge_options().
struct JudgeOptions {
    std::vector<std::string> thresholds;  // --threshold GROUP=ABS[/PCT%],... (repeatable)
    std::string js_heap = "auto";         // --js-heap ark|anon|auto
    // The default thresholds with every --threshold applied (apply_threshold_spec's errors).
    Thresholds thresholds_with_overrides() const;
    JsHeapMode js_heap_mode() const { return parse_js_heap_mode(js_heap); }
};

// Adds --threshold and --js-heap to `cmd`.
void add_judge_options(CLI::App& cmd, JudgeOptions& options);

// Adds --proc-root, --rules and --no-infer to `cmd`.
void add_read_options(CLI::App& cmd, ReadOptions& options);
// --proc-root alone, with `help` saying what is read from there (memsnap capture's).
void add_proc_root_option(CLI::App& cmd, std::string& proc_root, const std::string& help);

// Adds --group-by program|user|cgroup (model/process_groups.h), what it does in `help`, stored
// as the name in `key` ("" when not given; parse_group_by() reads it).
void add_group_by_option(CLI::App& cmd, std::string& key, const std::string& help);

// True when colour may be printed: stdout is a terminal, NO_COLOR is not set (whatever its
// value, even empty) and TERM is not "dumb".
bool stdout_wants_colour();

// Writes `text` to stdout; a closed pipe (memsnap ... | head) is not an error.
void write_stdout(std::string_view text);

// Prints "memsnap: <message>" on stderr.
void print_error(std::string_view message);

}  // namespace memsnap
