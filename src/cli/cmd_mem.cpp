#include "cli/cmd_mem.h"

#include <fmt/format.h>

#include <memory>

#include "cli/common.h"
#include "cli/table_width.h"
#include "formats/json_text.h"
#include "formats/prom.h"
#include "formats/snapshot_json.h"
#include "procfs/collect.h"
#include "procfs/process_list.h"
#include "render/process_list_render.h"
#include "render/snapshot_csv.h"
#include "render/table.h"
#include "render/terminal_text.h"

#include <sys/stat.h>
#include <time.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <tuple>

namespace memsnap {
namespace {

struct MemOptions {
    ReadOptions read;  // --proc-root, --rules, --no-infer
    CommonOptions common;
    std::vector<std::string> pids;
    std::string smaps_file;
    // With --smaps: what the file alone cannot say.
    std::string time;  // ISO 8601 UTC or @SECONDS; default: the file's mtime
    int64_t pid = 0;   // 0: unknown
    std::string name;
    // The all-process listing (no PID):
    std::string sort = "pss";
    std::size_t top = 0;  // 0 = all
    std::string user;
    bool categories = false;
    std::string group_by;  // "", "program", "user", "cgroup" (model/process_groups.h)
    unsigned jobs = 0;  // 0: the online CPUs (procfs/process_list.h listing_jobs)
    bool all = false;
    bool fds = false;  // list every descriptor under the table
    std::string columns = "auto";  // the table's width (cli/table_width.h table_width_for)
};

// --time: "2026-12-01T10:00:00Z" (optional .mmm before the Z) or "@SECONDS", in Unix ms.
int64_t parse_time_option(const std::string& text) {
    auto bad = [&] {
        return Error(ErrorKind::Usage, "--time '" + text +
                                           "': expected YYYY-MM-DDTHH:MM:SS[.mmm]Z (UTC) or "
                                           "@SECONDS");
    };
    if (text.starts_with("@")) {
        int64_t s = 0;
        auto [ptr, ec] = std::from_chars(text.data() + 1, text.data() + text.size(), s);
        if (ec != std::errc() || ptr != text.data() + text.size() || text.size() == 1 ||
            s < 0 || s > INT64_MAX / 1000)
            throw bad();
        return s * 1000;
    }
    tm t{};
    int ms = 0;
    char rest[8] = {};
    int n = std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%7s", &t.tm_year, &t.tm_mon,
                        &t.tm_mday, &t.tm_hour, &t.tm_min, &t.tm_sec, rest);
    if (n != 7 || t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31 ||
        t.tm_hour > 23 || t.tm_min > 59 || t.tm_sec > 60)
        throw bad();
    std::string_view r = rest;
    if (r.size() == 5 && r[0] == '.' && r[4] == 'Z' &&
        std::from_chars(r.data() + 1, r.data() + 4, ms).ptr == r.data() + 4) {
    } else if (r != "Z") {
        throw bad();
    }
    // Not timegm: its time_t is 32 bits on armhf (Debian 12), and ends in 2038. Days past the
    // month's end roll over into the next, as timegm's do.
    using namespace std::chrono;
    sys_seconds at = sys_days(year(t.tm_year) / month(static_cast<unsigned>(t.tm_mon)) / 1) +
                     days(t.tm_mday - 1) + hours(t.tm_hour) + minutes(t.tm_min) +
                     seconds(t.tm_sec);
    return duration_cast<milliseconds>(at.time_since_epoch()).count() + ms;
}

// The column of --sort, named once: the sort compares rows n log n times, and comparing the
// name as text each time was a tenth of a 1 000-process listing's CPU.
enum class SortColumn { Pss, Rss, Uss, Swap, Native, Js, Fd, Threads };

SortColumn sort_column(const std::string& by) {
    if (by == "rss") return SortColumn::Rss;
    if (by == "uss") return SortColumn::Uss;
    if (by == "swap") return SortColumn::Swap;
    if (by == "native") return SortColumn::Native;
    if (by == "js") return SortColumn::Js;
    if (by == "fd") return SortColumn::Fd;
    if (by == "threads") return SortColumn::Threads;
    return SortColumn::Pss;
}

// The value a row (or a group of rows) is sorted by (largest first); missing columns sort last.
template <class Row>
uint64_t sort_key(const Row& r, SortColumn by) {
    switch (by) {
        case SortColumn::Rss: return r.usage.rss;
        case SortColumn::Uss: return r.usage.uss();
        case SortColumn::Swap: return r.usage.swap;
        case SortColumn::Native: return r.native_pss.value_or(0);
        case SortColumn::Js: return r.js_pss.value_or(0);
        case SortColumn::Fd: return r.fds.value_or(0);
        case SortColumn::Threads: return r.threads;
        case SortColumn::Pss: break;
    }
    return r.total_pss();  // "pss": hidumper's Total Pss, Pss + SwapPss
}

// hidumper's order of its "by Size" list (memory_info.cpp GetSortedMemoryInfoNoPid): Total Pss,
// then Vss, Rss, Uss, largest first, then the larger PID first.
bool hidumper_before(const ProcessRow& a, const ProcessRow& b) {
    auto key = [](const ProcessRow& r) {
        return std::tuple(r.total_pss(), r.vss, r.usage.rss, r.usage.uss(), r.pid);
    };
    return key(a) > key(b);
}

int run_listing(const MemOptions& opts) {
    ProcessListOptions lo;
    lo.categories = opts.categories || opts.sort == "native" || opts.sort == "js";
    lo.kernel_threads = opts.all;
    lo.count_fds = opts.sort == "fd";
    lo.infer = !opts.read.no_infer;
    lo.rules = opts.read.rules;
    lo.jobs = opts.jobs;
    const bool hidumper = rule_set(opts.read.rules).hidumper_layout;
    const SortColumn by = sort_column(opts.sort);
    lo.cmdline_names = hidumper;
    lo.vmallocinfo = hidumper;
    if (!opts.user.empty()) lo.uid = resolve_user(opts.user);
    std::optional<GroupBy> group_by = parse_group_by(opts.group_by);
    lo.cgroups = group_by == GroupBy::Cgroup;
    SmapsReader reader;
    ProcessList list = collect_process_list(open_proc_root(opts.read.proc_root), reader, lo);
    if (group_by) {
        // A captured tree's UIDs are those of the machine it was taken on: this machine's
        // names for them would be a guess, so it is grouped by UID.
        const bool live = opts.read.proc_root == "/proc";
        list.group_by = group_by;
        list.groups = group_process_rows(list.rows, *group_by, [&](uint32_t uid) {
            return live ? user_name_or_uid(uid) : std::to_string(uid);
        });
        std::stable_sort(list.groups.begin(), list.groups.end(),
                         [&](const ProcessGroup& a, const ProcessGroup& b) {
                             return sort_key(a, by) > sort_key(b, by);
                         });
        if (opts.top > 0 && list.groups.size() > opts.top) list.groups.resize(opts.top);
    } else if (hidumper && opts.sort == "pss") {
        std::sort(list.rows.begin(), list.rows.end(), hidumper_before);
    } else {
        std::stable_sort(list.rows.begin(), list.rows.end(), [&](const ProcessRow& a, const ProcessRow& b) {
            return sort_key(a, by) > sort_key(b, by);
        });
    }
    if (opts.top > 0 && list.rows.size() > opts.top) list.rows.resize(opts.top);
    const std::string& f = opts.common.format;
    if (f == "json") {
        write_stdout(render_process_list_json(list));
    } else if (f == "csv") {
        write_stdout(render_process_list_csv(list));
    } else if (f == "prom") {
        write_stdout(render_process_list_prom(list));
    } else {
        write_stdout(render_process_list_table(list, {.human = opts.common.human}));
    }
    return kExitOk;
}

// Prints the snapshots of the PIDs (or the --smaps file) one by one as they are read; prom
// gathers them first (each metric family is printed once, for every process).
class MemPrinter {
  public:
    explicit MemPrinter(const MemOptions& opts) : opts_(opts) {}

    void add(const Snapshot& snap, bool with_title, const std::vector<OpenFd>* fds = nullptr) {
        const std::string& format = opts_.common.format;
        if (format == "prom") {
            prom_.push_back(snap);
        } else if (format == "csv") {
            if (count_ == 0) write_stdout(mem_csv_header());
            write_stdout(mem_to_csv_rows(snap));
        } else if (format == "json") {
            if (count_ > 0) write_stdout(",\n");
            nlohmann::ordered_json j = snapshot_to_json(snap);
            if (fds) {  // --fds: every descriptor, as the table's "fds:" listing has them
                nlohmann::ordered_json list = nlohmann::ordered_json::array();
                for (const OpenFd& f : *fds)
                    list.push_back({{"fd", f.fd}, {"type", f.type}, {"target", f.target}});
                j["fds"] = std::move(list);
            }
            write_stdout(dump_json(j, 2) + "\n");
        } else {
            std::string out = count_ > 0 ? "\n" : "";
            // hidumper --mem PID prints no title: neither does its layout for one PID.
            bool hidumper_one = snap.rules == RuleSetId::Hidumper && opts_.pids.size() == 1;
            if (with_title && !hidumper_one)
                out += fmt::format("pid {} ({})\n", snap.pid, escape_for_terminal(snap.name));
            out += render_mem_table(snap, TableOptions{.human = opts_.common.human,
                                                       .width = table_width_for(opts_.columns)});
            if (fds) out += render_fd_list(*fds);
            write_stdout(out);
        }
        ++count_;
    }
    void finish() {
        if (opts_.common.format == "prom" && !prom_.empty())
            write_stdout(snapshots_to_prometheus(prom_));
    }

  private:
    const MemOptions& opts_;
    std::size_t count_ = 0;
    std::vector<Snapshot> prom_;
};

int run_mem(const MemOptions& opts) {
    SmapsReader reader;
    CollectOptions collect;
    collect.infer = !opts.read.no_infer;
    collect.rules = opts.read.rules;
    MemPrinter printer(opts);
    if (opts.fds && (opts.pids.empty() || !opts.smaps_file.empty()))
        throw Error(ErrorKind::Usage, "--fds lists the descriptors of a PID: give one");
    if (opts.fds && opts.common.format != "table" && opts.common.format != "json")
        throw Error(ErrorKind::Usage, "--fds lists descriptors in the table and json formats only");
    if (!opts.smaps_file.empty()) {
        if (!opts.pids.empty())
            throw Error(ErrorKind::Usage, "--smaps takes no PID argument (--pid N labels it)");
        Snapshot snap = classify_smaps_file(opts.smaps_file, reader, collect);
        // A lone file says nothing of when or whose: --time/--pid/--name, else its mtime and
        // "unknown" (pid 0, empty name; the renderings say unknown).
        struct stat st {};
        if (!opts.time.empty()) {
            snap.time_ms = parse_time_option(opts.time);
            snap.time_source = "--time";
        } else if (opts.smaps_file != "-" && ::stat(opts.smaps_file.c_str(), &st) == 0) {
            snap.time_ms = static_cast<int64_t>(st.st_mtim.tv_sec) * 1000 +
                           st.st_mtim.tv_nsec / 1'000'000;
            snap.time_source = "file mtime";
        } else {
            snap.time_source = "read";  // standard input has no mtime: the time it was read
        }
        snap.pid = opts.pid;
        snap.name = opts.name;
        snap.status.pid = opts.pid;
        snap.status.name = opts.name;
        printer.add(snap, false);
        printer.finish();
        return kExitOk;
    }
    if (!opts.time.empty() || opts.pid != 0 || !opts.name.empty())
        throw Error(ErrorKind::Usage, "--time, --pid and --name label a lone --smaps FILE");
    if (opts.pids.empty()) return run_listing(opts);
    if (opts.categories || opts.all || opts.top > 0 || !opts.user.empty() || opts.sort != "pss" ||
        opts.jobs != 0 || !opts.group_by.empty())
        throw Error(ErrorKind::Usage,
                    "--sort, --top, --user, --group-by, --categories, --all and --jobs apply to "
                    "the listing of every process (no PID)");
    ProcRoot root = open_proc_root(opts.read.proc_root);
    int code = kExitOk;
    bool json_array = opts.common.format == "json" && opts.pids.size() > 1;
    if (json_array) write_stdout("[\n");
    for (const std::string& spec : opts.pids) {
        try {
            std::vector<OpenFd> fds;
            Snapshot snap = collect_snapshot(root, resolve_process(root, spec), reader, collect,
                                             opts.fds ? &fds : nullptr);
            printer.add(snap, true, opts.fds ? &fds : nullptr);
        } catch (const Error& e) {
            // One bad PID does not hide the others; the exit code reports it.
            print_error(e.what());
            if (code == kExitOk) code = exit_code_for(e.kind());
        }
    }
    if (json_array) write_stdout("]\n");
    printer.finish();
    return code;
}

}  // namespace

void register_mem_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<MemOptions>();
    CLI::App* cmd = app.add_subcommand(
        "mem", "The hidumper-style memory table of each PID (also: memsnap --mem PID...)");
    cmd->add_option("pid", opts->pids,
                    "PID, 'self', or a process name (exact match on /proc/*/comm)")
        ->type_name("PID");
    cmd->add_option("--smaps", opts->smaps_file,
                    "Classify a lone smaps file ('-' for standard input) instead of a process")
        ->type_name("FILE");
    cmd->add_option("--time", opts->time,
                    "With --smaps: when the file was taken, YYYY-MM-DDTHH:MM:SS[.mmm]Z or "
                    "@SECONDS (default: its mtime)")
        ->type_name("TIME");
    cmd->add_option("--pid", opts->pid, "With --smaps: the PID the file came from")
        ->type_name("N")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--name", opts->name, "With --smaps: the process name the file came from")
        ->type_name("NAME");
    cmd->add_option("--sort", opts->sort,
                    "Listing (no PID): sort by this column, largest first (pss: Pss + SwapPss)")
        ->check(CLI::IsMember({"pss", "rss", "uss", "swap", "native", "js", "fd", "threads"}))
        ->type_name("COLUMN");
    cmd->add_option("--top", opts->top, "Listing: only the first N processes")
        ->check(CLI::PositiveNumber)
        ->type_name("N");
    cmd->add_option("--user", opts->user, "Listing: only processes of this user (name or UID)")
        ->type_name("USER");
    add_group_by_option(*cmd, opts->group_by,
                        "Listing: one row per program (the Name column), user or cgroup (v2 path), "
                        "summed; processes sharing an address space counted once");
    cmd->add_flag("--categories", opts->categories,
                  "Listing: read full smaps for the native heap and JS heap columns (slower)");
    cmd->add_flag("--all", opts->all, "Listing: include kernel threads (no mappings)");
    cmd->add_option("--jobs", opts->jobs,
                    "Listing: read processes on N threads at once (default: the online CPUs; 1: "
                    "one after another). Same output whatever N")
        ->check(CLI::Range(1u, 256u))
        ->type_name("N");
    cmd->add_flag("--fds", opts->fds,
                  "With a PID: list every open descriptor (number, type, link) under the table, or "
                  "as \"fds\" in the JSON");
    cmd->add_option("--columns", opts->columns,
                    "With a PID: the table's width. all: hidumper's ten columns, 15 wide; auto "
                    "(default): fit the terminal ($COLUMNS, else its width), full layout in a pipe "
                    "or file; fit: fit even there ($COLUMNS, else 80); N: fit N characters. "
                    "--rules hidumper keeps hidumper's layout")
        ->check(columns_value())
        ->type_name("WHEN");
    add_read_options(*cmd, opts->read);
    add_common_options(*cmd, opts->common, {"table", "json", "csv", "prom"});
    cmd->footer(
        "With no PID: every readable process, largest Total Pss (Pss + SwapPss, as hidumper)\n"
        "first, then the system's totals from /proc/meminfo and a count of the processes that\n"
        "could not be read. It reads smaps_rollup (fast) unless --categories (or --sort\n"
        "native|js) asks for full smaps; --categories adds Total Pss by Category over all\n"
        "processes. --rules hidumper prints hidumper's no-PID layout. --group-by program|user|\n"
        "cgroup sums the processes per group, as ps_mem and smem -u do (--sort and --top then\n"
        "apply to the groups).\n"
        "Formats: table (hidumper's), json (a snapshot object; an array for several PIDs), csv\n"
        "(one row per process and category, kB), prom (Prometheus text exposition, bytes).\n"
        "Under the table: the native heap breakdown, DMA (dmabuf by exporter), GPU (DRM\n"
        "fdinfo, GPU device mappings), fd (open descriptors by type) and threads (by name).\n"
        "Sizes are in kB. Heap Size / Heap Alloc / Heap Free are printed as '-': they come from\n"
        "the allocator inside the process (mallinfo), which cannot be read from outside it.");
    cmd->callback([opts, &exit_code] { exit_code = run_mem(*opts); });
}

}  // namespace memsnap
