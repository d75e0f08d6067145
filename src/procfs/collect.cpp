#include "procfs/collect.h"

#include <unistd.h>

#include <chrono>

#include "model/accumulate.h"
#include "model/error.h"
#include "model/runtime.h"
#include "procfs/meminfo.h"
#include "procfs/status.h"

namespace memsnap {
namespace {

std::string pid_str(int64_t pid) { return std::to_string(pid); }

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

}  // namespace

int64_t unix_time_ms() {
    using namespace std::chrono;
    return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Snapshot collect_snapshot(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          const CollectOptions& options) {
    Snapshot snap;
    snap.time_ms = unix_time_ms();
    snap.pid = pid;
    bool have_stat = false;
    bool started = false;
    bool exiting = false;
    try {
        try {
            ProcessStat st = read_stat(root.pid_path(pid, "stat"));
            have_stat = true;
            snap.starttime = st.starttime;
            snap.name = st.comm;
            if (st.exiting()) exiting = true;
        } catch (const Error& e) {
            // A captured tree may hold smaps alone; a live process always has stat.
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
        if (exiting)
            throw Error(ErrorKind::NotFound,
                        "process " + pid_str(pid) + " has exited (or is exiting)");
        started = true;
        try {
            snap.status = read_status(root.pid_path(pid, "status"));
            snap.name = snap.status.name;
            snap.uid = snap.status.uid;
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
        if (options.light) {
            MemUsage total;
            reader.read_file(root.pid_path(pid, "smaps_rollup"),
                             [&](const Mapping& m) { total += m.usage; });
            snap.rollup = total;
            snap.js_runtime = std::string(js_runtime_of_process(snap.name));
        } else {
            MemoryAccumulator acc;
            std::string_view runtime = js_runtime_of_process(snap.name);
            reader.read_file(root.pid_path(pid, "smaps"), [&](const Mapping& m) {
                acc.add(m);
                if (runtime.empty() && m.inode != 0) runtime = js_runtime_of_library(m.name);
            });
            snap.js_runtime = std::string(runtime);
            acc.finish();
            snap.categories = acc.categories();
            snap.native_heap = acc.native_heap();
        }
        if (have_stat) {
            // smaps of a process that exited mid-read just ends early: check it is still there.
            ProcessStat after = read_stat(root.pid_path(pid, "stat"));
            if (after.exiting() || after.starttime != snap.starttime)
                throw Error(ErrorKind::NotFound,
                            "process " + pid_str(pid) + " exited while being read");
        }
    } catch (const Error& e) {
        rethrow_for_process(e, pid, started);
    }
    if (options.system) {
        try {
            MemInfo mi = read_meminfo(root.path("meminfo"));
            snap.system.total = mi.get("MemTotal").value_or(0);
            snap.system.free = mi.get("MemFree").value_or(0);
            snap.system.available = mi.get("MemAvailable").value_or(0);
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound) throw;
        }
    }
    return snap;
}

Snapshot classify_smaps_file(const std::string& path, SmapsReader& reader) {
    Snapshot snap;
    snap.time_ms = unix_time_ms();
    MemoryAccumulator acc;
    auto add = [&](const Mapping& m) { acc.add(m); };
    if (path == "-") {
        reader.read_fd(STDIN_FILENO, "<stdin>", add);
    } else {
        reader.read_file(path, add);
    }
    acc.finish();
    snap.categories = acc.categories();
    snap.native_heap = acc.native_heap();
    return snap;
}

}  // namespace memsnap
