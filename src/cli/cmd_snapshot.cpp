#include "cli/cmd_snapshot.h"

#include <memory>
#include <string>

#include "cli/common.h"
#include "formats/file_output.h"
#include "formats/snapshot_json.h"
#include "procfs/collect.h"

namespace memsnap {
namespace {

struct SnapshotOptions {
    std::string pid;
    std::string proc_root = "/proc";
    std::string output;  // -o: replaced atomically
    std::string append;  // --append: one NDJSON line
};

int run_snapshot(const SnapshotOptions& opts) {
    ProcRoot root{opts.proc_root};
    SmapsReader reader;
    Snapshot snap = collect_snapshot(root, resolve_process(root, opts.pid), reader);
    nlohmann::ordered_json j = snapshot_to_json(snap);
    if (!opts.append.empty()) {
        append_line(opts.append, j.dump() + "\n");
    } else if (!opts.output.empty()) {
        write_file_atomically(opts.output, j.dump(2) + "\n");
    } else {
        write_stdout(j.dump(2) + "\n");
    }
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
            ->type_name("FILE");
    cmd->add_option("--append", opts->append,
                    "Append the snapshot as one NDJSON line to FILE and flush it (a series)")
        ->type_name("FILE")
        ->excludes(out);
    cmd->add_option("--proc-root", opts->proc_root,
                    "Read a /proc-like tree (DIR/<pid>/smaps, status, stat, ...) instead of /proc")
        ->type_name("DIR");
    cmd->footer(
        "Example, a snapshot every 5 seconds:\n"
        "  while sleep 5; do memsnap snapshot $PID --append app.ndjson; done");
    cmd->callback([opts, &exit_code] { exit_code = run_snapshot(*opts); });
}

}  // namespace memsnap
