#include "cli/cmd_diff.h"

#include <algorithm>
#include <charconv>
#include <filesystem>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cli/common.h"
#include "diff/mapping_diff.h"
#include "diff/series.h"
#include "diff/series_judge.h"
#include "diff/snapshot_diff.h"
#include "diff/verdict.h"
#include "formats/file_output.h"
#include "formats/json_text.h"
#include "formats/process_stream.h"
#include "formats/series.h"
#include "formats/snapshot_source.h"
#include "render/diff_render.h"
#include "render/event.h"
#include "render/mapping_diff_render.h"
#include "render/process_rank_render.h"
#include "render/series_chart.h"
#include "render/series_render.h"

#include <fmt/format.h>

namespace memsnap {
namespace {

struct DiffOptions {
    std::vector<std::string> inputs;
    JudgeOptions judge;  // --threshold, --js-heap
    bool force = false;
    std::string format = "table";
    bool human = false;
    std::string event;
    std::string plot;  // also write the chart (render/series_chart.h) to this SVG file
    std::string pid;   // --pid N or N@STARTTIME: one process of a many-process stream
    std::string group_by;  // --group-by program|user|cgroup: rank the stream's groups
};

// --pid N or N@STARTTIME.
struct PidChoice {
    int64_t pid = 0;
    std::optional<uint64_t> starttime;
};

PidChoice parse_pid_choice(const std::string& text) {
    PidChoice c;
    const std::size_t at = text.find('@');
    auto number = [&](std::string_view s, auto& v) {
        auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
        return !s.empty() && ec == std::errc() && ptr == s.data() + s.size();
    };
    uint64_t start = 0;
    if (!number(std::string_view(text).substr(0, at), c.pid) || c.pid <= 0 ||
        (at != std::string::npos && !number(std::string_view(text).substr(at + 1), start)))
        throw Error(ErrorKind::Usage, "--pid '" + text + "': expected a PID, or PID@STARTTIME");
    if (at != std::string::npos) c.starttime = start;
    return c;
}

// The one process of a many-process stream that --pid names, as a series of its own: its
// samples read in full when it has two or more (the categories), else its totals.
Series series_of_stream_process(const std::string& path, const PidChoice& choice) {
    ProcessStream stream = read_process_stream(path, choice.pid);
    for (const std::string& w : stream.warnings) print_error("warning: " + w);
    std::vector<const ProcessSeries*> found;
    for (const ProcessSeries& p : stream.processes)
        if (!choice.starttime || p.starttime == *choice.starttime) found.push_back(&p);
    const std::string asked = choice.starttime
                                  ? fmt::format("{}@{}", choice.pid, *choice.starttime)
                                  : std::to_string(choice.pid);
    if (found.empty())
        throw Error(ErrorKind::NotFound,
                    fmt::format("no process {} in {}{}", asked, path,
                                stream.processes.empty() ? std::string()
                                                         : " (that PID is there with another start time: " +
                                                               stream.processes.front().key() + ")"));
    if (found.size() > 1) {
        std::string which;
        for (const ProcessSeries* p : found)
            which += fmt::format("{}{} ('{}', lines {}-{})", which.empty() ? "" : ", ", p->key(),
                                 p->name, p->first_line, p->last_line);
        throw Error(ErrorKind::Usage,
                    fmt::format("pid {} is {} processes in {} (the PID was reused): {}; give "
                                "--pid PID@STARTTIME",
                                choice.pid, found.size(), path, which));
    }
    const ProcessSeries& p = *found.front();
    Series series;
    if (p.full_samples >= 2) {
        series.first = p.first_full;
        series.last = p.last_full;
        series.first_origin = p.first_full_origin;
        series.last_origin = p.last_full_origin;
        series.samples = p.full;
        if (p.full_samples < p.totals.size())
            print_error(fmt::format("note: {} of the {} samples of {} were read in full: the "
                                    "report is of those (the others hold smaps_rollup totals)",
                                    p.full_samples, p.totals.size(), p.key()));
    } else {
        series.first = snapshot_of(p.first_total);
        series.last = snapshot_of(p.last_total);
        series.first.name = series.last.name = p.name;
        series.first_origin = fmt::format("{}:{}", path, p.first_line);
        series.last_origin = fmt::format("{}:{}", path, p.last_line);
        series.samples = p.totals;
    }
    return series;
}

// diff of a many-process stream: every process judged, the leaking ones ranked.
// A ranking's exit code: 1 when some process (or group) leaks, else 0.
int ranking_exit_code(const std::vector<ProcessVerdict>& ranked) {
    for (const ProcessVerdict& v : ranked)
        if (v.leak) return kExitThreshold;
    return kExitOk;
}

int run_diff_stream(const DiffOptions& opts, const std::string& path, const Thresholds& thresholds,
                    JsHeapMode js_mode) {
    if (!opts.plot.empty())
        throw Error(ErrorKind::Usage, "--plot does not take a many-process stream");
    if (!opts.event.empty() || opts.format == "csv")
        throw Error(ErrorKind::Usage,
                    "--event and --format csv judge one process: add --pid N to diff one "
                    "process of this many-process stream");
    std::optional<GroupBy> by = parse_group_by(opts.group_by);
    // The stream's UIDs named by this machine's user database, as ps would name them.
    auto user_name = [](uint32_t uid) { return user_name_or_uid(uid); };
    ProcessGroupSeriesBuilder builder(by.value_or(GroupBy::Program), user_name);
    ProcessStream stream = read_process_stream(path, std::nullopt, by ? &builder : nullptr);
    for (const std::string& w : stream.warnings) print_error("warning: " + w);
    if (stream.more_warnings != 0)
        print_error("warning: " + std::to_string(stream.more_warnings) + " more lines of " + path +
                    " skipped");
    if (by) {
        const std::vector<ProcessGroupSeries> groups = builder.finish();
        std::vector<ProcessSeries> series;
        series.reserve(groups.size());
        for (const ProcessGroupSeries& g : groups) series.push_back(g.series);
        const std::vector<ProcessVerdict> ranked = rank_process_groups(groups, series, thresholds, js_mode);
        const GroupRanking ranking{*by, groups, series, ranked, thresholds[Group::Total]};
        if (opts.format == "json")
            write_stdout(dump_json(group_ranking_to_json(stream, ranking), 2) + "\n");
        else
            write_stdout(render_group_ranking_text(path, stream, ranking, opts.human));
        return ranking_exit_code(ranked);
    }
    std::vector<ProcessVerdict> ranked = rank_processes(stream.processes, thresholds, js_mode);
    if (opts.format == "json")
        write_stdout(dump_json(process_ranking_to_json(stream, ranked), 2) + "\n");
    else
        write_stdout(render_process_ranking_text(path, stream, ranked, opts.human));
    return ranking_exit_code(ranked);
}

int run_diff(const DiffOptions& opts) {
    const Thresholds thresholds = opts.judge.thresholds_with_overrides();
    const JsHeapMode js_mode = opts.judge.js_heap_mode();

    if (!opts.event.empty() && opts.event != "hiappevent")
        throw Error(ErrorKind::Usage, "--event takes 'hiappevent'");
    LoadedSnapshot before, after;
    Series series;
    std::optional<SeriesChart> chart;
    if (!opts.plot.empty()) chart.emplace(ChartOptions{});
    if (opts.inputs.size() == 1) {
        // A series: its first snapshot against its last, and the trend over all of them.
        SnapshotSpec spec = parse_snapshot_spec(opts.inputs[0]);
        if (spec.line != 0)
            throw Error(ErrorKind::Usage, opts.inputs[0] + " is one snapshot: give two (memsnap diff A B)");
        const bool stream = is_process_stream(spec.path);
        if (!opts.group_by.empty() && (!stream || !opts.pid.empty()))
            throw Error(ErrorKind::Usage,
                        "--group-by ranks the groups of a many-process stream (watch --all, "
                        "several PIDs, --name ...), without --pid");
        if (stream && opts.pid.empty()) return run_diff_stream(opts, spec.path, thresholds, js_mode);
        if (stream) {
            if (chart) throw Error(ErrorKind::Usage, "--plot does not take a many-process stream");
            series = series_of_stream_process(spec.path, parse_pid_choice(opts.pid));
        } else {
            series = read_series(spec.path, [&](const SeriesSample& sample) {
                if (chart) chart->add(sample);
                return true;
            });
            if (!opts.pid.empty()) {
                const PidChoice c = parse_pid_choice(opts.pid);
                if (series.first.pid != c.pid || (c.starttime && series.first.starttime != *c.starttime))
                    throw Error(ErrorKind::NotFound,
                                fmt::format("no process {} in {} (its series is of {}@{})", opts.pid,
                                            spec.path, series.first.pid, series.first.starttime));
            }
        }
        if (series.samples.size() < 2) {
            // What was skipped is why there is nothing to compare: say that, as bad input.
            if (!series.warnings.empty()) throw Error(ErrorKind::Malformed, series.warnings.front());
            throw Error(ErrorKind::Usage, opts.inputs[0] +
                                              " holds one snapshot: give two (memsnap diff A B) "
                                              "or a series of several");
        }
        for (const std::string& w : series.warnings) print_error("warning: " + w);
        if (series.more_warnings != 0)
            print_error("warning: " + std::to_string(series.more_warnings) + " more lines of " +
                        spec.path + " skipped");
        before = {series.first, series.first_origin};
        after = {series.last, series.last_origin};
    } else {
        if (!opts.pid.empty())
            throw Error(ErrorKind::Usage, "--pid selects one process of a series: give one SERIES file");
        if (!opts.group_by.empty())
            throw Error(ErrorKind::Usage, "--group-by ranks the groups of one many-process stream");
        // A file holding several snapshots stands for its first (as A) or its last (as B).
        before = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[0]), true).front());
        after = std::move(read_snapshots(parse_snapshot_spec(opts.inputs[1]), true).back());
        if (chart) {
            for (const Snapshot* s : {&before.snapshot, &after.snapshot}) {
                chart->add(sample_of(*s));
                series.samples.add(sample_of(*s));
            }
        }
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
    // Rows of different rule sets hold different mappings (dumpsys's Unknown is not hidumper's
    // AnonPage other): a difference of them would be growth that never happened.
    if (a.rules != b.rules)
        throw Error(ErrorKind::Usage, "the snapshots were made with different rule sets (" +
                                          before.origin + ": --rules " +
                                          std::string(rule_set(a.rules).name) + "; " +
                                          after.origin + ": --rules " +
                                          std::string(rule_set(b.rules).name) +
                                          "): compare snapshots made with the same --rules");

    // On a series long enough for a trend, a group is a leak only when it grew steadily.
    SeriesJudgement judged = judge_series(a, b, series.samples, thresholds, js_mode);
    const SnapshotDiff& diff = judged.diff;
    const Verdicts& verdicts = judged.verdicts;
    const bool trend = judged.trend;
    const SeriesAnalysis& analysis = judged.analysis;
    if (chart) write_file_atomically(opts.plot, chart->render_svg(a, series.samples, judged, thresholds));
    // Which mappings grew, when both sides recorded them (on a series: the first and the last
    // sample that did).
    std::optional<MappingDiff> mapping_diff;
    MappingDiffOrigins mapping_origins{before.origin, after.origin};
    const MappingSet* mapped_before = a.mappings ? &*a.mappings : nullptr;
    const MappingSet* mapped_after = b.mappings ? &*b.mappings : nullptr;
    if (opts.inputs.size() == 1 && series.first_mappings) {
        mapped_before = &*series.first_mappings;
        mapped_after = &*series.last_mappings;
        mapping_origins = {series.first_mappings_origin, series.last_mappings_origin};
    }
    if (mapped_before && mapped_after)
        mapping_diff = diff_mappings(*mapped_before, *mapped_after, verdicts);
    DiffReport report{a, b, before.origin, after.origin, diff, verdicts};
    if (!opts.event.empty()) {
        std::vector<std::string> logs;  // the events' external_log: the files compared
        for (const std::string& input : opts.inputs) {
            std::string path = parse_snapshot_spec(input).path;
            if (path == "-") continue;  // standard input leaves no file behind
            std::string abs = std::filesystem::absolute(path).string();
            if (std::find(logs.begin(), logs.end(), abs) == logs.end()) logs.push_back(abs);
        }
        for (const GroupGrowth& g : verdicts.flagged)
            write_stdout(dump_json(leak_event(g, verdicts, a, b, logs)) + "\n");
    } else if (opts.format == "json") {
        nlohmann::ordered_json j = diff_to_json(report);
        if (trend) j["series"] = series_to_json(analysis, series.samples.size());
        if (mapping_diff) j["mappings"] = mapping_diff_to_json(*mapping_diff, mapping_origins);
        write_stdout(dump_json(j, 2) + "\n");
    } else if (opts.format == "csv") {
        write_stdout(diff_to_csv(report));
    } else {
        std::string text = render_diff_text(
            report, DiffTextOptions{.human = opts.human, .color = stdout_wants_colour()});
        if (mapping_diff) text += render_mapping_diff_text(*mapping_diff, mapping_origins);
        if (trend) text += render_series_text(analysis, series.samples.size(), opts.human);
        else if (series.samples.size() > 2)
            text += fmt::format("\nseries: {} samples, too few for a trend (at least {})\n",
                                series.samples.size(), kMinTrendSamples);
        write_stdout(text);
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
    add_judge_options(*cmd, opts->judge);
    cmd->add_flag("--force", opts->force,
                  "Compare snapshots of different processes (PID or start time differ)");
    cmd->add_option("--format", opts->format,
                    "Output format: table (default), json, csv (one row per category)")
        ->check(CLI::IsMember({"table", "json", "csv"}))
        ->type_name("FORMAT");
    cmd->add_option("--event", opts->event,
                    "hiappevent: print each verdict as a resource-leak event (one JSON object a "
                    "line, HiAppEvent RESOURCE_OVERLIMIT fields) instead of the report")
        ->type_name("KIND");
    cmd->add_option("--plot", opts->plot,
                    "Also write the chart of the series (as memsnap plot draws it) to FILE.svg")
        ->type_name("FILE.svg");
    cmd->add_option("--pid", opts->pid,
                    "One process of a many-process stream (watch --all, several PIDs): PID, or "
                    "PID@STARTTIME when the PID was reused")
        ->type_name("PID[@START]");
    add_group_by_option(*cmd, opts->group_by,
                        "A many-process stream: rank programs (the name), users or cgroups instead "
                        "of processes; a group's series is its members' own growth, so processes "
                        "that come, go or restart are not growth");
    cmd->add_flag("--human", opts->human,
                  "Print sizes as KiB/MiB/GiB instead of kB (table only; csv and json stay kB)");
    cmd->footer(
        "A group is flagged when it grew by at least its absolute AND relative threshold.\n"
        "Defaults: native 8MiB/10%, js 8MiB/10%, graphics 16MiB/10%, anon 8MiB/10%,\n"
        "file 16MiB/10%, shared 16MiB/10%, fd 50/20%, thread 10/20%, total 16MiB/10%.\n"
        "The total (Pss + SwapPss) is flagged when it grew past its threshold and no memory\n"
        "group did, so growth is never left unnamed.\n"
        "A stream of many processes (watch --all, several PIDs, --name) ranks the processes\n"
        "that grew steadily, most certain first, then the system's totals; --pid N diffs one.\n"
        "--group-by program|user|cgroup ranks groups: each tick, a group's value is its value at\n"
        "its first tick plus what each member alive grew since its own first sample (arrivals\n"
        "and departures are listed apart, never called growth).\n"
        "Exit status: 0 nothing crossed a threshold, 1 something did (in any process), 2 usage\n"
        "error, 3 --pid names no process of the stream, 5 a snapshot file is malformed.\n"
        "Colour (growth red past a threshold) only on a terminal, never when NO_COLOR is set.");
    cmd->callback([opts, &exit_code] { exit_code = run_diff(*opts); });
}

}  // namespace memsnap
