#include "cli/cmd_capture.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "cli/common.h"
#include "formats/capture_archive.h"
#include "model/capture_manifest.h"
#include "model/rules/rule_set.h"
#include "procfs/capture.h"
#include "procfs/process_list.h"

namespace memsnap {
namespace {

struct CaptureCliOptions {
    std::vector<std::string> pids;
    bool all = false;
    std::string output;  // empty: standard output unless it is a terminal
    bool gzip = false;
    bool light = false;
    std::string proc_root = "/proc";
    unsigned jobs = 0;  // 0: the online CPUs
};

// One process read for the archive, or why it could not be.
struct Captured {
    CapturedProcess process;
    std::optional<Error> error;
};

// Reads pids[begin, end) on up to `jobs` threads, each taking the next PID; results land in the
// PID's slot, so the archive is written in PID order whatever order the reads finish in. The
// window bounds memory: a process's files are held (a big smaps spills to a temporary file,
// procfs/capture.h) only until its window is written.
std::vector<Captured> capture_window(const ProcRoot& root, const std::vector<int64_t>& pids,
                                     std::size_t begin, std::size_t end, unsigned jobs,
                                     const CaptureOptions& options) {
    std::vector<Captured> out(end - begin);
    std::atomic<std::size_t> next{begin};
    auto work = [&] {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < end;) {
            try {
                out[i - begin].process = capture_process(root, pids[i], options);
            } catch (const Error& e) {
                out[i - begin].error = e;
            }
        }
    };
    std::vector<std::jthread> threads;
    for (unsigned w = 1; w < jobs; ++w) {
        try {
            threads.emplace_back(work);
        } catch (const std::system_error&) {
            break;  // no more threads to be had: those started do the work
        }
    }
    work();
    for (std::jthread& t : threads) t.join();
    return out;
}

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
    // The files are stored as read, unclassified: a reader picks the rows with its own --rules.
    // This names the set it gets without one (what a snapshot of the capture says in "rules").
    manifest.rules = rule_set(RuleSetId::Memsnap).name;
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
    // A tarball streams its members in archive order, which threads would break into re-reads.
    unsigned jobs = root.source().reads_in_parallel() ? listing_jobs(opts.jobs) : 1;
    const std::size_t window = 4 * std::size_t{jobs};
    for (std::size_t begin = 0; begin < pids.size(); begin += window) {
        const std::size_t end = std::min(pids.size(), begin + window);
        std::vector<Captured> got =
            capture_window(root, pids, begin, end, jobs, CaptureOptions{.light = opts.light});
        for (std::size_t i = begin; i < end; ++i) {
            Captured& c = got[i - begin];
            if (c.error) {
                manifest.skipped.push_back({pids[i], std::string(skip_reason(c.error->kind())), c.error->what()});
                // With --all, processes come and go and kernel threads hide their files: the
                // manifest says which; named PIDs are worth a line on stderr.
                if (!opts.all) {
                    print_error(std::string("skipped: ") + c.error->what());
                    if (!first_error) first_error = c.error;
                }
                continue;
            }
            const CapturedProcess& cp = c.process;
            CaptureTime at = cp.files.empty() ? capture_time_now() : cp.files.front().time;
            for (const std::string& d : cp.dirs) writer.add_dir(d, at);
            for (const CapturedFile& f : cp.files) {
                manifest.files[f.path] = f.time;
                writer.add(f);
            }
            ++captured;
        }
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
    cmd->add_option("--jobs", opts->jobs,
                    "Read processes on N threads (default: the online CPUs; 1: one after another); "
                    "the archive is the same, in PID order")
        ->check(CLI::Range(1u, 256u))
        ->type_name("N");
    add_proc_root_option(*cmd, opts->proc_root,
                         "Capture from a /proc-like tree or another capture instead of /proc");
    cmd->footer(
        "The tarball holds, per process, stat, status, comm, cmdline, cgroup, smaps (or smaps_rollup),\n"
        "fd/ links, fdinfo of dmabuf and DRM descriptors and task/*/comm, plus meminfo and\n"
        "memsnap-capture.json (when each file was read, host, kernel, memsnap version, rule set,\n"
        "processes that could not be read). Never pagemap, mem or other large files.\n"
        "Example, on a device:  hdc shell memsnap capture 1234 -o - > cap.tar\n"
        "then on the laptop:    memsnap --mem 1234 --proc-root cap.tar");
    cmd->callback([opts, &exit_code] { exit_code = run_capture(*opts); });
}

}  // namespace memsnap
