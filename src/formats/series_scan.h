#pragma once
// A fast path for reading long series: pulls the few numbers a trend needs out of one NDJSON
// snapshot line without building a JSON document (nlohmann's DOM costs ~100 us a line; a
// 100 000-sample series must diff in under 2 s, DESIGN.md section 7).
#include <string_view>

#include "diff/series.h"

namespace memsnap {

// Scans `line`, one snapshot JSON object, into `out`: time_ms, pid, starttime, every
// categories.<key>.pss and .swap_pss, total.pss and
// .swap_pss (light samples), fd.num, thread.num, status.threads,
// dma.total, gpu.total, gpu.mapped, light. Returns false when the line is not a well-formed
// JSON object, or its schema is not "memsnap.snapshot/1[.minor]", or time_ms/pid/starttime are
// missing, or it holds per-mapping records (a non-null "mappings" member): the caller then reads
// it with the full JSON reader, which decodes them or says what is wrong.
bool scan_series_sample(std::string_view line, SeriesSample& out);

}  // namespace memsnap
