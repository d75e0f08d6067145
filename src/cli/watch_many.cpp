#include "cli/watch_many.h"

#include <unistd.h>

#include <algorithm>
#include <exception>
#include <fmt/format.h>
#include <map>
#include <optional>
#include <set>

#include "cli/common.h"
#include "cli/watch_budget.h"
#include "cli/watch_loop.h"
#include "formats/process_stream.h"
#include "model/error.h"
#include "procfs/collect.h"
#include "procfs/file.h"
#include "procfs/meminfo.h"
#include "procfs/parallel_read.h"
#include "procfs/process_list.h"
#include "procfs/rollup_files.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

struct Key {
    int64_t pid = 0;
    uint64_t starttime = 0;
    auto operator<=>(const Key&) const = default;
};

// A process of the stream, from its first line to its gone line.
struct Tracked {
    std::string name;
    int64_t last_full_tick = -1;  // the sampled tick (0, 1, ...) of its last full read; -1: none
    uint64_t last_full_total = 0;  // Pss + SwapPss at that read, kB
    // Its last light sample read from its files (all of them, or status and cgroup for a
    // refresh), and when: while smaps_rollup stays the same, a tick reads that file alone and
    // repeats the rest.
    std::optional<Snapshot> last_light;
    std::optional<StreamLineTemplate> last_line;  // last_light's line, which its repeats splice
    int64_t last_light_tick = -1;
};

// A light sample is read again at least every this many ticks, even while its smaps_rollup
// does not move (status' VmHWM, Threads or Name and the cgroup can change alone).
constexpr int64_t kLightRereadTicks = 10;

// A tick's lines are written in pieces of at least this much (whole lines each).
constexpr std::size_t kWriteBatchBytes = 64 * 1024;

// What reading one chosen process gave this tick.
struct ReadOutcome {
    std::optional<Snapshot> snapshot;  // none when repeated
    bool full = false;
    bool repeated = false;  // smaps_rollup alone was read: as at the last light read
    int64_t time_ms = 0;    // of a repeated read
    bool held_failed = false;  // its held smaps_rollup read failed: gone or exec'd since
    int opened = -1;           // its smaps_rollup, opened before the read, for RollupFiles
    std::optional<ErrorKind> error;
    std::string message;
    std::exception_ptr failure;  // not an Error (out of memory): rethrown in PID order
};

}  // namespace

int run_watch_many(const WatchManyOptions& opts) {
    if (opts.full_every < 1) throw Error(ErrorKind::Usage, "--full-every must be at least 1");
    ProcRoot root = open_proc_root(opts.proc_root);
    ProcessFilter filter = opts.filter;
    for (const std::string& spec : opts.pids) {
        const int64_t pid = resolve_process(root, spec);
        if (std::find(filter.pids.begin(), filter.pids.end(), pid) == filter.pids.end())
            filter.pids.push_back(pid);
    }
    const bool only_named = !filter.all && filter.name_pattern.empty() && !filter.uid &&
                            filter.cgroup.empty() && !filter.children;
    ProcessSelector selector(filter);
    RollupFiles held(root);
    WatchOutput out(opts.output);
    install_stop_handlers();

    CollectOptions light;
    light.light = true;
    light.resources = false;
    light.system = false;
    light.infer = opts.infer;
    light.rules = opts.rules;
    CollectOptions full = light;
    full.light = false;
    full.resources = true;

    const unsigned jobs = listing_jobs(opts.jobs);
    SmapsReader reader;
    std::vector<SmapsReader> spare(jobs - 1);
    std::map<Key, Tracked> tracked;
    std::map<int64_t, uint64_t> named_start;  // a named PID's start time, once read: a later
                                              // process of that PID is not the one named
    std::map<std::string, uint64_t> skipped;  // reason -> processes skipped (summed over ticks)
    std::set<int64_t> said;                    // PIDs whose read error was said once
    uint64_t lines = 0, full_reads = 0, rollup_reads = 0, repeated_reads = 0, gone_lines = 0;
    // A live read stamps a sample with the time it was read, so one repeated from the last read
    // (a steady tick) differs only in that time; a capture's samples carry its own times.
    const bool live_root = root.source().origin().time_source.empty();
    std::set<Key> followed;  // every process that had a line
    int code = kExitOk;
    const int64_t start = monotonic_ms();
    int64_t ticks = 0;
    for (int64_t tick = 0;; ++tick) {
        const std::vector<LiveProcess> live =
            selector.list(root, opts.jobs, [&](int64_t pid) { return held.holds(pid); });
        const SystemMemory system = read_system_memory(root);
        const int64_t now_ms = unix_time_ms();
        std::vector<const LiveProcess*> chosen;
        std::vector<char> named;  // of chosen: the process named (not a later one of its PID)
        for (const LiveProcess& p : live) {
            if (!p.selected) continue;
            auto first = named_start.find(p.pid);
            const bool reused = p.named && first != named_start.end() && first->second != p.starttime;
            // A named PID now another process's, with nothing else selecting it: not followed.
            if (reused && only_named) continue;
            chosen.push_back(&p);
            named.push_back(p.named && !reused);
        }
        std::vector<ReadOutcome> results(chosen.size());
        // The process followed, when its smaps_rollup (one file: a held one is one pread) reads
        // as at its last light sample's read: that sample then repeats with a new time, which is
        // how 1 000 idle processes cost one file each a tick. Anything else (a changed or
        // unreadable rollup) is read in full by collect_snapshot.
        // Every kLightRereadTicks the sample is read again instead: status and cgroup alone
        // (refresh_light_snapshot) when the held file says the process and its rollup are as
        // they were, into r.snapshot; all of its files otherwise.
        auto steady = [&](const LiveProcess& p, SmapsReader& own, ReadOutcome& r) -> const Tracked* {
            auto it = tracked.find(Key{p.pid, p.starttime});  // read-only while reading
            const bool holds = held.holds(p.pid);
            if (!live_root || it == tracked.end() || !it->second.last_light) return nullptr;
            const bool reread = ticks - it->second.last_light_tick >= kLightRereadTicks;
            if (reread && !holds) return nullptr;
            std::optional<MemUsage> now;
            try {
                now = holds ? held.read(p.pid, own) : read_rollup_totals(root, p.pid, own);
            } catch (const Error&) {
                r.held_failed = holds;
                return nullptr;  // gone or changed: collect_snapshot says which
            }
            if (!now || *now != *it->second.last_light->rollup) return nullptr;
            if (!reread) return &it->second;
            try {
                r.snapshot = refresh_light_snapshot(root, *it->second.last_light);
            } catch (const Error&) {
                r.snapshot.reset();  // collect_snapshot says why
            }
            return nullptr;
        };
        read_in_parallel(chosen.size(), parallel_read_jobs(root, chosen.size(), jobs),
                         [&](std::size_t i, unsigned w) {
            SmapsReader& own = w == 0 ? reader : spare[w - 1];
            const LiveProcess& p = *chosen[i];
            ReadOutcome& r = results[i];
            try {
                bool read_full = !opts.light && named[i];
                // Opened before the read that tells whether it is the process followed: a file
                // held is that process's (procfs/rollup_files.h). Not for a process read in
                // full every tick, nor for one whose read failed before.
                const bool may_hold = !read_full && held.has_room() && !said.count(p.pid);
                if (may_hold && !held.holds(p.pid)) r.opened = held.open(p.pid);
                if (!read_full) {
                    const Tracked* same = steady(p, own, r);
                    if (r.held_failed && may_hold) r.opened = held.open(p.pid);
                    r.repeated = same != nullptr;
                    if (same) r.time_ms = unix_time_ms();
                    else if (!r.snapshot) r.snapshot = collect_snapshot(root, p.pid, own, light);
                    const Snapshot& s = same ? *same->last_light : *r.snapshot;
                    auto it = tracked.find(Key{p.pid, s.starttime});  // read-only while reading
                    if (!opts.light) {
                        read_full = it == tracked.end() || it->second.last_full_tick < 0 ||
                                    ticks - it->second.last_full_tick >= opts.full_every;
                        if (!read_full) {
                            const uint64_t now = seen_of(s).pss_kb, then = it->second.last_full_total;
                            read_full = (now > then ? now - then : then - now) >= kFullReadBoundKb;
                        }
                    }
                }
                if (read_full) {
                    r.repeated = false;
                    r.snapshot = collect_snapshot(root, p.pid, own, full);
                }
                r.full = read_full;
            } catch (const Error& e) {
                r.snapshot.reset();
                r.error = e.kind();
                r.message = e.what();
            } catch (...) {
                r.failure = std::current_exception();
            }
        });
        std::set<Key> present;  // processes of this tick: a line, or still there but unreadable
        std::optional<Error> first_named_error;
        // The tick's lines go out in writes of about 64 KiB of whole lines (1 000 processes
        // made 1 000 write(2) calls a tick), and all of them before the tick ends or stops.
        std::string batch;
        auto flush = [&] {
            const bool ok = batch.empty() || out.write(batch);
            batch.clear();
            return ok;
        };
        auto flush_when_full = [&] { return batch.size() < kWriteBatchBytes || flush(); };
        auto emit = [&](const std::string& line) {
            batch += line;
            return flush_when_full();
        };
        const std::string system_json = stream_system_json(system);
        bool written = true;
        for (std::size_t i = 0; i < chosen.size(); ++i) {
            ReadOutcome& r = results[i];
            const LiveProcess& p = *chosen[i];
            if (r.failure) std::rethrow_exception(r.failure);
            if (r.held_failed) {  // read anew, by path, from next tick on
                held.drop(p.pid, p.starttime);
                selector.forget(p.pid);
            }
            if (r.error) {
                if (*r.error == ErrorKind::NotFound) continue;  // exiting: gone below
                present.insert(Key{p.pid, p.starttime});
                ++skipped[std::string(skip_reason(*r.error))];
                if (named[i] && !first_named_error) first_named_error.emplace(*r.error, r.message);
                if (said.insert(p.pid).second && (named[i] || *r.error != ErrorKind::Permission))
                    print_error(r.message + "; watching the others");
                continue;
            }
            // Read as another process than the one listed (the PID was reused in between): it
            // starts its series next tick.
            if (!r.repeated && r.snapshot->starttime != p.starttime) continue;
            const Key key{p.pid, p.starttime};
            Tracked& t = tracked[key];
            if (r.repeated) {
                t.last_line->append(batch, r.time_ms, system_json, static_cast<uint64_t>(tick));
            } else {
                Snapshot& s = *r.snapshot;
                s.system = system;
                t.name = s.name;
                if (r.full) {
                    t.last_full_tick = ticks;
                    t.last_full_total = seen_of(s).pss_kb;
                }
                if (!r.full && s.rollup) {  // a sample later ticks may repeat
                    t.last_line.emplace(s);
                    t.last_line->append(batch, s.time_ms, system_json, static_cast<uint64_t>(tick));
                    t.last_light = std::move(s);
                    t.last_light_tick = ticks;
                } else {
                    batch += stream_snapshot_line(s, static_cast<uint64_t>(tick));
                }
            }
            if (r.opened >= 0) {
                held.adopt(p.pid, p.starttime, r.opened);
                r.opened = -1;
            }
            ++lines;
            ++(r.full ? full_reads : rollup_reads);
            if (r.repeated) ++repeated_reads;
            if (named[i]) named_start.emplace(p.pid, p.starttime);
            present.insert(key);
            followed.insert(key);
            if (!flush_when_full()) {
                written = false;
                break;
            }
        }
        // Files opened for processes with no line (gone, another process, unreadable).
        for (ReadOutcome& r : results)
            if (r.opened >= 0) ::close(r.opened);
        if (!written || !flush() || stop_requested()) break;
        // Processes followed until now that have no line this tick: gone.
        for (auto it = tracked.begin(); it != tracked.end();) {
            if (present.count(it->first)) {
                ++it;
                continue;
            }
            auto same = std::find_if(live.begin(), live.end(), [&](const LiveProcess& p) {
                return p.pid == it->first.pid && p.starttime == it->first.starttime;
            });
            GoneMarker gone{static_cast<uint64_t>(tick), now_ms, it->first.pid, it->first.starttime,
                            it->second.name,
                            same != live.end() && !same->selected ? "not selected" : "exited"};
            if (!emit(stream_gone_line(gone))) break;
            ++gone_lines;
            held.drop(it->first.pid, it->first.starttime);
            it = tracked.erase(it);
        }
        if (!flush()) break;
        ++ticks;
        if (tick == 0 && only_named && lines == 0) {
            if (first_named_error) throw *first_named_error;
            throw Error(ErrorKind::NotFound, "none of the processes named could be read");
        }
        if (only_named && tracked.empty() && present.empty()) {
            print_error(fmt::format("every process named has gone; watch stops after {} ticks", ticks));
            code = kExitNotFound;
            break;
        }
        if (stop_requested()) break;
        if (opts.count > 0 && ticks >= opts.count) break;
        // Keep the cadence as `watch PID` does: a tick that overran is said, missed ticks skipped.
        const int64_t now = monotonic_ms();
        int64_t next = tick + 1;
        if (start + next * opts.interval_ms < now) {
            const int64_t missed = (now - start) / opts.interval_ms - tick;
            print_error(fmt::format("tick {} took longer than the {}ms interval; {} tick(s) skipped",
                                    tick, opts.interval_ms, missed));
            next = (now - start) / opts.interval_ms + 1;
            tick = next - 1;
        }
        if (opts.duration_ms > 0 && next * opts.interval_ms > opts.duration_ms) break;
        if (!sleep_until(start + next * opts.interval_ms)) break;
    }
    std::string skips;
    for (const auto& [reason, n] : skipped) skips += fmt::format(", {} {}", n, reason);
    std::fprintf(stderr,
                 "memsnap watch: %lld ticks, %zu processes, %llu lines (%llu full smaps, %llu "
                 "smaps_rollup, %llu of them alone: unchanged), %llu gone%s\n",
                 static_cast<long long>(ticks), followed.size(),
                 static_cast<unsigned long long>(lines), static_cast<unsigned long long>(full_reads),
                 static_cast<unsigned long long>(rollup_reads),
                 static_cast<unsigned long long>(repeated_reads),
                 static_cast<unsigned long long>(gone_lines), skips.c_str());
    return code;
}

}  // namespace memsnap
