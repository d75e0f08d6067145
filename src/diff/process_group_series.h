#pragma once
// The groups of a many-process stream (`diff --group-by program|user|cgroup`): per tick, the
// members' totals summed into one series per group, judged and ranked as processes are
// (diff/process_series.h). Fed line by line by formats/process_stream.h; bounded per group.
//
// A group's series is, at each tick, the sum over the members alive then (what the group
// holds), judged for its shape as one process's is: a restart (a member goes, its successor
// comes and warms up) ends where it began, an overlap is a spike that fell back. Churn is kept
// from reading as a leak by a second condition: a group leaks only when its shape is a leak
// AND its members' own growth -- over the members there at both its first and its last tick,
// from the one to the other -- is past the total's thresholds too (threads likewise). A
// restarted member's successor warming up, more workers, short-lived processes: none of that
// is a member's own growth. A group that grew because processes came is told apart ("grew
// through processes that came"). The miss: a leak only in processes that started during the
// stream is not the group's (diff without --group-by ranks those processes).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "diff/process_series.h"
#include "model/function_ref.h"
#include "model/process_groups.h"

namespace memsnap {

struct ProcessGroupSeries {
    std::string key;              // the program, the user's name (or UID), the cgroup
    std::optional<uint32_t> uid;  // grouped by user
    uint64_t processes = 0;       // distinct processes (PID and start time) seen
    uint64_t first_tick = 0, last_tick = 0;
    uint64_t first_members = 0, last_members = 0;  // processes at its first and last tick
    uint64_t came = 0;  // members whose first line is after the group's first tick
    uint64_t gone = 0;  // members with no line at the group's last tick
    // The plain sums of Pss + SwapPss (kB) of the members at the first and last tick.
    uint64_t first_sum = 0, last_sum = 0;
    // The members' own growth: over the members there at the first and the last tick, their
    // last sample less their first (Pss + SwapPss in kB; threads).
    int64_t members_growth = 0;
    int64_t members_thread_growth = 0;
    // The judged series (above), as totals-only samples: pid 0, name the key.
    ProcessSeries series;
};

// Builds the groups while the stream is read. Ticks come in order; within a tick, each
// process once (the stream's lines).
class ProcessGroupSeriesBuilder {
public:
    ProcessGroupSeriesBuilder(GroupBy by, FunctionRef<std::string(uint32_t)> user_name)
        : by_(by), user_name_(user_name) {}
    // One line of tick `tick`: the process `p` (its key fields and first_total set) and the
    // totals of this line.
    void add(uint64_t tick, int64_t time_ms, const ProcessSeries& p, const SeriesSample& totals);
    // Every group, in the order of their first member; closes the last tick.
    std::vector<ProcessGroupSeries> finish();

private:
    struct Tick {
        int64_t time_ms = 0;
        int64_t growth = 0;          // own growth of the members there since the first tick, kB
        int64_t thread_growth = 0;
        uint64_t sum = 0;            // plain Pss + SwapPss of the members
        uint64_t threads = 0;        // and their threads
        uint64_t members = 0;
    };
    struct Building {
        ProcessGroupSeries group;
        bool started = false;
        struct Member {
            uint64_t last_tick = 0;
            bool from_start = false;  // there at the group's first tick
        };
        std::map<std::pair<int64_t, uint64_t>, Member> members;
        Tick now;
        Tick last;  // the latest closed tick
        uint64_t now_tick = 0;
        bool open = false;
    };
    void close(Building& b);

    GroupBy by_;
    FunctionRef<std::string(uint32_t)> user_name_;
    std::vector<Building> groups_;
    std::map<std::string, std::size_t> index_;
};

// Ranks the groups as rank_processes() ranks processes (`series[i]` is `groups[i].series`),
// then keeps a leak only where the members' own growth is past the thresholds as well.
std::vector<ProcessVerdict> rank_process_groups(const std::vector<ProcessGroupSeries>& groups,
                                        const std::vector<ProcessSeries>& series,
                                        const Thresholds& thresholds, JsHeapMode js_mode);

}  // namespace memsnap
