#include "cli/cmd_mem_smaps.h"

#include <memory>
#include <string>

#include "cli/common.h"
#include "model/accumulate.h"
#include "model/error.h"
#include "model/mapping_groups.h"
#include "procfs/collect.h"
#include "render/mem_smaps.h"

namespace memsnap {
namespace {

struct MemSmapsCliOptions {
    ReadOptions read;  // --proc-root, --rules, --no-infer
    CommonOptions common;
    std::string pid;
    std::string smaps_file;  // a lone smaps file instead of a process
    bool verbose = false;
};

// Output written in pieces of about this size, so the verbose view of a process with 100 000
// mappings is never held whole as text.
constexpr std::size_t kFlushBytes = 64 * 1024;

int run_mem_smaps(const MemSmapsCliOptions& opts) {
    const bool lone = !opts.smaps_file.empty();
    if (lone == !opts.pid.empty())
        throw Error(ErrorKind::Usage, lone ? "--smaps FILE takes no PID: give one or the other"
                                           : "give a PID, or --smaps FILE");
    SmapsReader reader;
    MemSmapsOptions view;
    view.verbose = opts.verbose;
    view.human = opts.common.human;
    view.rules = opts.read.rules;
    view.format = opts.common.format == "json"  ? MemSmapsFormat::Json
                  : opts.common.format == "csv" ? MemSmapsFormat::Csv
                                                : MemSmapsFormat::Table;
    const RuleSet& rules = rule_set(opts.read.rules);
    // The row of a mapping that shape inference attributes is final only once the whole
    // address space is known (a runtime's library may be mapped above it): every view waits
    // for the end of smaps, the verbose one holding each mapping compactly until then.
    MappingGroups groups;
    MappingList list;
    uint64_t count = 0;
    auto on_mapping = [&](const Mapping& m, Category row, int match) {
        ++count;
        if (opts.verbose)
            list.add(m, row, match);
        else
            groups.add(m, row, match);
    };
    CollectOptions collect;
    collect.system = false;
    collect.resources = false;
    collect.infer = !opts.read.no_infer;
    collect.rules = opts.read.rules;
    collect.on_mapping = on_mapping;
    std::vector<MappingGroup> rows;
    auto rank = [](Category c) { return hidumper_smaps_class_rank(c); };
    auto on_finish = [&](const MemoryAccumulator& acc) {
        auto row_of_match = [&](int match) { return acc.row_of_match(match); };
        if (opts.verbose) {
            list.settle(row_of_match);
            // hidumper lists the mappings class by class (rules/hidumper.cpp).
            if (rules.hidumper_layout) list.order_by(rank);
        } else {
            rows = groups.rows(row_of_match);
            // hidumper's summary has one row per name (parse_smaps_info.cpp, a std::map by name).
            if (rules.hidumper_layout) rows = merge_by_name(std::move(rows), rank);
        }
    };
    collect.on_finish = on_finish;
    int64_t pid = 0;  // a lone file's: unknown, as memsnap --mem --smaps says
    Snapshot snap;
    if (lone) {
        snap = classify_smaps_file(opts.smaps_file, reader, collect);
    } else {
        ProcRoot root = open_proc_root(opts.read.proc_root);
        pid = resolve_process(root, opts.pid);
        snap = collect_snapshot(root, pid, reader, collect);
    }
    MemSmapsRenderer renderer(view);
    std::string out = renderer.begin(pid);
    for (const ListedMapping& l : list.mappings()) {
        out += renderer.mapping(list.mapping(l), l.row);
        if (out.size() >= kFlushBytes) {
            write_stdout(out);
            out.clear();
        }
    }
    out += renderer.end(rows, snap.categories.total(), count, snap.name);
    write_stdout(out);
    return kExitOk;
}

}  // namespace

void register_mem_smaps_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<MemSmapsCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "mem-smaps",
        "hidumper's per-mapping view of a PID or a lone smaps file: one row per mapping name, or "
        "with -v per mapping (also: memsnap --mem-smaps PID [-v])");
    cmd->add_option("pid", opts->pid,
                    "PID, 'self', or a process name (exact match on /proc/*/comm)")
        ->type_name("PID");
    cmd->add_option("--smaps", opts->smaps_file,
                    "The mappings of a lone smaps file ('-' for standard input) instead of a PID")
        ->type_name("FILE");
    cmd->add_flag("-v,--verbose", opts->verbose,
                  "One row per mapping, with its permissions and address range");
    add_read_options(*cmd, opts->read);
    add_common_options(*cmd, opts->common, {"table", "json", "csv"});
    cmd->footer(
        "Columns: Size, Rss, Pss, Shared Clean/Dirty, Private Clean/Dirty, Swap, SwapPss (kB),\n"
        "then Counts (mappings of that name and row) or, with -v, Perm, Start and End, then the\n"
        "row of the memory table (Category) and the name ([anon] for unnamed memory). Rows are\n"
        "sorted by name; with -v they come in address order as smaps lists them. The last row,\n"
        "Summary, adds up every mapping; as in hidumper its Pss includes SwapPss.\n"
        "--rules hidumper: hidumper's layout (one row per name, -v class by class).\n"
        "Names with control characters are printed escaped (\\n, \\t, \\xNN); json and csv keep "
        "them.");
    cmd->callback([opts, &exit_code] { exit_code = run_mem_smaps(*opts); });
}

}  // namespace memsnap
