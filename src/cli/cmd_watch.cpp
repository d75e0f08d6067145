#include "cli/cmd_watch.h"

#include <filesystem>

#include <unistd.h>

#include <cmath>
#include <charconv>
#include <fmt/format.h>
#include <memory>
#include <optional>

#include "cli/common.h"
#include "cli/watch_budget.h"
#include "cli/watch_loop.h"
#include "cli/watch_many.h"
#include "diff/series.h"
#include "diff/series_judge.h"
#include "diff/snapshot_diff.h"
#include "diff/verdict.h"
#include "formats/file_output.h"
#include "formats/json_text.h"
#include "formats/series.h"
#include "formats/snapshot_json.h"
#include "procfs/collect.h"
#include "render/diff_render.h"
#include "render/event.h"
#include "render/series_chart.h"
#include "render/table.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

struct WatchOptions {
    ReadOptions read;  // --proc-root, --rules, --no-infer
    std::string pid;
    std::string interval = "1s";
    int64_t count = -1;  // -1: no limit
    std::string duration;
    std::string output;
    std::string format = "ndjson";
    bool light = false;
    bool mappings = false;
    std::string event;
    JudgeOptions judge;  // --threshold, --js-heap
    std::string plot;  // redraw the chart into this SVG file as the watch goes
    std::string budget;  // --budget PCT: full smaps only when the rollup moved, within PCT of a CPU
};

std::string signed_kb(int64_t kb) {
    return (kb < 0 ? "-" : "+") + format_kb(static_cast<uint64_t>(kb < 0 ? -kb : kb), true);
}

// "native +48.0 MiB  js +0 KiB  fd +3  threads +0"
std::string group_changes(const Verdicts& v) {
    std::string out;
    for (const GroupGrowth& g : v.groups) {
        if (!out.empty()) out += "  ";
        int64_t d = g.change.delta();
        out += fmt::format("{} {}", group_key(g.group),
                           group_is_memory(g.group) ? signed_kb(d) : fmt::format("{:+}", d));
    }
    return out;
}

int run_watch(const WatchOptions& opts) {
    const int64_t interval = parse_duration_ms(opts.interval);
    if (interval < 10) throw Error(ErrorKind::Usage, "--interval must be at least 10ms");
    if (opts.count == 0 || opts.count < -1)
        throw Error(ErrorKind::Usage, "--count must be a positive number");
    const int64_t duration = opts.duration.empty() ? -1 : parse_duration_ms(opts.duration);
    if (duration == 0) throw Error(ErrorKind::Usage, "--duration must be positive");
    if (!opts.event.empty() && opts.event != "hiappevent")
        throw Error(ErrorKind::Usage, "--event takes 'hiappevent'");
    if (opts.mappings && (opts.format != "ndjson" || opts.light))
        throw Error(ErrorKind::Usage, "--mappings are stored in full NDJSON samples only (not csv, not --light)");
    std::optional<SampleBudget> budget;
    if (!opts.budget.empty()) {
        if (opts.light)
            throw Error(ErrorKind::Usage, "--budget decides when to read full smaps; --light never does");
        budget.emplace(parse_budget(opts.budget));
    }
    const Thresholds thresholds = opts.judge.thresholds_with_overrides();
    const JsHeapMode js_mode = opts.judge.js_heap_mode();

    ProcRoot root = open_proc_root(opts.read.proc_root);
    const int64_t pid = resolve_process(root, opts.pid);
    WatchOutput out(opts.output);
    const bool header_needed = opts.format == "csv" && !out.had_content();
    install_stop_handlers();

    const bool live = ::isatty(STDERR_FILENO) == 1;
    SmapsReader reader;
    CollectOptions collect;
    collect.light = opts.light;
    collect.infer = !opts.read.no_infer;
    collect.rules = opts.read.rules;
    collect.mappings = opts.mappings;
    CollectOptions look = collect;  // --budget: the rollup look between full reads
    look.light = true;
    look.mappings = false;
    OverrunReport overruns(interval);
    std::vector<Snapshot> kept;  // first and latest, for the summary and events
    Snapshot first, last;
    int64_t samples = 0;
    int code = kExitOk;
    // A threshold crossed at any sample makes the watch's exit status 1 (unless the process
    // went away: 3), even when the growth fell back before the end.
    bool crossed = false;
    std::string first_crossing;
    std::array<bool, kGroupCount> reported{};
    const int64_t start = monotonic_ms();
    if (header_needed) out.write(series_csv_header());
    // --plot: the chart of every sample so far, redrawn at most once a second and at the end,
    // each time replacing the file atomically (a viewer never sees half a chart).
    std::optional<SeriesChart> chart;
    SeriesPoints points;
    if (!opts.plot.empty()) chart.emplace(ChartOptions{});
    int64_t drawn_ms = -1;
    auto redraw = [&](bool force) {
        if (!chart || chart->samples() == 0) return;
        const int64_t now = monotonic_ms();
        if (!force && drawn_ms >= 0 && now - drawn_ms < 1000) return;
        drawn_ms = now;
        SeriesJudgement judged = judge_series(first, last, points, thresholds, js_mode);
        write_file_atomically(opts.plot, chart->render_svg(first, points, judged, thresholds));
    };
    // Writes one full sample, then judges the watch so far: false when it must stop (the write
    // was cut short by a signal or a closed pipe, or --count is reached).
    auto record = [&](Snapshot snap, int64_t tick_no, int64_t cpu_start_us) -> bool {
        std::string line = opts.format == "csv" ? series_csv_row(snap)
                                                : dump_json(snapshot_to_json(snap)) + "\n";
        if (!out.write(line)) return false;  // stopped: the line may be torn
        if (budget) {
            budget->add_cost(cpu_time_us() - cpu_start_us);
            budget->read_full(tick_no, seen_of(snap));
        }
        if (samples == 0) first = snap;
        if (chart) {
            chart->add(sample_of(snap));
            points.add(sample_of(snap));
        }
        last = std::move(snap);
        ++samples;
        redraw(false);

        SnapshotDiff diff = diff_snapshots(first, last);
        Verdicts v = judge(first, last, diff, thresholds, resolve_js_heap_rule(js_mode, first, last));
        if (!v.flagged.empty() && !crossed) {
            crossed = true;
            first_crossing = verdict_headline(v.flagged.front(), v);
        }
        if (!opts.event.empty()) {
            for (const GroupGrowth& g : v.flagged) {
                auto& done = reported[static_cast<std::size_t>(g.group)];
                if (done) continue;
                done = true;
                if (live) std::fputs("\r\x1b[K", stderr);
                std::vector<std::string> logs;  // external_log: the samples written so far
                if (!opts.output.empty())
                    logs.push_back(std::filesystem::absolute(opts.output).string());
                std::fprintf(stderr, "%s\n", dump_json(leak_event(g, v, first, last, logs)).c_str());
            }
        }
        if (live) {
            std::fprintf(stderr, "\r\x1b[K%lld samples, %s, Pss %s: %s", static_cast<long long>(samples),
                         format_duration(last.time_ms - first.time_ms).c_str(),
                         format_kb(last.total().pss + last.total().swap_pss, true).c_str(),
                         group_changes(v).c_str());
            std::fflush(stderr);
        }
        return !(opts.count > 0 && samples >= opts.count);
    };
    for (int64_t tick = 0;; ++tick) {
        const int64_t tick_start = monotonic_ms();
        const int64_t cpu_start = cpu_time_us();
        Snapshot snap;
        bool full = true;
        try {
            if (budget && tick > 0) {
                Snapshot seen = collect_snapshot(root, pid, reader, look);
                full = seen.starttime == first.starttime &&
                       budget->want_full(tick, tick_start - start, seen_of(seen));
                if (!full) budget->looked(cpu_time_us() - cpu_start);
            }
            if (full) snap = collect_snapshot(root, pid, reader, collect);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound) throw;
            if (live) std::fputs("\r\x1b[K", stderr);
            if (samples > 0)
                print_error(fmt::format("process {} exited; watch stops after {} samples", pid, samples));
            else
                print_error(e.what());
            code = kExitNotFound;
            break;
        }
        if (full && samples > 0 && snap.starttime != first.starttime) {
            if (live) std::fputs("\r\x1b[K", stderr);
            print_error(fmt::format("PID {} now belongs to another process (start time {} -> {}); "
                                    "watch stops after {} samples",
                                    pid, first.starttime, snap.starttime, samples));
            code = kExitNotFound;
            break;
        }
        if (full && !record(std::move(snap), tick, cpu_start)) break;
        // Keep the cadence: the next tick is start + k * interval; a sample that overran one or
        // more ticks is said, and the missed ticks are not sampled late.
        int64_t now = monotonic_ms();
        int64_t next = tick + 1;
        if (start + next * interval < now) {
            int64_t missed = (now - start) / interval - tick;
            std::string said = overruns.overran(now - tick_start, missed, opts.light, samples);
            if (!said.empty()) {
                if (live) std::fputs("\r\x1b[K", stderr);
                print_error(said);
            }
            next = (now - start) / interval + 1;
            tick = next - 1;
        }
        if (duration > 0 && next * interval > duration) break;
        if (!sleep_until(start + next * interval)) break;
    }
    if (live) std::fputs("\r\x1b[K", stderr);
    redraw(true);
    if (samples > 0) {
        Verdicts v = judge(first, last, diff_snapshots(first, last), thresholds,
                           resolve_js_heap_rule(js_mode, first, last));
        std::fprintf(stderr, "memsnap watch: %lld samples of pid %lld (%s) over %s; Pss %s -> %s; %s\n",
                     static_cast<long long>(samples), static_cast<long long>(pid),
                     escape_for_terminal(first.name).c_str(),
                     format_duration(last.time_ms - first.time_ms).c_str(),
                     format_kb(first.total().pss, true).c_str(), format_kb(last.total().pss, true).c_str(),
                     group_changes(v).c_str());
        if (!v.flagged.empty())
            std::fprintf(stderr, "  past a threshold: %s (memsnap diff on the series tells a steady "
                                 "leak from a spike)\n",
                         verdict_headline(v.flagged.front(), v).c_str());
        else if (crossed)
            std::fprintf(stderr, "  crossed a threshold during the watch, back under it at the end: "
                                 "%s\n", first_crossing.c_str());
        if (std::string o = overruns.summary(samples); !o.empty()) std::fprintf(stderr, "  %s\n", o.c_str());
        if (budget)
            std::fprintf(stderr, "  %s\n",
                         budget->summary(opts.budget, monotonic_ms() - start, interval).c_str());
    }
    if (code == kExitOk && crossed) code = kExitThreshold;
    return code;
}

// The options of a many-process watch that `watch PID` does not take.
struct WatchManyArgs {
    std::vector<std::string> pids;
    bool all = false;
    std::string name, user, cgroup;
    bool children = false;
    int64_t full_every = 60;
    unsigned jobs = 0;
    CLI::Option* full_every_option = nullptr;
    CLI::Option* jobs_option = nullptr;
};

void add_watch_many_options(CLI::App& cmd, WatchManyArgs& m) {
    cmd.add_flag("--all", m.all, "Every process, in one stream (one line per process per tick)");
    cmd.add_option("--name", m.name,
                   "Every process whose comm matches this extended regex (as pgrep), looked up "
                   "at each tick")
        ->type_name("PATTERN");
    cmd.add_option("--user", m.user, "Every process of this user (name or UID)")->type_name("USER");
    cmd.add_option("--cgroup", m.cgroup,
                   "Every process in this cgroup or below it (as /proc/PID/cgroup names it)")
        ->type_name("PATH");
    cmd.add_flag("--children", m.children, "Also every descendant of the processes selected");
    m.full_every_option =
        cmd.add_option("--full-every", m.full_every,
                       "Many processes: read full smaps of each at least every N ticks "
                       "(default 60; also when its Pss moved 1 MiB since its last full read)")
            ->check(CLI::PositiveNumber)
            ->type_name("N");
    m.jobs_option = cmd.add_option("--jobs", m.jobs,
                                   "Many processes: threads reading them (default: the online CPUs)")
                        ->type_name("N");
}

bool watches_many(const WatchManyArgs& m) {
    return m.pids.size() > 1 || m.all || !m.name.empty() || !m.user.empty() ||
           !m.cgroup.empty() || m.children;
}

WatchManyOptions watch_many_options(const WatchOptions& o, const WatchManyArgs& m) {
    auto refuse = [](const char* what) {
        throw Error(ErrorKind::Usage, std::string(what) +
                                          " applies to watch PID; a stream of many processes "
                                          "is NDJSON of whole snapshots (memsnap diff judges it)");
    };
    if (o.format != "ndjson") refuse("--format csv");
    if (o.mappings) refuse("--mappings");
    if (!o.event.empty()) refuse("--event");
    if (!o.plot.empty()) refuse("--plot");
    if (!o.judge.thresholds.empty()) refuse("--threshold");
    if (o.judge.js_heap != "auto") refuse("--js-heap");
    if (!o.budget.empty()) refuse("--budget");  // many processes: --full-every and the 1 MiB rule
    WatchManyOptions w;
    w.pids = m.pids;
    w.filter.all = m.all;
    w.filter.name_pattern = m.name;
    if (!m.user.empty()) w.filter.uid = resolve_user(m.user);
    w.filter.cgroup = m.cgroup;
    w.filter.children = m.children;
    w.proc_root = o.read.proc_root;
    w.interval_ms = parse_duration_ms(o.interval);
    if (w.interval_ms < 10) throw Error(ErrorKind::Usage, "--interval must be at least 10ms");
    if (o.count == 0 || o.count < -1) throw Error(ErrorKind::Usage, "--count must be a positive number");
    w.count = o.count;
    w.duration_ms = o.duration.empty() ? -1 : parse_duration_ms(o.duration);
    if (w.duration_ms == 0) throw Error(ErrorKind::Usage, "--duration must be positive");
    w.output = o.output;
    w.light = o.light;
    w.infer = !o.read.no_infer;
    w.rules = o.read.rules;
    w.full_every = m.full_every;
    w.jobs = m.jobs;
    return w;
}

}  // namespace

int64_t parse_duration_ms(std::string_view text) {
    std::string_view s = text;
    double value = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
    if (ec != std::errc() || ptr == s.data())
        throw Error(ErrorKind::Usage, "bad duration '" + std::string(text) + "' (e.g. 500ms, 2s, 10m)");
    std::string_view unit(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr));
    double ms = 0;
    if (unit == "ms") ms = value;
    else if (unit.empty() || unit == "s") ms = value * 1000;
    else if (unit == "m" || unit == "min") ms = value * 60000;
    else if (unit == "h") ms = value * 3600000;
    else throw Error(ErrorKind::Usage, "bad duration '" + std::string(text) + "' (units: ms, s, m, h)");
    if (!std::isfinite(ms) || value < 0 || ms > 1e15)  // from_chars reads "nan" and "inf" too
        throw Error(ErrorKind::Usage, "bad duration '" + std::string(text) + "'");
    return static_cast<int64_t>(ms);
}

void register_watch_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<WatchOptions>();
    auto many = std::make_shared<WatchManyArgs>();
    CLI::App* cmd = app.add_subcommand("watch", "Timed snapshots of a process, streamed as NDJSON or CSV");
    cmd->add_option("pid", many->pids,
                    "PID, 'self', or a process name; several PIDs: one stream of them all")
        ->type_name("PID");
    add_watch_many_options(*cmd, *many);
    cmd->add_option("--interval", opts->interval, "Time between samples (default 1s; at least 10ms)")
        ->type_name("DURATION");
    auto* count = cmd->add_option("--count", opts->count, "Stop after N samples")
                      ->check(CLI::PositiveNumber)  // -1, the internal "no limit", is not a count
                      ->type_name("N");
    cmd->add_option("--duration", opts->duration, "Stop after this long (e.g. 10m)")
        ->type_name("DURATION")
        ->excludes(count);
    cmd->add_option("-o,--output", opts->output, "Append the samples to FILE instead of standard output")
        ->check(non_empty_file())
        ->type_name("FILE");
    cmd->add_option("--format", opts->format, "ndjson (default: one snapshot per line) or csv")
        ->check(CLI::IsMember({"ndjson", "csv"}))
        ->type_name("FORMAT");
    cmd->add_flag("--light", opts->light,
                  "Read smaps_rollup and status only: totals, no categories (cheap, for high rates)");
    cmd->add_option("--budget", opts->budget,
                    "Spend at most PCT of one CPU: look at smaps_rollup each tick, read (and write) "
                    "full smaps only when it moved 1 MiB, fds or threads changed, or 60 ticks passed")
        ->type_name("PCT");
    add_read_options(*cmd, opts->read);
    cmd->add_flag("--mappings", opts->mappings,
                  "Store every mapping in each NDJSON sample (as snapshot --mappings), for diff");
    cmd->add_option("--event", opts->event,
                    "hiappevent: when a group first crosses its threshold, print a resource-leak "
                    "event (JSON) on standard error")
        ->type_name("KIND");
    add_judge_options(*cmd, opts->judge);
    cmd->add_option("--plot", opts->plot,
                    "Redraw the chart (as memsnap plot) into FILE.svg as the watch goes: at most "
                    "once a second and at the end, replaced atomically")
        ->type_name("FILE.svg");
    cmd->footer(
        "Each sample is one line, written whole and at once (a kill leaves at most one torn last\n"
        "line, which diff skips). Sampling keeps its cadence; the first sample that overran the\n"
        "interval is said once on stderr (its cost, the interval that fits), the rest are counted\n"
        "in the summary. On a terminal a status line on stderr shows the growth per group. Ctrl-C or\n"
        "SIGTERM: the last line is complete and a summary goes to stderr. Exit 1 when a group\n"
        "crossed its threshold (first sample against any later one) during the watch, else 0;\n"
        "exit 3 when the process exits or its PID is reused by another process.");
    cmd->callback([opts, many, &exit_code] {
        if (!watches_many(*many)) {
            if (many->pids.empty())
                throw Error(ErrorKind::Usage,
                            "watch needs a PID (or several, or --all, --name, --user, --cgroup)");
            if (many->full_every_option->count() > 0 || many->jobs_option->count() > 0)
                throw Error(ErrorKind::Usage,
                            "--full-every and --jobs apply to a watch of many processes (several "
                            "PIDs, --all, --name, --user, --cgroup)");
            opts->pid = many->pids.front();
            exit_code = run_watch(*opts);
            return;
        }
        exit_code = run_watch_many(watch_many_options(*opts, *many));
    });
}

}  // namespace memsnap
