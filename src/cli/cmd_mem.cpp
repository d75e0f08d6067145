#include "cli/cmd_mem.h"

#include <fmt/format.h>

#include <memory>

#include "cli/common.h"
#include "formats/prom.h"
#include "formats/snapshot_csv.h"
#include "formats/snapshot_json.h"
#include "formats/table.h"
#include "procfs/collect.h"

namespace memsnap {
namespace {

struct MemOptions {
    CommonOptions common;
    std::vector<std::string> pids;
    std::string smaps_file;
};

// Prints the snapshots of the PIDs (or the --smaps file) one by one as they are read; prom
// gathers them first (each metric family is printed once, for every process).
class MemPrinter {
  public:
    explicit MemPrinter(const MemOptions& opts) : opts_(opts) {}

    void add(const Snapshot& snap, bool with_title) {
        const std::string& format = opts_.common.format;
        if (format == "prom") {
            prom_.push_back(snap);
        } else if (format == "csv") {
            if (count_ == 0) write_stdout(mem_csv_header());
            write_stdout(mem_to_csv_rows(snap));
        } else if (format == "json") {
            if (count_ > 0) write_stdout(",\n");
            write_stdout(snapshot_to_json(snap).dump(2) + "\n");
        } else {
            std::string out = count_ > 0 ? "\n" : "";
            if (with_title) out += fmt::format("pid {} ({})\n", snap.pid, snap.name);
            out += render_mem_table(snap, TableOptions{.human = opts_.common.human});
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
    MemPrinter printer(opts);
    if (!opts.smaps_file.empty()) {
        if (!opts.pids.empty()) throw Error(ErrorKind::Usage, "--smaps takes no PID");
        printer.add(classify_smaps_file(opts.smaps_file, reader), false);
        printer.finish();
        return kExitOk;
    }
    if (opts.pids.empty()) {
        throw Error(ErrorKind::Usage, "give a PID (or --smaps FILE)");
    }
    ProcRoot root{opts.common.proc_root};
    int code = kExitOk;
    bool json_array = opts.common.format == "json" && opts.pids.size() > 1;
    if (json_array) write_stdout("[\n");
    for (const std::string& spec : opts.pids) {
        try {
            printer.add(collect_snapshot(root, resolve_process(root, spec), reader), true);
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
    add_common_options(*cmd, opts->common, {"table", "json", "csv", "prom"});
    cmd->footer(
        "Formats: table (hidumper's), json (a snapshot object; an array for several PIDs), csv\n"
        "(one row per process and category, kB), prom (Prometheus text exposition, bytes).\n"
        "Sizes are in kB. Heap Size / Heap Alloc / Heap Free are printed as '-': they come from\n"
        "the allocator inside the process (mallinfo), which cannot be read from outside it.");
    cmd->callback([opts, &exit_code] { exit_code = run_mem(*opts); });
}

}  // namespace memsnap
