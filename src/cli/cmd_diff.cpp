#include "cli/cmd_diff.h"

#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"
#include "diff/snapshot_diff.h"
#include "diff/verdict.h"
#include "formats/diff_render.h"
#include "formats/snapshot_source.h"

namespace memsnap {
namespace {

struct DiffOptions {
    std::vector<std::string> inputs;
    std::vector<std::string> thresholds;
    std::string js_heap = "auto";
    bool force = false;
    std::string format = "table";
    bool human = false;
};

int run_diff(const DiffOptions& opts) {
    Thresholds thresholds;
    for (const std::string& spec : opts.thresholds) apply_threshold_spec(spec, thresholds);
    JsHeapMode js_mode = parse_js_heap_mode(opts.js_heap);

    LoadedSnapshot before, after;
    if (opts.inputs.size() == 1) {
        // A series: its first snapshot against its last.
        SnapshotSpec spec = parse_snapshot_spec(opts.inputs[0]);
        std::vector<LoadedSnapshot> all = read_snapshots(spec, /*first_and_last=*/true);
        if (all.size() < 2)
            throw Error(ErrorKind::Usage, all.front().origin +
                                              " holds one snapshot: give two (memsnap diff A B) "
                                              "or a series of several");
        before = std::move(all.front());
        after = std::move(all.back());
    } else {
        // A file holding several snapshots stands for its first (as A) or its last (as B).
        before = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[0]), true).front());
        after = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[1]), true).back());
    }
    const Snapshot& a = before.snapshot;
    const Snapshot& b = after.snapshot;
    if (!same_process(a, b) && !opts.force)
        throw Error(ErrorKind::Usage, "the snapshots are of different processes (" + before.origin +
                                          ": pid " + std::to_string(a.pid) + " '" + a.name +
                                          "' starttime " + std::to_string(a.starttime) + "; " +
                                          after.origin + ": pid " + std::to_string(b.pid) + " '" +
                                          b.name + "' starttime " + std::to_string(b.starttime) +
                                          "); use --force to compare them anyway");

    SnapshotDiff diff = diff_snapshots(a, b);
    Verdicts verdicts = judge(a, b, diff, thresholds, resolve_js_heap_rule(js_mode, a, b));
    DiffReport report{a, b, before.origin, after.origin, diff, verdicts};
    if (opts.format == "json") {
        write_stdout(diff_to_json(report).dump(2) + "\n");
    } else if (opts.format == "csv") {
        write_stdout(diff_to_csv(report));
    } else {
        write_stdout(render_diff_text(
            report, DiffTextOptions{.human = opts.human, .color = stdout_wants_colour()}));
    }
    return verdicts.flagged.empty() ? kExitOk : kExitThreshold;
}

}  // namespace

void register_diff_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<DiffOptions>();
    CLI::App* cmd = app.add_subcommand(
        "diff", "What grew between two snapshots, and whether it looks like a leak");
    cmd->add_option("snapshots", opts->inputs,
                    "A B: two snapshots (FILE, FILE:N for line N of an NDJSON series, '-' for "
                    "stdin); or one series FILE: its first against its last")
        ->type_name("SNAPSHOT")
        ->required()
        ->expected(1, 2);
    cmd->add_option("--threshold", opts->thresholds,
                    "GROUP=ABS[/PCT%],... overrides (groups native, js, graphics, fd, thread; "
                    "e.g. native=8MiB,fd=50/10%)")
        ->type_name("SPEC");
    cmd->add_option("--js-heap", opts->js_heap,
                    "What counts as JS heap: ark (named ArkTS heap), anon (also AnonPage other), "
                    "auto (anon for a JS runtime such as node or a JSVM app, else ark)")
        ->check(CLI::IsMember({"ark", "anon", "auto"}))
        ->type_name("RULE");
    cmd->add_flag("--force", opts->force,
                  "Compare snapshots of different processes (PID or start time differ)");
    cmd->add_option("--format", opts->format,
                    "Output format: table (default), json, csv (one row per category)")
        ->check(CLI::IsMember({"table", "json", "csv"}))
        ->type_name("FORMAT");
    cmd->add_flag("--human", opts->human,
                  "Print sizes as KiB/MiB/GiB instead of kB (table only; csv and json stay kB)");
    cmd->footer(
        "A group is flagged when it grew by at least its absolute AND relative threshold.\n"
        "Defaults: native 8MiB/10%, js 8MiB/10%, graphics 16MiB/10%, fd 50/20%, thread 10/20%.\n"
        "Exit status: 0 nothing crossed a threshold, 1 something did, 2 usage error,\n"
        "5 a snapshot file is malformed.\n"
        "Colour (growth red past a threshold) only on a terminal, never when NO_COLOR is set.");
    cmd->callback([opts, &exit_code] { exit_code = run_diff(*opts); });
}

}  // namespace memsnap
