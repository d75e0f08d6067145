#pragma once
// Rendering `diff` of a many-process stream: one line per leaking process, most certain first,
// then the system's totals (text), or the same as JSON. Takes diff/process_series.h's ranking.
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diff/process_series.h"
#include "formats/process_stream.h"

namespace memsnap {

// "FILE: 14 processes over 12 ticks (8.1s); 1 leaking, most certain first:" then, per leak,
// "  PID@STARTTIME NAME: <verdict headline> (<shape>; <samples>)", then the "system:" line.
std::string render_process_ranking_text(const std::string& origin, const ProcessStream& stream,
                                        const std::vector<ProcessVerdict>& ranked, bool human);

// {"processes", "ticks", "leaks": [{pid, starttime, name, verdicts: [{group, delta, shape,
// headline}], certainty, samples, full_samples, gone}], "system": {first, last}}
nlohmann::ordered_json process_ranking_to_json(const ProcessStream& stream,
                                               const std::vector<ProcessVerdict>& ranked);

// diff --group-by: the groups ranked instead of the processes. `series[i]` is the judged series
// of `groups[i]` (diff/process_group_series.h), what `ranked` points into.
struct GroupRanking {
    GroupBy by = GroupBy::Program;
    const std::vector<ProcessGroupSeries>& groups;
    const std::vector<ProcessSeries>& series;
    const std::vector<ProcessVerdict>& ranked;
    Threshold total_threshold;  // what a plain sum grown by arrivals is told against
};

// "FILE: 14 processes in 5 programs over 12 ticks (8.1s); 1 growing, most certain first:",
// per leak "  program NAME (3 processes: 3 -> 3, 0 came, 0 gone): <headline> [...]", then
// each group whose plain sum grew past the total threshold only through processes that came
// ("not growth of its processes"), then the "system:" line.
std::string render_group_ranking_text(const std::string& origin, const ProcessStream& stream,
                                      const GroupRanking& ranking, bool human);
// {"group_by", "groups", "processes", "ticks", "leaks": [{group, uid?, processes, members:
// {first, last, came, gone}, sum: {first, last}, members_growth, verdicts, certainty,
// samples}], "arrivals": [...the same, groups grown through arrivals...], "system"}
nlohmann::ordered_json group_ranking_to_json(const ProcessStream& stream, const GroupRanking& ranking);

}  // namespace memsnap
