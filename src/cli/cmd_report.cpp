#include "cli/cmd_report.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/cmd_plot.h"
#include "cli/common.h"
#include "diff/mapping_diff.h"
#include "diff/series_judge.h"
#include "formats/file_output.h"
#include "formats/snapshot_source.h"
#include "render/report_html.h"
#include "render/series_chart.h"
#include "render/table.h"

namespace memsnap {
namespace {

struct ReportOptions {
    std::vector<std::string> inputs;
    std::string output;
    JudgeOptions judge;  // --threshold, --js-heap
    bool force = false;
    std::string format = "html";
};

int run_report(const ReportOptions& opts) {
    const Thresholds thresholds = opts.judge.thresholds_with_overrides();
    const JsHeapMode js_mode = opts.judge.js_heap_mode();
    SeriesChart chart(ChartOptions{});
    ChartedSeries s;
    if (opts.inputs.size() == 1) {
        const SnapshotSpec spec = parse_snapshot_spec(opts.inputs[0]);
        if (spec.line != 0)
            throw Error(ErrorKind::Usage, opts.inputs[0] + " is one snapshot: give two (memsnap report A B)");
        s = read_charted_series({spec.path}, SeriesWindow{}, chart);
    } else {
        // As diff A B: a file of several snapshots stands for its first (as A) or last (as B).
        s.first = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[0]), true).front());
        s.last = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[1]), true).back());
        if (!same_process(s.first.snapshot, s.last.snapshot) && !opts.force)
            throw Error(ErrorKind::Usage, "the snapshots are of different processes (" + s.first.origin + ": pid " +
                                              std::to_string(s.first.snapshot.pid) + "; " + s.last.origin + ": pid " +
                                              std::to_string(s.last.snapshot.pid) + "); use --force to compare them anyway");
        for (const Snapshot* snap : {&s.first.snapshot, &s.last.snapshot}) {
            chart.add(sample_of(*snap));
            s.points.add(sample_of(*snap));
        }
    }
    const Snapshot& a = s.first.snapshot;
    const Snapshot& b = s.last.snapshot;
    if (s.points.size() < 2)
        throw Error(ErrorKind::Usage, opts.inputs[0] + " holds one snapshot: give two (memsnap report A B) or a series");
    SeriesJudgement judged = judge_series(a, b, s.points, thresholds, js_mode);
    ReportPage page{a, b, s.first.origin, s.last.origin, s.points.size(), judged, thresholds,
                    render_mem_table(a), render_mem_table(b), chart.render_svg(a, s.points, judged, thresholds)};
    // Which mappings grew: A B when both recorded them, a series from the first to the last
    // sample that did (as diff).
    if (opts.inputs.size() == 2 && a.mappings && b.mappings) {
        s.first_mappings = a.mappings;
        s.last_mappings = b.mappings;
        s.first_mappings_origin = s.first.origin;
        s.last_mappings_origin = s.last.origin;
    }
    std::optional<MappingDiff> mapping_diff;
    if (s.first_mappings && s.last_mappings) {
        mapping_diff = diff_mappings(*s.first_mappings, *s.last_mappings, judged.verdicts);
        page.mappings = &*mapping_diff;
        page.mappings_before_origin = s.first_mappings_origin;
        page.mappings_after_origin = s.last_mappings_origin;
    }
    const std::string html = render_report_html(page);
    if (opts.output.empty() || opts.output == "-") write_stdout(html);
    else write_file_atomically(opts.output, html);
    return kExitOk;
}

}  // namespace

void register_report_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand("report", "A self-contained HTML report of a diff or a series, with its chart");
    cmd->add_option("snapshots", opts->inputs,
                    "A B: two snapshots (FILE, FILE:N, '-'), as for diff; or one series FILE")
        ->type_name("SNAPSHOT")
        ->required()
        ->expected(1, 2);
    cmd->add_option("-o,--output", opts->output, "Write the HTML to FILE (atomically) instead of standard output")
        ->type_name("FILE.html");
    cmd->add_option("--format", opts->format, "Output format: html (the only one)")
        ->check(CLI::IsMember({"html"}))
        ->type_name("FORMAT");
    add_judge_options(*cmd, opts->judge);
    cmd->add_flag("--force", opts->force, "Compare snapshots of different processes (PID or start time differ)");
    cmd->footer(
        "One HTML file with no script, no network access and no external font, to attach to a CI\n"
        "run or a bug report: the process, every group's verdict with its evidence, the chart,\n"
        "the change per category, descriptors and threads, the mappings that grew most (when\n"
        "the snapshots hold them: snapshot/watch --mappings), and the hidumper table of the first\n"
        "and last sample. It prints well (a print stylesheet). Names from the process are escaped.\n"
        "Exit status: 0 the report was written, 2 usage error, 5 malformed input, 6 I/O error.");
    cmd->callback([opts, &exit_code] { exit_code = run_report(*opts); });
}

}  // namespace memsnap
