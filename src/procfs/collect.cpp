#include "procfs/collect.h"

#include <unistd.h>

#include <chrono>

#include "model/accumulate.h"
#include "model/mapping_set.h"
#include "model/error.h"
#include "model/graphics.h"
#include "model/runtime.h"
#include "procfs/cgroup.h"
#include "procfs/exe.h"
#include "procfs/fd.h"
#include "procfs/file.h"
#include "procfs/meminfo.h"
#include "procfs/status.h"
#include "procfs/task.h"

namespace memsnap {
namespace {

std::string pid_str(int64_t pid) { return std::to_string(pid); }

// What a read of full smaps (a process's, a lone file's) keeps beside the accumulator's rows:
// each mapping with its row when options.mappings, and what on_mapping and on_finish are told.
class SmapsOutcome {
  public:
    SmapsOutcome(const CollectOptions& options, MemoryAccumulator& acc) : options_(options), acc_(acc) {
        if (options.mappings || options.on_mapping) acc.set_listener(*this);
    }
    SmapsOutcome(const SmapsOutcome&) = delete;
    SmapsOutcome& operator=(const SmapsOutcome&) = delete;

    void operator()(const Mapping& m, Category row, int match) {
        if (options_.mappings) records_.add(m, row, match);
        if (options_.on_mapping) (*options_.on_mapping)(m, row, match);
    }

    // Once smaps is read: finishes the accumulator and fills the rows, the native heap, the
    // runtime and allocator it saw and the mappings into `snap`, then calls on_finish.
    void finish(Snapshot& snap) {
        acc_.finish();
        snap.categories = acc_.categories();
        snap.native_heap = acc_.native_heap();
        snap.runtime = std::string(acc_.layout().runtime_name);
        snap.allocator = std::string(allocator_name(acc_.layout().allocator()));
        if (options_.mappings)
            snap.mappings = records_.finish([&](int match) { return acc_.row_of_match(match); });
        if (options_.on_finish) (*options_.on_finish)(acc_);
    }

  private:
    const CollectOptions& options_;
    MemoryAccumulator& acc_;
    MappingSetBuilder records_;
};

// dmabuf and GPU device mappings feed the dma/gpu parts and the Graph row whatever rule set
// names the rows: they are found by memsnap's rules (hidumper's call anon_inode:dmabuf "other").
void add_to_graphics(GraphicsAccumulator& gfx, const Mapping& m, Category c, RuleSetId rules) {
    if (rules != RuleSetId::Memsnap) c = classify_with(memsnap_rule_set(), m.name, m.inode);
    if (c == Category::Dmabuf || c == Category::Dev) gfx.add_mapping(m, c);
}

// Re-throws errors of a process's files with what a user needs: which PID, which file, why.
[[noreturn]] void rethrow_for_process(const Error& e, int64_t pid, bool started) {
    if (std::string_view(e.what()).starts_with("process ")) throw e;  // already says it all
    switch (e.kind()) {
        case ErrorKind::NotFound:
            throw Error(ErrorKind::NotFound,
                        started ? "process " + pid_str(pid) + " exited while being read (" +
                                      e.what() + ")"
                                : "no process " + pid_str(pid) + " (" + e.what() + ")");
        case ErrorKind::Permission:
            throw Error(ErrorKind::Permission,
                        std::string(e.what()) +
                            " (reading another user's process needs the same user or root, and "
                            "is limited by kernel.yama.ptrace_scope)");
        default:
            throw e;
    }
}

// Runs `read`; a NotFound error while the process directory is still there means a captured
// tree without that file or directory: false, the part stays empty. A process that went away
// rethrows (the caller reports it gone).
template <class F>
bool read_optional_part(const ProcRoot& root, int64_t pid, F&& read) {
    try {
        read();
        return true;
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        return false;
    }
}

// Descriptors, their dmabuf/DRM fdinfo, and threads: once per snapshot, after smaps.
void read_resources(const ProcRoot& root, int64_t pid, Snapshot& snap, GraphicsAccumulator& gfx,
                    std::vector<OpenFd>* fd_list) {
    std::vector<OpenFd> fds;
    read_optional_part(root, pid, [&] { fds = read_fd_table(root, pid); });
    snap.fd = summarize_fds(fds);
    std::string key;
    for (const OpenFd& f : fds) {
        bool dmabuf = f.type == "dmabuf";
        if (!dmabuf && !is_drm_device(f.target)) continue;
        FdInfo info;
        try {
            info = read_fdinfo(root, root.pid_path(pid, "fdinfo/" + std::to_string(f.fd)));
        } catch (const Error& e) {
            // Closed since readlink, or a captured tree without fdinfo/.
            if (e.kind() == ErrorKind::NotFound) continue;
            throw;
        }
        if (dmabuf) gfx.add_dmabuf_fd(info.ino.value_or(0), info.size.value_or(0), info.exp_name);
        if (info.drm) {
            // drm-client-id is unique per device (drm-pdev) or globally: two descriptors of
            // one client (dup, fork) carry the same id.
            key.clear();
            if (!info.drm_client_id.empty())
                key = info.drm_driver + "|" + info.drm_pdev + "|" + info.drm_client_id;
            gfx.add_drm_client(key, info.drm_total, info.drm_resident);
        }
    }
    if (fd_list) *fd_list = std::move(fds);
    read_optional_part(root, pid, [&] { snap.thread = read_threads(root, pid); });
}

}  // namespace

int64_t unix_time_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Snapshot collect_snapshot(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          const CollectOptions& options, std::vector<OpenFd>* fd_list) {
    Snapshot snap;
    snap.time_ms = unix_time_ms();
    // A capture carries the time each file was read: the snapshot's time is its smaps'.
    SourceOrigin origin = root.source().origin();
    if (auto t = root.source().capture_time(
            root.pid_path(pid, options.light ? "smaps_rollup" : "smaps")))
        snap.time_ms = t->wall_ms;
    else if (origin.archive_time_ms)
        snap.time_ms = *origin.archive_time_ms;
    snap.time_source = origin.time_source;
    snap.host = origin.host;
    snap.pid = pid;
    snap.rules = options.rules;
    bool have_stat = false;
    bool started = false;
    bool exiting = false;
    std::string thread_dir;  // "task/TID/" when only the main thread has exited
    try {
        try {
            ProcessStat st = read_stat(root, root.pid_path(pid, "stat"));
            have_stat = true;
            snap.starttime = st.starttime;
            snap.name = st.comm;
            // Only the main thread exited (a zombie leader, other threads running): the
            // process holds its memory, read through a live thread.
            if (st.exiting() && st.state == 'Z') thread_dir = live_thread_dir(root, pid);
            if (st.exiting() && thread_dir.empty()) exiting = true;
        } catch (const Error& e) {
            // A captured tree may hold smaps alone; a live process always has stat.
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
        if (exiting)
            throw Error(ErrorKind::NotFound,
                        "process " + pid_str(pid) + " has exited (or is exiting)");
        started = true;
        try {
            snap.status = read_status(root, root.pid_path(pid, "status"));
            snap.name = snap.status.name;
            snap.uid = snap.status.uid;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
        try {
            snap.cgroup = read_cgroup_path(root, pid);  // one small read (no mm walk)
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
        // A memory file that is missing while the process is still there (same start time,
        // not exiting) is a captured tree without it, not a process that went away.
        auto read_memory = [&](std::string_view file, auto&& on_mapping) {
            const std::string path = root.pid_path(pid, thread_dir + std::string(file));
            try {
                reader.read(root, path, on_mapping);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
                if (have_stat) {
                    ProcessStat now = read_stat(root, root.pid_path(pid, "stat"));
                    if (now.exiting() || now.starttime != snap.starttime) throw;
                }
                throw Error(ErrorKind::Malformed,
                            root.display(path) + ": not in the tree, though process " +
                                pid_str(pid) + "'s directory is (a capture holds " +
                                std::string(file) + (options.light ? "" : ", or smaps_rollup with --light") +
                                ")");
            }
        };
        GraphicsAccumulator gfx;
        if (options.light) {
            MemUsage total;
            read_memory("smaps_rollup", [&](const Mapping& m) { total += m.usage; });
            snap.rollup = total;
            snap.js_runtime = std::string(js_runtime_of_process(snap.name));
        } else {
            // Go keeps no library to be known by: its executable's .go.buildinfo section
            // (cmd/go writes it into every binary since Go 1.13; debug/buildinfo reads it).
            std::optional<std::string> exe = root.source().filesystem_path(root.pid_path(pid, "exe"));
            bool go = options.infer && exe && elf_has_section(*exe, ".go.buildinfo");
            MemoryAccumulator acc(
                {.infer = options.infer, .go_executable = go, .rules = options.rules});
            SmapsOutcome outcome(options, acc);
            std::string_view runtime = js_runtime_of_process(snap.name);
            read_memory("smaps", [&](const Mapping& m) {
                add_to_graphics(gfx, m, acc.add(m), options.rules);
                if (runtime.empty() && m.inode != 0) runtime = js_runtime_of_library(m.name);
            });
            snap.js_runtime = std::string(runtime);
            outcome.finish(snap);
            if (snap.runtime.empty()) snap.runtime = snap.js_runtime;
        }
        if (options.resources) read_resources(root, pid, snap, gfx, fd_list);
        gfx.finish(snap);
        if (have_stat) {
            // smaps of a process that exited mid-read just ends early: check it is still there.
            ProcessStat after = read_stat(root, root.pid_path(pid, "stat"));
            const bool gone = thread_dir.empty() ? after.exiting() : live_thread_dir(root, pid).empty();
            if (gone || after.starttime != snap.starttime)
                throw Error(ErrorKind::NotFound,
                            "process " + pid_str(pid) + " exited while being read");
        }
    } catch (const Error& e) {
        rethrow_for_process(e, pid, started);
    }
    if (options.system) snap.system = read_system_memory(root);
    return snap;
}

std::optional<MemUsage> read_rollup_totals(const ProcRoot& root, int64_t pid, SmapsReader& reader) {
    MemUsage total;
    bool any = false;
    reader.read(root, root.pid_path(pid, "smaps_rollup"), [&](const Mapping& m) {
        total += m.usage;
        any = true;
    });
    if (!any) return std::nullopt;
    return total;
}

Snapshot refresh_light_snapshot(const ProcRoot& root, const Snapshot& last) {
    Snapshot snap = last;
    snap.time_ms = unix_time_ms();
    try {
        snap.status = read_status(root, root.pid_path(last.pid, "status"));
        if (snap.status.vm_size == 0)
            throw Error(ErrorKind::NotFound, "process " + pid_str(last.pid) + " has exited (or is exiting)");
        snap.name = snap.status.name;
        snap.uid = snap.status.uid;
        snap.js_runtime = std::string(js_runtime_of_process(snap.name));
        snap.cgroup = read_cgroup_path(root, last.pid);
    } catch (const Error& e) {
        rethrow_for_process(e, last.pid, true);
    }
    return snap;
}

Snapshot classify_smaps_file(const std::string& path, SmapsReader& reader,
                             const CollectOptions& options) {
    Snapshot snap;
    snap.time_ms = unix_time_ms();
    snap.rules = options.rules;
    MemoryAccumulator acc({.infer = options.infer, .rules = options.rules});
    SmapsOutcome outcome(options, acc);
    GraphicsAccumulator gfx;
    auto add = [&](const Mapping& m) { add_to_graphics(gfx, m, acc.add(m), options.rules); };
    // A file the user named: open_input_file() refuses devices and FIFOs, errors are Io.
    FdGuard fd(path == "-" ? -1 : open_input_file(path));
    reader.read_fd(path == "-" ? open_input_file("-") : fd.get(), path == "-" ? "<stdin>" : path, add);
    outcome.finish(snap);
    gfx.finish(snap);
    return snap;
}

}  // namespace memsnap
