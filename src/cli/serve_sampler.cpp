#include "cli/serve_sampler.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <set>

#include "cli/common.h"
#include "diff/verdict.h"
#include "procfs/collect.h"
#include "procfs/meminfo.h"
#include "procfs/process_list.h"
#include "procfs/status.h"
#include "render/process_list_render.h"

namespace memsnap {
namespace {

double unix_seconds_now() {
    using namespace std::chrono;
    return duration<double>(system_clock::now().time_since_epoch()).count();
}

// The anon JS heap rule of `diff --js-heap auto` for one snapshot: AnonPage other counts as
// JS heap in a JS runtime, so the group series agree with memsnap diff's verdicts.
bool anon_is_js(const Snapshot& s) {
    return resolve_js_heap_rule(JsHeapMode::Auto, s, s).counts_anon;
}

}  // namespace

ServeSampler::ServeSampler(ServeSamplerOptions options)
    : options_(std::move(options)), root_(open_proc_root(options_.proc_root)) {
    for (const std::string& spec : options_.selection.pids) {
        int64_t pid = resolve_process(root_, spec);
        if (std::find(pids_.begin(), pids_.end(), pid) == pids_.end()) pids_.push_back(pid);
    }
    starttimes_.resize(pids_.size());
    reported_gone_.resize(pids_.size());
    if (!options_.selection.name_pattern.empty()) {
        regex_t re;
        int rc = ::regcomp(&re, options_.selection.name_pattern.c_str(), REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            ::regerror(rc, &re, msg, sizeof msg);
            throw Error(ErrorKind::Usage,
                        "--name '" + options_.selection.name_pattern + "': " + msg);
        }
        pattern_ = re;
    }
    if (pids_.empty() && !pattern_) options_.selection.all = true;
}

ServeSampler::~ServeSampler() {
    if (pattern_) ::regfree(&*pattern_);
}

std::string ServeSampler::describe() const {
    std::string what;
    if (!pids_.empty()) {
        what = "PID";
        if (pids_.size() > 1) what += "s";
        for (int64_t pid : pids_) what += fmt::format(" {}", pid);
    }
    if (pattern_) {
        if (!what.empty()) what += ", ";
        what += "processes named /" + options_.selection.name_pattern + "/";
    }
    if (options_.selection.all) {
        if (!what.empty()) what += ", ";
        what += options_.selection.categories ? "every process (full smaps)"
                                              : "every process (smaps_rollup)";
    }
    return what;
}

void ServeSampler::read_named(ServeSample& out, int64_t pid, std::size_t index) {
    CollectOptions collect;
    collect.infer = options_.infer;
    collect.rules = options_.rules;
    collect.system = false;
    auto gone = [&](const std::string& why) {
        out.skipped.push_back({pid, "gone", why});
        if (!reported_gone_[index]) print_error(why + "; serving the others");
        reported_gone_[index] = true;
    };
    try {
        Snapshot snap = collect_snapshot(root_, pid, reader_, collect);
        if (starttimes_[index] && *starttimes_[index] != snap.starttime) {
            gone(fmt::format("PID {} now belongs to another process ({})", pid, snap.name));
            return;
        }
        starttimes_[index] = snap.starttime;
        if (reported_gone_[index]) print_error(fmt::format("process {} is back", pid));
        reported_gone_[index] = false;
        out.full.push_back(std::move(snap));
    } catch (const Error& e) {
        if (e.kind() == ErrorKind::NotFound)
            gone(e.what());
        else
            out.skipped.push_back({pid, std::string(skip_reason(e.kind())), e.what()});
    }
}

ServeSample ServeSampler::read() {
    const auto start = std::chrono::steady_clock::now();
    ServeSample out;
    std::set<int64_t> full_pids;
    for (std::size_t i = 0; i < pids_.size(); ++i) {
        read_named(out, pids_[i], i);
        full_pids.insert(pids_[i]);
    }
    try {
        const ServeSelection& sel = options_.selection;
        CollectOptions collect;
        collect.infer = options_.infer;
        collect.rules = options_.rules;
        collect.system = false;
        // Every process in full, as snapshots (per-process series): --categories without
        // --group-by. Grouped, the listing reads their smaps (and the groups' Native and JS).
        const bool full_all = sel.all && sel.categories && !options_.group_by;
        if (pattern_ || full_all) {
            // Full smaps for the pattern's processes (with descriptors and threads), or for
            // every process with --categories (without: readlink of every descriptor of every
            // process would cost more than their smaps).
            for (int64_t pid : list_pids(root_)) {
                if (full_pids.count(pid)) continue;
                bool matches = false;
                if (pattern_) {
                    try {
                        ProcessStat st = read_stat(root_, root_.pid_path(pid, "stat"));
                        matches = ::regexec(&*pattern_, st.comm.c_str(), 0, nullptr, 0) == 0;
                    } catch (const Error&) {
                        if (!full_all) continue;  // not ours to report
                    }
                }
                if (!matches && !full_all) continue;
                collect.resources = matches;
                try {
                    Snapshot snap = collect_snapshot(root_, pid, reader_, collect);
                    // A kernel thread has no address space: not a process to export.
                    if (snap.status.vm_size == 0 && snap.total().size == 0) continue;
                    out.full.push_back(std::move(snap));
                } catch (const Error& e) {
                    out.skipped.push_back({pid, std::string(skip_reason(e.kind())), e.what()});
                }
                full_pids.insert(pid);
            }
        }
        ProcessListOptions lo;
        lo.infer = options_.infer;
        lo.rules = options_.rules;
        lo.categories = sel.categories;
        lo.cgroups = options_.group_by == GroupBy::Cgroup;
        if (sel.all && !full_all) {
            out.rollups = collect_process_list(root_, reader_, lo);
            std::erase_if(out.rollups.rows,
                          [&](const ProcessRow& r) { return full_pids.count(r.pid) > 0; });
            for (SkippedProcess& s : out.rollups.skipped)
                if (!full_pids.count(s.pid)) out.skipped.push_back(std::move(s));
            out.rollups.skipped.clear();
            out.system = out.rollups.system;
        } else {
            out.system = read_system_memory(root_);  // the listing reads it otherwise
        }
        if (reported_error_) print_error("the proc root can be listed again");
        reported_error_ = false;
    } catch (const Error& e) {
        out = ServeSample{};
        out.error = e.what();
        if (!reported_error_) print_error(std::string("sample failed: ") + e.what());
        reported_error_ = true;
    }
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return out;
}

std::string ServeSampler::render(const ServeSample& s) {
    PromWriter w;
    for (const Snapshot& snap : s.full) add_snapshot_metrics(w, snap);
    for (const Snapshot& snap : s.full) add_group_metrics(w, snap, anon_is_js(snap));
    if (options_.group_by) {
        add_process_list_metrics(w, grouped(s));
    } else {
        add_process_list_metrics(w, s.rollups);
    }
    if (s.error.empty()) add_system_metrics(w, s.system);
    ExporterStats stats;
    stats.version = MEMSNAP_VERSION;
    stats.samples = samples_;
    stats.failed_samples = failed_;
    stats.sample_seconds = s.seconds;
    stats.sample_time = unix_seconds_now();
    stats.processes = s.full.size() + s.rollups.rows.size();
    for (const std::string& r : skip_reasons()) stats.skipped.emplace_back(r, 0);
    for (const SkippedProcess& p : s.skipped) {
        auto it = std::find_if(stats.skipped.begin(), stats.skipped.end(),
                               [&](const auto& e) { return e.first == p.reason; });
        if (it == stats.skipped.end())
            stats.skipped.emplace_back(p.reason, 1);
        else
            ++it->second;
    }
    add_exporter_metrics(w, stats);
    return w.render();
}

ProcessList ServeSampler::grouped(const ServeSample& s) const {
    ProcessList list;
    list.group_by = options_.group_by;
    std::vector<ProcessRow> rows = s.rollups.rows;
    // The listing found which processes share an address space before the named ones were
    // taken out of it: a named process keeps its mark, so its CLONE_VM partner is not added again.
    std::set<int64_t> shared;
    for (const ProcessRow& r : rows)
        if (r.same_mm_as != 0) shared.insert(r.same_mm_as);
    for (const Snapshot& snap : s.full) {  // the named processes, read in full
        ProcessRow r;
        r.pid = snap.pid;
        if (shared.count(snap.pid)) r.same_mm_as = snap.pid;
        r.name = snap.name;
        r.uid = snap.uid;
        r.usage = snap.total();
        r.vss = snap.status.vm_size;
        r.threads = snap.status.threads;
        r.cgroup = snap.cgroup.empty() ? "(unknown)" : snap.cgroup;
        if (options_.selection.categories) {
            r.native_pss = native_heap_pss(snap.categories);
            r.js_pss = js_heap_pss(snap.categories);
        }
        rows.push_back(std::move(r));
    }
    // A capture's UIDs are those of the machine it was taken on: numbers, as --mem says.
    const bool live = options_.proc_root == "/proc";
    list.groups = group_process_rows(rows, *options_.group_by, [&](uint32_t uid) {
        return live ? user_name_or_uid(uid) : std::to_string(uid);
    });
    return list;
}

std::string ServeSampler::sample() {
    ServeSample s = read();
    ++samples_;
    if (!s.error.empty()) ++failed_;
    return render(s);
}

}  // namespace memsnap
