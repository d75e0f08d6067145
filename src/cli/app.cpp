#include "cli/app.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "cli/cmd_capture.h"
#include "cli/cmd_diff.h"
#include "cli/cmd_mem.h"
#include "cli/cmd_plot.h"
#include "cli/cmd_mem_smaps.h"
#include "cli/cmd_report.h"
#include "cli/cmd_serve.h"
#include "cli/cmd_snapshot.h"
#include "cli/cmd_watch.h"
#include "cli/common.h"
#include "cli/usage_error.h"

namespace memsnap {
namespace {

// The subcommands, in --help's order.
struct Command {
    std::string_view name;
    void (*add)(CLI::App&, int&);
};
constexpr Command kCommands[] = {
    {"mem", register_mem_command},         {"mem-smaps", register_mem_smaps_command},
    {"snapshot", register_snapshot_command}, {"diff", register_diff_command},
    {"watch", register_watch_command},     {"plot", register_plot_command},
    {"report", register_report_command},   {"capture", register_capture_command},
#ifdef MEMSNAP_HAVE_SERVE
    {"serve", register_serve_command},
#endif
};

const Command* find_command(std::string_view name) {
    for (const Command& c : kCommands)
        if (c.name == name) return &c;
    return nullptr;
}

// `memsnap --mem ...` is hidumper's spelling of `memsnap mem ...`; with no subcommand, any
// option other than --help/--version also means `mem` (`memsnap --smaps FILE`). A subcommand
// is only ever the first argument: `memsnap --mem diff` reads a process named "diff", and a
// `--mem` after `--` is an argument like any other.
std::vector<std::string> normalise_args(int argc, char** argv) {
    std::vector<std::string> args(argv + 1, argv + argc);
    const bool has_subcommand = !args.empty() && find_command(args.front()) != nullptr;
    if (has_subcommand) return args;
    // `memsnap --mem-smaps PID` is hidumper's spelling of `memsnap mem-smaps PID`.
    auto dashes = std::find(args.begin(), args.end(), "--");
    if (auto it = std::find(args.begin(), dashes, "--mem-smaps"); it != dashes) {
        args.erase(it);
        args.insert(args.begin(), "mem-smaps");
        return args;
    }
    bool wants_mem = false, after_dashes = false;
    std::vector<std::string> out;
    for (const std::string& a : args) {
        after_dashes = after_dashes || a == "--";
        if (a == "--mem" && !after_dashes) {
            wants_mem = true;
            continue;
        }
        out.push_back(a);
    }
    if (!has_subcommand && (wants_mem || (!out.empty() && out.front() != "--help" &&
                                          out.front() != "-h" && out.front() != "--version")))
        out.insert(out.begin(), "mem");
    return out;
}

// A descriptor 0-2 that is closed would be the next file memsnap opens, and stderr's messages
// or a summary would land in an output file (`watch -o f 2>&-`): hold them on /dev/null.
// Filled lowest first, so open() returns the very descriptor that was closed.
void open_standard_descriptors() {
    for (int fd = 0; fd <= 2; ++fd) {
        if (::fcntl(fd, F_GETFD) == -1 && errno == EBADF) (void)::open("/dev/null", O_RDWR);
    }
}

}  // namespace

int run_memsnap(int argc, char** argv) {
    open_standard_descriptors();
    std::signal(SIGPIPE, SIG_IGN);
    // Past RLIMIT_FSIZE a write fails with EFBIG and is reported (exit 6, temporary file
    // removed) instead of SIGXFSZ killing memsnap silently.
    std::signal(SIGXFSZ, SIG_IGN);
    CLI::App app{
        "memsnap: where a process's memory went, and what grew between two moments.\n"
        "Reads /proc only; never stops or attaches to the process it looks at.\n\n"
        "  memsnap --mem PID...     the memory table of each PID (hidumper's spelling of\n"
        "                           `memsnap mem PID...`); no PID: every process\n"
        "  memsnap --smaps FILE     classify a lone smaps file ('-': standard input)\n"
        "  memsnap mem --help       every option of --mem"};
    app.name("memsnap");
    app.set_version_flag("--version", MEMSNAP_VERSION);
    app.require_subcommand(0, 1);
    int exit_code = kExitOk;
    // A subcommand is only ever the first argument, so only that one is built: building all
    // nine (some 200 options) was most of memsnap's start-up, which the all-process listing
    // pays against a `cat` of every smaps_rollup. With no subcommand (--help, --version, no
    // argument) every one is there, for the help to list.
    std::vector<std::string> args = normalise_args(argc, argv);
    if (const Command* only = args.empty() ? nullptr : find_command(args.front())) {
        only->add(app, exit_code);
    } else {
        for (const Command& c : kCommands) c.add(app, exit_code);
    }
    app.footer(
        "Exit status: 0 ok, 1 a diff/watch threshold was crossed, 2 usage error, 3 process not\n"
        "found or gone, 4 permission denied, 5 malformed input file, 6 other I/O error.\n");

    if (args.empty()) {
        std::fputs(app.help().c_str(), stdout);
        return kExitUsage;
    }
    std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 wants them reversed
    try {
        app.parse(reversed);
    } catch (const CLI::ParseError& e) {
        if (e.get_exit_code() == 0) return app.exit(e) == 0 ? kExitOk : kExitUsage;  // --help
        // Anything else in memsnap's words, not CLI11's ("At Most 2 required but received 3").
        std::string command;
        for (const CLI::App* sub : app.get_subcommands({}))
            if (sub->get_name() == args.front()) command = sub->get_name();
        std::fprintf(stderr, "%s\n", usage_sentence(e.what(), command).c_str());  // "memsnap diff: ..."
        return kExitUsage;
    } catch (const Error& e) {
        print_error(e.what());
        return exit_code_for(e.kind());
    } catch (const std::exception& e) {
        print_error(e.what());
        return kExitIo;
    }
    return exit_code;
}

}  // namespace memsnap
