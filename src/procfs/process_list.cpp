#include "procfs/process_list.h"

#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>
#include <functional>
#include <optional>
#include <system_error>
#include <thread>
#include <tuple>
#include <vector>

#include <linux/kcmp.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "model/accumulate.h"
#include "model/error.h"
#include "procfs/cgroup.h"
#include "procfs/collect.h"
#include "procfs/file.h"
#include "procfs/meminfo.h"
#include "procfs/parallel_read.h"
#include "procfs/process.h"
#include "procfs/status.h"

namespace memsnap {
namespace {

// Number of entries of <pid>/fd/ (no readlink: the count is all the overview needs).
uint64_t count_fds(const ProcRoot& root, int64_t pid) {
    uint64_t n = 0;
    for (const std::string& name : root.source().list(root.pid_path(pid, "fd")))
        if (name[0] != '.') ++n;
    return n;
}

// What tells one address space from another in the listing (the shared-address-space rule of
// process_list.h): the memory totals that are the address space's own, the span of the
// mappings and status' mm-wide sizes. Not Pss, SwapPss or the shared/private split: they move
// whenever another process maps or unmaps the same pages (a libc page), so two reads of one mm
// a moment apart differ in them while the machine starts and ends processes.
struct MmFingerprint {
    MemUsage usage;
    uint64_t start = UINT64_MAX;  // the lowest start and highest end of the mappings
    uint64_t end = 0;
    ProcessStatus status;  // only its mm-wide sizes are compared

    void add_span(const Mapping& m) {
        start = std::min(start, m.start);
        end = std::max(end, m.end);
    }
    auto key() const {
        const ProcessStatus& s = status;
        return std::tie(usage.size, usage.rss, usage.swap, usage.mappings, start, end, s.vm_peak,
                        s.vm_size, s.vm_hwm, s.vm_rss, s.rss_anon, s.rss_file, s.rss_shmem,
                        s.vm_swap);
    }
};

// Fills `row` from smaps_rollup (of `dir`: "" or a live thread's "task/TID/"); false for a
// process with no mappings (a kernel thread).
bool read_rollup(const ProcRoot& root, int64_t pid, SmapsReader& reader, ProcessRow& row,
                 const std::string& dir, MmFingerprint& mm) {
    bool any = false;
    reader.read(root, root.pid_path(pid, dir + "smaps_rollup"), [&](const Mapping& m) {
        row.usage += m.usage;
        mm.add_span(m);
        any = true;
    });
    return any;
}

// Fills `row` from full smaps, and `totals` with its rows' Pss + SwapPss; false for a process
// with no mappings.
bool read_categories(const ProcRoot& root, int64_t pid, SmapsReader& reader, ProcessRow& row,
                     CategoryTotals& totals, const ProcessListOptions& options,
                     const std::string& dir, MmFingerprint& mm) {
    MemoryAccumulator acc({.infer = options.infer, .rules = options.rules});
    CategoryTotals file;  // the file-backed share; the rest of each row is anonymous
    bool any = false;
    reader.read(root, root.pid_path(pid, dir + "smaps"), [&](const Mapping& m) {
        // A file-backed mapping's row is final here (only unnamed anonymous ones are inferred).
        Category c = acc.add(m);
        if (m.inode != 0) file.file[static_cast<std::size_t>(c)] += m.usage.pss + m.usage.swap_pss;
        mm.add_span(m);
        any = true;
    });
    acc.finish();
    // smaps of an exiting process ends early: do not list a truncated total.
    if (any && dir.empty() && read_stat(root, root.pid_path(pid, "stat")).exiting())
        throw Error(ErrorKind::NotFound, "process " + std::to_string(pid) + " exited while being read");
    const CategoryUsage& c = acc.categories();
    for (std::size_t i = 0; i < kCategoryCount; ++i) {
        uint64_t all = c.rows[i].pss + c.rows[i].swap_pss;
        totals.file[i] = file.file[i];
        totals.anon[i] = all > file.file[i] ? all - file.file[i] : 0;
    }
    row.usage = c.total();
    row.native_pss = native_heap_pss(c);
    row.js_pss = js_heap_pss(c);
    return any;
}

// smaps_rollup, or, in a capture that holds full smaps instead (memsnap capture without
// --light, smemcap), the sum of smaps.
bool read_rollup_or_smaps(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                          ProcessRow& row, const ProcessListOptions& options, MmFingerprint& mm) {
    try {
        return read_rollup(root, pid, reader, row, "", mm);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
    }
    CategoryTotals unused;
    return read_categories(root, pid, reader, row, unused, options, "", mm);
}

// hidumper's process name (dump_common_utils.cpp GetProcessNameByPid): argv[0] up to its
// first space, only its last path part when it contains "/bin"; "" when cmdline is empty (a
// kernel thread) or cannot be read (a captured tree without it).
std::string cmdline_name(const ProcRoot& root, int64_t pid) {
    std::string text;
    try {
        read_small_file(root, root.pid_path(pid, "cmdline"), text);
    } catch (const Error&) {
        return "";
    }
    std::string argv0 = text.substr(0, text.find_first_of(std::string_view(" \0", 2)));
    if (argv0.find("/bin") != std::string::npos) argv0 = argv0.substr(argv0.rfind('/') + 1);
    return argv0;
}

// The sum of the size column (bytes) of /proc/vmallocinfo's lines that have "pages=", as
// hidumper's parse_vmallocinfo.cpp sums it; nullopt when the file cannot be read.
std::optional<uint64_t> read_vmalloc_bytes(const ProcRoot& root) {
    std::string text;
    try {
        read_small_file(root, "vmallocinfo", text, 64u << 20);
    } catch (const Error&) {
        return std::nullopt;
    }
    uint64_t sum = 0;
    std::string_view rest = text;
    while (!rest.empty()) {
        std::size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.find("pages=") == std::string_view::npos) continue;
        std::size_t a = line.find(' ');
        if (a == std::string_view::npos) continue;
        while (a < line.size() && line[a] == ' ') ++a;
        uint64_t v = 0;
        std::from_chars(line.data() + a, line.data() + line.size(), v);
        sum += v;
    }
    return sum;
}

// The state letter of <pid>/stat, '?' when it cannot be read (a captured tree may lack it).
char stat_state(const ProcRoot& root, int64_t pid) {
    try {
        return read_stat(root, root.pid_path(pid, "stat")).state;
    } catch (const Error&) {
        return '?';
    }
}

// What reading one process gave: a row, a skip with its reason, a kernel thread, or nothing
// (another user's, with --user). `failure` holds anything but an Error (out of memory): the
// caller rethrows it in PID order, as the loop on one thread would have thrown it.
struct ProcessResult {
    enum class Outcome : unsigned char { Row, Skipped, KernelThread, Filtered };
    Outcome outcome = Outcome::Filtered;
    ProcessRow row;
    MmFingerprint mm;
    SkippedProcess skipped;
    std::exception_ptr failure;
};

// Reads one process; its categories' Pss + SwapPss are added to `totals` when it is listed.
ProcessResult read_process(const ProcRoot& root, int64_t pid, SmapsReader& reader,
                           const ProcessListOptions& options, CategoryTotals& totals) {
    using Outcome = ProcessResult::Outcome;
    ProcessResult result;
    ProcessRow& row = result.row;
    row.pid = pid;
    bool have_status = false;
    try {
        // Kernel threads (some 60 on an idle machine) have no address space: their
        // smaps_rollup read fails (ESRCH: NotFound) and stat's flags say PF_KTHREAD. Reading
        // the rollup first tells one by a failed read and a stat, where status then stat cost
        // four times that (the listing is timed against a cat of every rollup: bench/). Not
        // with --user (status says first whose to read), --categories (smaps, not the rollup)
        // or when kernel threads are listed. Anything else the rollup's failure may mean (a
        // zombie, a capture without rollups, a process gone) is left to the reads below.
        std::optional<bool> probed;  // the rollup read first: whether it had mappings
        if (!options.uid && !options.categories && !options.kernel_threads) {
            try {
                probed = read_rollup(root, pid, reader, row, "", result.mm);
            } catch (const Error& e) {
                if (e.kind() != ErrorKind::NotFound) throw;
                row.usage = {};
                result.mm = {};
                try {
                    if (read_stat(root, root.pid_path(pid, "stat")).kernel_thread()) {
                        result.outcome = Outcome::KernelThread;
                        return result;
                    }
                } catch (const Error&) {
                    // as below
                }
            }
        }
        ProcessStatus st = read_status(root, root.pid_path(pid, "status"));
        if (options.uid && st.uid != *options.uid) return result;
        row.name = st.name;
        row.uid = st.uid;
        row.threads = st.threads;
        row.vss = st.vm_size;
        result.mm.status = st;
        have_status = true;
        // A kernel thread has no address space: no Vm* lines in status, and its
        // smaps_rollup cannot even be opened (ESRCH). Nor has a zombie (state Z), unless
        // only its main thread exited: then a live thread shows the process's memory.
        std::string dir;
        if (!probed && st.vm_size == 0 && stat_state(root, pid) == 'Z') {
            dir = st.threads > 1 ? live_thread_dir(root, pid) : "";
            if (dir.empty()) {
                result.outcome = Outcome::Skipped;
                result.skipped = {pid, "zombie",
                                  "process " + std::to_string(pid) +
                                      " is a zombie: it has exited and holds no memory "
                                      "(its parent has not reaped it yet)"};
                return result;
            }
        }
        CategoryTotals own;
        MmFingerprint& mm = result.mm;
        bool has_mappings = probed ? *probed
                          : (st.vm_size > 0 || !dir.empty()) &&
                                (options.categories ? read_categories(root, pid, reader, row, own, options, dir, mm)
                                 : dir.empty()      ? read_rollup_or_smaps(root, pid, reader, row, options, mm)
                                                    : read_rollup(root, pid, reader, row, dir, mm));
        mm.usage = row.usage;
        if (!has_mappings && !options.kernel_threads) {
            result.outcome = Outcome::KernelThread;
            return result;
        }
        if (options.count_fds) row.fds = count_fds(root, pid);
        if (options.cgroups) {
            try {
                row.cgroup = read_cgroup_path(root, pid);
            } catch (const Error& e) {
                // A capture made before memsnap recorded cgroup: grouped as "(unknown)".
                if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
            }
            if (row.cgroup.empty()) row.cgroup = "(unknown)";
        }
        if (options.cmdline_names) {
            std::string name = cmdline_name(root, pid);
            if (!name.empty()) row.name = std::move(name);
        }
        if (options.categories) totals += own;
    } catch (const Error& e) {
        result.outcome = Outcome::Skipped;
        // A memory file missing while the process's status and directory are there: a
        // captured tree without it (a live process that went away takes its directory with
        // it; a directory without status is one that vanished while being captured).
        if (e.kind() == ErrorKind::NotFound && have_status && has_process(root, pid))
            result.skipped = {pid, std::string(skip_reason(ErrorKind::Malformed)),
                              std::string(e.what()) + " (process " + std::to_string(pid) +
                                  "'s directory is in the tree: an incomplete capture)"};
        else
            result.skipped = {pid, std::string(skip_reason(e.kind())), e.what()};
        return result;
    } catch (...) {
        result.failure = std::current_exception();
        return result;
    }
    result.outcome = Outcome::Row;
    return result;
}

// kcmp(KCMP_VM) of two live processes: the kernel's order of their address spaces (-1: a's
// first, 0: the same one, 1: b's first); nullopt when it cannot say (no kcmp, not allowed to
// inspect one of them, one has exited).
std::optional<int> kcmp_vm_order(int64_t a, int64_t b) {
    const long rc = ::syscall(SYS_kcmp, static_cast<pid_t>(a), static_cast<pid_t>(b), KCMP_VM,
                              0UL, 0UL);
    if (rc == 0) return 0;
    if (rc == 1) return -1;
    if (rc == 2) return 1;
    return std::nullopt;  // an error, or 3: not equal and not ordered
}

// True when `root` is the live /proc, whose PIDs kcmp can name.
bool is_live_proc(const ProcRoot& root) {
    return root.source().filesystem_path("self") == std::optional<std::string>("/proc/self");
}

// Sorts `v` by `less` with merges that stay within their two runs whatever `less` answers: a
// process that exits during the sort makes kcmp fail, and an order that is then not a strict
// weak one leaves `v` imperfectly sorted, where std::sort's would be undefined.
template <class Less>
void merge_sort(std::vector<std::size_t>& v, Less less) {
    std::vector<std::size_t> out(v.size());
    for (std::size_t width = 1; width < v.size(); width *= 2) {
        for (std::size_t lo = 0; lo < v.size(); lo += 2 * width) {
            const std::size_t mid = std::min(lo + width, v.size());
            const std::size_t hi = std::min(lo + 2 * width, v.size());
            std::size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) out[k++] = less(v[j], v[i]) ? v[j++] : v[i++];
            while (i < mid) out[k++] = v[i++];
            while (j < hi) out[k++] = v[j++];
        }
        v.swap(out);
    }
}

// Sets of rows (union-find), each named by its lowest index: in PID-ordered rows, its lowest
// PID.
struct RowSets {
    std::vector<std::size_t> parent;
    explicit RowSets(std::size_t n) : parent(n) {
        for (std::size_t i = 0; i < n; ++i) parent[i] = i;
    }
    std::size_t find(std::size_t i) {
        while (parent[i] != i) i = parent[i] = parent[parent[i]];
        return i;
    }
    void unite(std::size_t a, std::size_t b) {
        a = find(a);
        b = find(b);
        if (a != b) parent[std::max(a, b)] = std::min(a, b);
    }
};

// Sets `same_mm_as` of the rows that share an address space (the rule of process_list.h).
// Candidates are the rows whose mappings span the same range (an address space's span barely
// moves while it maps and unmaps; forked copies keep their parent's): sorting by span puts them
// together, O(n log n). Within a span, on the live /proc, the kernel decides (kcmp: sorted by
// its order, O(k log k) calls, then neighbours it calls one); a row kcmp cannot inspect, and
// every row of a captured tree, joins the lowest-PID row of its span with equal counters.
void mark_shared_address_spaces(const ProcRoot& root, std::vector<ProcessRow>& rows,
                                const std::vector<MmFingerprint>& mm) {
    std::vector<std::size_t> order(rows.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    auto span = [&](std::size_t i) { return std::pair(mm[i].start, mm[i].end); };
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return span(a) < span(b); });
    const bool live = is_live_proc(root);
    RowSets sets(rows.size());
    std::vector<char> counted(rows.size(), 0);  // rows the counters decide for (no kcmp)
    for (std::size_t lo = 0; lo < order.size();) {
        std::size_t hi = lo + 1;
        while (hi < order.size() && span(order[hi]) == span(order[lo])) ++hi;
        // order[lo..hi): one span, in PID order (a stable sort of PID-ordered rows). Kernel
        // threads (--all) have no address space to share (kcmp calls theirs equal).
        if (hi - lo > 1 && mm[order[lo]].start <= mm[order[lo]].end) {
            std::vector<std::size_t> asked;  // the rows kcmp can say of; the others: counted
            bool any_counted = false;
            for (std::size_t k = lo; k < hi; ++k) {
                const int64_t pid = rows[order[k]].pid;
                if (live && kcmp_vm_order(pid, pid) == 0) {
                    asked.push_back(order[k]);
                } else {
                    counted[order[k]] = 1;
                    any_counted = true;
                }
            }
            merge_sort(asked, [&](std::size_t a, std::size_t b) {
                const std::optional<int> o = kcmp_vm_order(rows[a].pid, rows[b].pid);
                return o ? *o < 0 : rows[a].pid < rows[b].pid;
            });
            for (std::size_t i = 1, first = 0; i < asked.size(); ++i) {
                if (kcmp_vm_order(rows[asked[first]].pid, rows[asked[i]].pid) == 0)
                    sets.unite(asked[first], asked[i]);
                else
                    first = i;
            }
            // A counted row joins the lowest-PID other row of its span with equal counters:
            // sorted by counters (stably: PID order within), the first of its run, or the
            // second when it is the first. O(k log k), for a zygote's hundreds of children.
            if (any_counted) {
                std::vector<std::size_t> by_key(order.begin() + lo, order.begin() + hi);
                std::stable_sort(by_key.begin(), by_key.end(), [&](std::size_t a, std::size_t b) {
                    return mm[a].key() < mm[b].key();
                });
                for (std::size_t r = 0; r < by_key.size();) {
                    std::size_t end = r + 1;
                    while (end < by_key.size() && mm[by_key[end]].key() == mm[by_key[r]].key())
                        ++end;
                    for (std::size_t k = r; k < end && end - r > 1; ++k)
                        if (counted[by_key[k]]) sets.unite(by_key[k], by_key[k == r ? r + 1 : r]);
                    r = end;
                }
            }
        }
        lo = hi;
    }
    std::vector<std::size_t> members(rows.size(), 0);
    for (std::size_t i = 0; i < rows.size(); ++i) ++members[sets.find(i)];
    for (std::size_t i = 0; i < rows.size(); ++i) {
        const std::size_t first = sets.find(i);
        if (members[first] > 1) rows[i].same_mm_as = rows[first].pid;
    }
}

}  // namespace

unsigned listing_jobs(unsigned requested) {
    if (requested > 0) return requested;
    unsigned n = std::thread::hardware_concurrency();  // the online CPUs (get_nprocs)
    return n > 0 ? n : 1;
}

ProcessList collect_process_list(const ProcRoot& root, SmapsReader& reader,
                                 const ProcessListOptions& options) {
    using Outcome = ProcessResult::Outcome;
    ProcessList list;
    list.rules = options.rules;
    const std::vector<int64_t> pids = list_pids(root);
    std::vector<ProcessResult> results(pids.size());
    const unsigned jobs = parallel_read_jobs(root, pids.size(), options.jobs);
    std::vector<CategoryTotals> totals(jobs);
    // Results land in the PID's slot, so the list is in PID order whatever order they finish in.
    std::vector<SmapsReader> readers(jobs - 1);  // worker 0 reads with the caller's `reader`
    read_in_parallel(pids.size(), jobs, [&](std::size_t i, unsigned w) {
        SmapsReader& own = w == 0 ? reader : readers[w - 1];
        results[i] = read_process(root, pids[i], own, options, totals[w]);
    });
    std::vector<MmFingerprint> mm;
    for (ProcessResult& r : results) {
        if (r.failure) std::rethrow_exception(r.failure);
        switch (r.outcome) {
            case Outcome::Row:
                list.rows.push_back(std::move(r.row));
                mm.push_back(r.mm);
                break;
            case Outcome::Skipped:
                list.skipped.push_back(std::move(r.skipped));
                break;
            case Outcome::KernelThread:
                ++list.kernel_threads;
                break;
            case Outcome::Filtered:
                break;
        }
    }
    mark_shared_address_spaces(root, list.rows, mm);
    if (options.categories) {
        list.category_totals.emplace();
        for (const CategoryTotals& t : totals) *list.category_totals += t;
    }
    try {
        MemInfo mi = read_meminfo(root);
        list.meminfo = mi.entries;
        list.system = system_memory_of(mi);
        list.slab = mi.get("Slab").value_or(0);
        list.page_tables = mi.get("PageTables").value_or(0);
        list.shmem = mi.get("Shmem").value_or(0);
        list.kernel_stack = mi.get("KernelStack").value_or(0);
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
    }
    if (options.vmallocinfo) list.vmalloc_bytes = read_vmalloc_bytes(root);
    return list;
}

}  // namespace memsnap
