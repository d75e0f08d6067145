def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old[:60], s.count(old))
    s = s.replace(old, new)
    open(p, 'w').write(s)
P = 'src/cli/watch_many.cpp'
edit(P, '''#include <set>
''', '''#include <set>
#include <unordered_map>
''')
edit(P, '''#include "model/error.h"
''', '''#include "model/error.h"
#include "model/runtime.h"
''')
edit(P, '''    uint64_t last_full_total = 0;  // Pss + SwapPss at that read, kB
};
''', '''    uint64_t last_full_total = 0;  // Pss + SwapPss at that read, kB
    uint32_t uid = 0;              // as its last status read said
};

// A rollup look: a process followed since an earlier tick, whose line this tick may be a rollup
// one, has only its smaps_rollup read, before the selector reads every stat. The same start
// time in that later stat ties the rollup to the process (alive before the read and after it;
// a PID is one process's at a time): one stat and one rollup a process a tick, where a
// collect_snapshot() of the rollup reads stat twice and status too (issue 19: the cost of
// `watch --all` per tick against `cat /proc/*/smaps_rollup`).
struct RollupLook {
    uint64_t starttime = 0;  // of the process followed under this PID
    uint32_t uid = 0;        // Tracked::uid
    std::optional<MemUsage> total;  // nullopt: not read (the tick's usual read then says why)
    int64_t time_ms = 0;
};

// The light sample of a look, with what the selector's stat said: the name (comm: the bytes
// status' Name unescapes to) and the thread count. Status holds nothing else.
Snapshot rollup_sample(const LiveProcess& p, const RollupLook& look, RuleSetId rules) {
    Snapshot s;
    s.time_ms = look.time_ms;
    s.pid = p.pid;
    s.starttime = p.starttime;
    s.name = p.comm;
    s.uid = look.uid;
    s.rules = rules;
    s.rollup = look.total;
    s.js_runtime = std::string(js_runtime_of_process(s.name));
    s.status.threads = p.threads;
    return s;
}
''')
edit(P, '''    const int64_t start = monotonic_ms();
    int64_t ticks = 0;
    for (int64_t tick = 0;; ++tick) {
        const std::vector<LiveProcess> live = selector.list(root, opts.jobs);
''', '''    const int64_t start = monotonic_ms();
    int64_t ticks = 0;
    // A capture's times are its files' (collect_snapshot): rollup looks are for a live root.
    const bool look_first = root.source().origin().time_source.empty();
    for (int64_t tick = 0;; ++tick) {
        std::unordered_map<int64_t, RollupLook> looks;  // by PID
        if (look_first) {
            for (const auto& [key, t] : tracked) {
                const bool due = !opts.light && (t.last_full_tick < 0 ||
                                                 ticks - t.last_full_tick >= opts.full_every);
                const bool is_named =
                    std::find(filter.pids.begin(), filter.pids.end(), key.pid) != filter.pids.end();
                if (!due && !is_named) looks.emplace(key.pid, RollupLook{key.starttime, t.uid, {}, 0});
            }
        }
        std::vector<std::pair<const int64_t, RollupLook>*> to_look;
        for (auto& entry : looks) to_look.push_back(&entry);
        read_in_parallel(to_look.size(), parallel_read_jobs(root, to_look.size(), jobs),
                         [&](std::size_t i, unsigned w) {
            auto& [pid, look] = *to_look[i];
            try {
                look.total = read_rollup_totals(root, pid, w == 0 ? reader : spare[w - 1]);
                look.time_ms = unix_time_ms();
            } catch (...) {
                look.total.reset();  // gone, or an error the usual read meets and says
            }
        });
        const std::vector<LiveProcess> live = selector.list(root, opts.jobs);
''')
edit(P, '''                if (!read_full) {
                    Snapshot s = collect_snapshot(root, p.pid, own, light);
''', '''                if (!read_full) {
                    auto look = looks.find(p.pid);  // read-only while reading
                    const bool looked = look != looks.end() && look->second.total &&
                                        look->second.starttime == p.starttime && !p.exiting;
                    Snapshot s = looked ? rollup_sample(p, look->second, opts.rules)
                                        : collect_snapshot(root, p.pid, own, light);
''')
edit(P, '''            t.name = s.name;
''', '''            t.name = s.name;
            t.uid = s.uid;
''')
