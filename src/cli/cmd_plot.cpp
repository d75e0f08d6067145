#include "cli/cmd_plot.h"

#include <algorithm>
#include <memory>

#include "cli/cmd_watch.h"
#include "cli/common.h"
#include "diff/series_judge.h"
#include "formats/file_output.h"
#include "formats/series.h"

namespace memsnap {
namespace {

struct PlotOptions {
    std::vector<std::string> inputs;
    std::string output;
    std::vector<std::string> groups;
    std::vector<std::string> categories;
    bool by_category = false;
    bool stack = false;
    std::string since, until;
    int width = 960, height = 540;
    JudgeOptions judge;  // --threshold, --js-heap
    std::string format = "svg";
};

int run_plot(const PlotOptions& opts) {
    ChartOptions chart_opts;
    chart_opts.width = opts.width;
    chart_opts.height = opts.height;
    chart_opts.categories = opts.by_category;
    chart_opts.stack = opts.stack;
    chart_opts.only = opts.groups;
    if (opts.by_category) {
        chart_opts.only.clear();
        for (const std::string& list : opts.categories) {
            for (std::size_t at = 0; at <= list.size();) {
                std::size_t comma = std::min(list.find(',', at), list.size());
                if (comma > at) chart_opts.only.push_back(list.substr(at, comma - at));
                at = comma + 1;
            }
        }
    }
    check_chart_options(chart_opts);
    const Thresholds thresholds = opts.judge.thresholds_with_overrides();
    const JsHeapMode js_mode = opts.judge.js_heap_mode();
    SeriesWindow window;
    if (!opts.since.empty()) window.since_ms = parse_duration_ms(opts.since);
    if (!opts.until.empty()) window.until_ms = parse_duration_ms(opts.until);
    if (window.since_ms >= 0 && window.until_ms >= 0 && window.until_ms < window.since_ms)
        throw Error(ErrorKind::Usage, "--until must not be before --since");

    SeriesChart chart(chart_opts);
    ChartedSeries s = read_charted_series(opts.inputs, window, chart);
    SeriesJudgement judged = judge_series(s.first.snapshot, s.last.snapshot, s.points, thresholds, js_mode);
    const std::string svg = chart.render_svg(s.first.snapshot, s.points, judged, thresholds);
    if (opts.output.empty() || opts.output == "-") write_stdout(svg);
    else write_file_atomically(opts.output, svg);
    return kExitOk;
}

}  // namespace

ChartedSeries read_charted_series(const std::vector<std::string>& paths, const SeriesWindow& window,
                                  SeriesChart& chart) {
    ChartedSeries out;
    bool have_start = false;
    int64_t start_ms = 0;
    // The first file's kept samples are its series' own (moved into out.points after it);
    // a later file's are added here. One copy of the thinned points, not two (600 kB).
    bool first = true;
    auto keep = [&](const SeriesSample& sample) {
        if (!have_start) {
            start_ms = sample.time_ms;
            have_start = true;
        }
        const int64_t at = sample.time_ms - start_ms;
        if (window.since_ms >= 0 && at < window.since_ms) return false;
        if (window.until_ms >= 0 && at > window.until_ms) return false;
        chart.add(sample);
        if (!first) out.points.add(sample);
        return true;
    };
    for (const std::string& path : paths) {
        Series series;
        try {
            series = read_series(path, keep);
        } catch (const Error& e) {
            // A file whose samples all fall outside the window is no error when another has some.
            const bool windowed = window.since_ms >= 0 || window.until_ms >= 0;
            if (windowed && e.kind() == ErrorKind::Malformed && have_start &&
                std::string_view(e.what()).find("no snapshot") != std::string_view::npos)
                continue;
            throw;
        }
        for (const std::string& w : series.warnings) print_error("warning: " + w);
        if (series.more_warnings != 0)
            print_error("warning: " + std::to_string(series.more_warnings) + " more lines of " + path + " skipped");
        if (first) {
            out.first = {std::move(series.first), series.first_origin};
            out.points = std::move(series.samples);
            first = false;
        } else if (!same_process(out.first.snapshot, series.first)) {
            throw Error(ErrorKind::Usage, "the files are of different processes (" + out.first.origin +
                                              ": pid " + std::to_string(out.first.snapshot.pid) + "; " +
                                              series.first_origin + ": pid " + std::to_string(series.first.pid) + ")");
        }
        out.last = {std::move(series.last), series.last_origin};
        if (series.first_mappings && !out.first_mappings) {
            out.first_mappings = std::move(series.first_mappings);
            out.first_mappings_origin = series.first_mappings_origin;
        }
        if (series.last_mappings) {
            out.last_mappings = std::move(series.last_mappings);
            out.last_mappings_origin = series.last_mappings_origin;
        }
    }
    if (out.points.empty()) throw Error(ErrorKind::Malformed, paths.front() + ": no sample in the window asked for");
    return out;
}

void register_plot_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<PlotOptions>();
    CLI::App* cmd = app.add_subcommand("plot", "An SVG chart of a series: memory by verdict group over time");
    cmd->add_option("series", opts->inputs,
                    "A series (NDJSON or CSV from watch or snapshot --append), or several snapshot "
                    "or series files of one process in time order; '-' for stdin")
        ->type_name("SERIES")
        ->required();
    cmd->add_option("-o,--output", opts->output, "Write the SVG to FILE (atomically) instead of standard output")
        ->type_name("FILE.svg");
    cmd->add_option("--groups", opts->groups,
                    "Draw only these groups (comma-separated: native, js, graphics, fd, thread, total)")
        ->delimiter(',')
        ->type_name("LIST");
    CLI::Option* categories = cmd->add_option("--categories", opts->categories,
                    "A line per category row instead of per group: these rows (JSON keys, e.g. "
                    "native_heap,so), or with no list the 8 largest")
        ->expected(0, 1)
        ->type_name("[LIST]");
    cmd->add_flag("--stack", opts->stack,
                  "The groups as stacked areas (native at the bottom), the total the line on top; "
                  "no thresholds or trends (they measure a group from zero)");
    cmd->add_option("--since", opts->since, "Start this long after the series' first sample (e.g. 10m)")
        ->type_name("DURATION");
    cmd->add_option("--until", opts->until, "End this long after the series' first sample")
        ->type_name("DURATION");
    cmd->add_option("--format", opts->format, "Output format: svg (the only one)")
        ->check(CLI::IsMember({"svg"}))
        ->type_name("FORMAT");
    cmd->add_option("--width", opts->width, "Width of the chart in px (default 960)")->type_name("PX");
    cmd->add_option("--height", opts->height, "Height of the chart in px (default 540)")->type_name("PX");
    add_judge_options(*cmd, opts->judge);
    cmd->footer(
        "Each pixel column draws the first, lowest, highest and last sample that fall in it, so\n"
        "a one-sample spike in 100 000 samples still shows. Beside each line: its last value and\n"
        "its verdict (as diff SERIES judges it); dotted lines are thresholds, dash-dot lines the\n"
        "fitted (Theil-Sen) trend of a group that grew past its threshold.\n"
        "Exit status: 0 the chart was written, 2 usage error, 5 malformed input, 6 I/O error.");
    cmd->callback([opts, categories, &exit_code] {
        opts->by_category = categories->count() > 0;
        exit_code = run_plot(*opts);
    });
}

}  // namespace memsnap
