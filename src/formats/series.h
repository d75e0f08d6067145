#pragma once
// Series of snapshots on disk: what `watch` streams (NDJSON, or CSV with --format csv) and what
// `snapshot --append` builds, read back tolerantly for `diff SERIES`.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "diff/series.h"
#include "model/function_ref.h"
#include "model/snapshot.h"

namespace memsnap {

// The CSV form of a sample: a header once, then one row per sample (per-category Pss, totals,
// status, descriptor and thread counts, dma and gpu totals; kB).
std::string series_csv_header();
std::string series_csv_row(const Snapshot& snap);

struct Series {
    Snapshot first, last;  // read in full
    std::string first_origin, last_origin;  // "FILE:N"
    SeriesPoints samples;                   // every sample, first and last included
    // The mappings of the first and of the last sample that holds them (snapshot --mappings,
    // watch --mappings), each read in full once: for the mapping diff. Both absent when no
    // sample has mappings; the same when one has.
    std::optional<MappingSet> first_mappings, last_mappings;
    std::string first_mappings_origin, last_mappings_origin;
    std::vector<std::string> warnings;      // "FILE:N: ...skipped", the first kMaxWarnings
    uint64_t more_warnings = 0;             // skipped lines past those

    static constexpr std::size_t kMaxWarnings = 100;
    void warn(std::string text);
};

// Reads a series file ("-" for stdin), streaming: NDJSON (one snapshot per line; the first and
// last read in full, the others through scan_series_sample()), a CSV series (its first line is
// series_csv_header()), or anything parse_snapshots() takes (one document, an array).
// A line that is not complete JSON (torn by a killed writer: the last line, or one in the
// middle of a series appended to again) and a line of another process than the first sample
// (PID or start time differ) are skipped with a warning naming the line; everything else is
// used. A snapshot the JSON reader rejects (unknown schema, missing field) is
// Error(Malformed, "FILE:LINE: ..."), as is a file with no sample.
Series read_series(const std::string& path);
// The same, keeping only the samples `keep` returns true for (it sees every sample of the
// series' process, in file order): first, last and samples are those of the kept ones. `plot`
// windows a series (--since/--until) and draws every kept sample through it.
Series read_series(const std::string& path, FunctionRef<bool(const SeriesSample&)> keep);

// Parses one CSV record (RFC 4180; a quoted field may hold line breaks: read_series joins the
// lines of such a record). False on a bad quote.
bool parse_csv_record(std::string_view line, std::vector<std::string>& fields);

}  // namespace memsnap
