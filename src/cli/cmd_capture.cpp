#include "cli/cmd_capture.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <memory>
#include <string>
#include <vector>

#include "cli/common.h"
#include "formats/capture_archive.h"
#include "model/capture_manifest.h"
#include "procfs/capture.h"

namespace memsnap {
namespace {

struct CaptureCliOptions {
    std::vector<std::string> pids;
    bool all = false;
    std::string output;  // empty: standard output unless it is a terminal
    bool gzip = false;
    bool light = false;
    std::string proc_root = "/proc";
};

int run_capture(const CaptureCliOptions& opts) {
    if (opts.all == !opts.pids.empty())
        throw Error(ErrorKind::Usage, "capture takes PIDs or --all (one of the two)");
    std::string output = opts.output.empty() ? "-" : opts.output;
    if (output == "-" && ::isatty(STDOUT_FILENO) == 1)
        throw Error(ErrorKind::Usage,
                    "capture writes a tarball: give -o FILE, or redirect standard output");
    bool gzip = opts.gzip || output.ends_with(".gz") || output.ends_with(".tgz");
    ProcRoot root = open_proc_root(opts.proc_root);

    CaptureManifest manifest;
    manifest.memsnap_version = MEMSNAP_VERSION;
    manifest.rules = "memsnap";  // the only rule set so far (DESIGN.md section 4)
    manifest.light = opts.light;
    if (utsname u{}; ::uname(&u) == 0) {
        manifest.host = u.nodename;
        manifest.kernel = u.release;
        manifest.machine = u.machine;
    }
    manifest.started = capture_time_now();

    // Explicit PIDs are resolved before anything is written: a typo is a usage error.
    std::vector<int64_t> pids;
    if (opts.all) {
        pids = list_pids(root);
    } else {
        for (const std::string& spec : opts.pids) pids.push_back(resolve_process(root, spec));
    }

    CaptureArchiveWriter writer(output, gzip);
    CapturedFile meminfo = capture_file(root, "meminfo");
    manifest.files[meminfo.path] = meminfo.time;
    writer.add(meminfo);
    std::size_t captured = 0;
    std::optional<Error> first_error;
    for (int64_t pid : pids) {
        CapturedProcess cp;
        try {
            cp = capture_process(root, pid, CaptureOptions{.light = opts.light});
        } catch (const Error& e) {
            manifest.skipped.push_back({pid, std::string(skip_reason(e.kind())), e.what()});
            // With --all, processes come and go and kernel threads hide their files: the
            // manifest says which; named PIDs are worth a line on stderr.
            if (!opts.all) {
                print_error(std::string("skipped: ") + e.what());
                if (!first_error) first_error = e;
            }
            continue;
        }
        CaptureTime at = cp.files.empty() ? capture_time_now() : cp.files.front().time;
        for (const std::string& d : cp.dirs) writer.add_dir(d, at);
        for (const CapturedFile& f : cp.files) {
            manifest.files[f.path] = f.time;
            writer.add(f);
        }
        ++captured;
    }
    manifest.finished = capture_time_now();
    writer.add_text(kCaptureManifestName, capture_manifest_to_json(manifest), manifest.finished);
    writer.finish();
    if (captured == 0 && first_error) return exit_code_for(first_error->kind());
    return kExitOk;
}

}  // namespace

void register_capture_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<CaptureCliOptions>();
    CLI::App* cmd = app.add_subcommand(
        "capture",
        "Write the files memsnap reads of some processes into one tarball, to analyse elsewhere "
        "with --proc-root FILE");
    cmd->add_option("pid", opts->pids, "PIDs, 'self', or process names (exact match on comm)")
        ->type_name("PID");
    cmd->add_flag("--all", opts->all, "Every process that can be read (the others are listed in "
                                      "the manifest)");
    cmd->add_option("-o,--output", opts->output,
                    "Write the tarball to FILE ('-' or no -o: standard output, not a terminal); "
                    "a name ending in .gz or .tgz is compressed")
        ->type_name("FILE");
    cmd->add_flag("-z,--gzip", opts->gzip, "Compress with gzip");
    cmd->add_flag("--light", opts->light,
                  "smaps_rollup instead of smaps: totals only, about ten times cheaper");
    cmd->add_option("--proc-root", opts->proc_root,
                    "Capture from a /proc-like tree or another capture instead of /proc")
        ->type_name("DIR|TARBALL");
    cmd->footer(
        "The tarball holds, per process, stat, status, comm, cmdline, smaps (or smaps_rollup),\n"
        "fd/ links, fdinfo of dmabuf and DRM descriptors and task/*/comm, plus meminfo and\n"
        "memsnap-capture.json (when each file was read, host, kernel, memsnap version, rule set,\n"
        "processes that could not be read). Never pagemap, mem or other large files.\n"
        "Example, on a device:  hdc shell memsnap capture 1234 -o - > cap.tar\n"
        "then on the laptop:    memsnap --mem 1234 --proc-root cap.tar");
    cmd->callback([opts, &exit_code] { exit_code = run_capture(*opts); });
}

}  // namespace memsnap
