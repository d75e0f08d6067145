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

}  // namespace memsnap
