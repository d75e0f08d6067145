#include "cli/cmd_snapshot.h"

#include <memory>
#include <string>

#include "cli/common.h"
#include "formats/file_output.h"
#include "formats/json_text.h"
#include "formats/prom.h"
#include "formats/snapshot_json.h"
#include "procfs/collect.h"
#include "render/snapshot_csv.h"

namespace memsnap {
namespace {

struct SnapshotOptions {
    ReadOptions read;  // --proc-root, --rules, --no-infer
    std::string pid;
    std::string output;  // -o: replaced atomically
    std::string append;  // --append: one NDJSON line
    std::string format = "json";
    bool mappings = false;
};

int run_snapshot(const SnapshotOptions& opts) {
    ProcRoot root = open_proc_root(opts.read.proc_root);
    SmapsReader reader;
    if (!opts.append.empty() && opts.format != "json")
        throw Error(ErrorKind::Usage,
                    "--append writes NDJSON: it takes no --format " + opts.format);
    if (opts.mappings && opts.format != "json")
        throw Error(ErrorKind::Usage, "--mappings are stored in JSON snapshots only");
    CollectOptions collect{.infer = !opts.read.no_infer, .rules = opts.read.rules};
    collect.mappings = opts.mappings;
    Snapshot snap = collect_snapshot(root, resolve_process(root, opts.pid), reader, collect);
    if (!opts.append.empty()) {
        append_line(opts.append, dump_json(snapshot_to_json(snap)) + "\n");
        return kExitOk;
    }
    std::string text;
    if (opts.format == "prom")
        text = snapshots_to_prometheus({snap});
    else if (opts.format == "csv")
        text = mem_csv_header() + mem_to_csv_rows(snap);
    else
        text = dump_json(snapshot_to_json(snap), 2) + "\n";
    if (!opts.output.empty())
        write_file_atomically(opts.output, text);
    else
        write_stdout(text);
    return kExitOk;
}

}  // namespace

void register_snapshot_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<SnapshotOptions>();
    CLI::App* cmd = app.add_subcommand(
        "snapshot", "One snapshot of a process as JSON (to compare later with `memsnap diff`)");
    cmd->add_option("pid", opts->pid,
                    "PID, 'self', or a process name (exact match on /proc/*/comm)")
        ->type_name("PID")
        ->required();
    CLI::Option* out =
        cmd->add_option("-o,--output", opts->output,
                        "Write the JSON to FILE atomically (a reader never sees half of it)")
            ->check(non_empty_file())
            ->type_name("FILE");
    cmd->add_option("--append", opts->append,
                    "Append the snapshot as one NDJSON line to FILE and flush it (a series)")
        ->check(non_empty_file())
        ->type_name("FILE")
        ->excludes(out);
    cmd->add_option("--format", opts->format,
                    "json (default), csv (one row per category, kB) or prom (Prometheus text "
                    "exposition, bytes: -o FILE suits node_exporter's textfile collector)")
        ->check(CLI::IsMember({"json", "csv", "prom"}))
        ->type_name("FORMAT");
    add_read_options(*cmd, opts->read);
    cmd->add_flag("--mappings", opts->mappings,
                  "Also store every mapping (address range, name, row, Rss/Pss/SwapPss, about "
                  "12 bytes each), so that diff can name the mappings that grew");
    cmd->footer(
        "Example, a snapshot every 5 seconds:\n"
        "  while sleep 5; do memsnap snapshot $PID --append app.ndjson; done");
    cmd->callback([opts, &exit_code] { exit_code = run_snapshot(*opts); });
}

}  // namespace memsnap
