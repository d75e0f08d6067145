#include "procfs/process_list.h"

#include "model/accumulate.h"
#include "model/error.h"
#include "procfs/collect.h"
#include "procfs/meminfo.h"
#include "procfs/process.h"
#include "procfs/status.h"

namespace memsnap {
namespace {

std::string reason_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::NotFound:
            return "gone";
        case ErrorKind::Permission:
            return "permission denied";
        case ErrorKind::Malformed:
            return "malformed";
        default:
            return "error";
    }
}

// Number of entries of <pid>/fd/ (no readlink: the count is all the overview needs).
uint64_t count_fds(const ProcRoot& root, int64_t pid) {
    uint64_t n = 0;
    for (const std::string& name : root.source().list(root.pid_path(pid, "fd")))
        if (name[0] != '.') ++n;
    return n;
}

// Fills `row` from smaps_rollup (of `dir`: "" or a live thread's "task/TID/"); false for a
// process with no mappings (a kernel thread).
bool read_rollup(const ProcRoot& root, int64_t pid, SmapsReader& reader, ProcessRow& row,
                 const std::string& dir) {
    bool any = false;
    reader.read(root, root.pid_path(pid, dir + "smaps_rollup"), [&](const Mapping& m) {
        row.usage += m.usage;
        any = true;
    });
    return any;
}

// Fills `row` from full smaps; false for a process with no mappings.
bool read_categories(const ProcRoot& root, int64_t pid, SmapsReader& reader, ProcessRow& row,
                     bool infer, const std::string& dir) {
    MemoryAccumulator acc({.infer = infer});
    bool any = false;
    reader.read(root, root.pid_path(pid, dir + "smaps"), [&](const Mapping& m) {
        acc.add(m);
        any = true;
    });
    acc.finish();
    // smaps of an exiting process ends early: do not list a truncated total.
    if (any && dir.empty() && read_stat(root, root.pid_path(pid, "stat")).exiting())
        throw Error(ErrorKind::NotFound, "process " + std::to_string(pid) + " exited while being read");
    const CategoryUsage& c = acc.categories();
    row.usage = c.total();
    row.native_pss = c[Category::NativeHeap].pss + c[Category::NativeHeapInferred].pss;
    row.js_pss = c[Category::ArkTsHeap].pss + c[Category::ArkTsStaticHeap].pss +
                 c[Category::JsHeapInferred].pss + c[Category::JavaHeapInferred].pss +
                 c[Category::GoHeapInferred].pss;
    return any;
}

// smaps_rollup, or, in a capture that holds full smaps instead (memsnap capture without
// --light, smemcap), the sum of smaps.
bool read_rollup_or_smaps(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          ProcessRow& row, bool infer) {
    try {
        return read_rollup(root, pid, reader, row, "");
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
    }
    return read_categories(root, pid, reader, row, infer, "");
}

// The state letter of <pid>/stat, '?' when it cannot be read (a captured tree may lack it).
char stat_state(const ProcRoot& root, int64_t pid) {
    try {
        return read_stat(root, root.pid_path(pid, "stat")).state;
    } catch (const Error&) {
        return '?';
    }
}

}  // namespace

ProcessList collect_process_list(const ProcRoot& root, SmapsReader& reader,
                                 const ProcessListOptions& options) {
    ProcessList list;
    for (int64_t pid : list_pids(root)) {
        ProcessRow row;
        row.pid = pid;
        try {
            ProcessStatus st = read_status(root, root.pid_path(pid, "status"));
            if (options.uid && st.uid != *options.uid) continue;
            row.name = st.name;
            row.uid = st.uid;
            row.threads = st.threads;
            // A kernel thread has no address space: no Vm* lines in status, and its
            // smaps_rollup cannot even be opened (ESRCH). Nor has a zombie (state Z), unless
            // only its main thread exited: then a live thread shows the process's memory.
            std::string dir;
            if (st.vm_size == 0 && stat_state(root, pid) == 'Z') {
                dir = st.threads > 1 ? live_thread_dir(root, pid) : "";
                if (dir.empty()) {
                    list.skipped.push_back({pid, "zombie",
                                            "process " + std::to_string(pid) +
                                                " is a zombie: it has exited and holds no memory "
                                                "(its parent has not reaped it yet)"});
                    continue;
                }
            }
            bool has_mappings = (st.vm_size > 0 || !dir.empty()) &&
                                (options.categories ? read_categories(root, pid, reader, row, options.infer, dir)
                                                    : dir.empty() ? read_rollup_or_smaps(root, pid, reader, row, options.infer)
                                                                  : read_rollup(root, pid, reader, row, dir));
            if (!has_mappings && !options.kernel_threads) {
                ++list.kernel_threads;
                continue;
            }
            if (options.count_fds) row.fds = count_fds(root, pid);
        } catch (const Error& e) {
            list.skipped.push_back({pid, reason_of(e.kind()), e.what()});
            continue;
        }
        list.rows.push_back(std::move(row));
    }
    try {
        MemInfo mi = read_meminfo(root);
        list.system.total = mi.get("MemTotal").value_or(0);
        list.system.free = mi.get("MemFree").value_or(0);
        list.system.available = mi.get("MemAvailable").value_or(0);
        list.slab = mi.get("Slab").value_or(0);
        list.page_tables = mi.get("PageTables").value_or(0);
        list.shmem = mi.get("Shmem").value_or(0);
        list.kernel_stack = mi.get("KernelStack").value_or(0);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
    }
    return list;
}

}  // namespace memsnap
