#include "cli/cmd_mem.h"

#include <fmt/format.h>

#include <memory>

#include "cli/common.h"
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

std::string render(const Snapshot& snap, const MemOptions& opts, bool with_title) {
    if (opts.common.format == "json") return snapshot_to_json(snap).dump(2) + "\n";
    std::string out;
    if (with_title) out += fmt::format("pid {} ({})\n", snap.pid, snap.name);
    out += render_mem_table(snap, TableOptions{.human = opts.common.human});
    return out;
}

int run_mem(const MemOptions& opts) {
    SmapsReader reader;
    if (!opts.smaps_file.empty()) {
        if (!opts.pids.empty()) throw Error(ErrorKind::Usage, "--smaps takes no PID");
        write_stdout(render(classify_smaps_file(opts.smaps_file, reader), opts, false));
        return kExitOk;
    }
    if (opts.pids.empty()) {
        throw Error(ErrorKind::Usage, "give a PID (or --smaps FILE)");
    }
    ProcRoot root{opts.common.proc_root};
    int code = kExitOk;
    bool json_array = opts.common.format == "json" && opts.pids.size() > 1;
    if (json_array) write_stdout("[\n");
    bool first = true;
    for (const std::string& spec : opts.pids) {
        try {
            Snapshot snap = collect_snapshot(root, resolve_process(root, spec), reader);
            if (json_array && !first) write_stdout(",\n");
            if (!json_array && !first) write_stdout("\n");
            write_stdout(render(snap, opts, opts.common.format == "table"));
            first = false;
        } catch (const Error& e) {
            // One bad PID does not hide the others; the exit code reports it.
            print_error(e.what());
            if (code == kExitOk) code = exit_code_for(e.kind());
        }
    }
    if (json_array) write_stdout("]\n");
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
    add_common_options(*cmd, opts->common, {"table", "json"});
    cmd->footer(
        "Sizes are in kB. Heap Size / Heap Alloc / Heap Free are printed as '-': they come from\n"
        "the allocator inside the process (mallinfo), which cannot be read from outside it.");
    cmd->callback([opts, &exit_code] { exit_code = run_mem(*opts); });
}

}  // namespace memsnap
