#pragma once
// Series of snapshots on disk: what `watch` streams (NDJSON, or CSV with --format csv) and what
// `snapshot --append` builds, read back tolerantly for `diff SERIES`.
#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace memsnap {

// The CSV form of a sample: a header once, then one row per sample (per-category Pss, totals,
// status, descriptor and thread counts, dma and gpu totals; kB).
std::string series_csv_header();
std::string series_csv_row(const Snapshot& snap);

struct Series {
    std::vector<Snapshot> samples;
    std::vector<std::string> origins;   // "FILE:N" of each sample
    std::vector<std::string> warnings;  // "FILE:N: ...skipped", one per skipped line
};

// Reads a series file ("-" for stdin): NDJSON (one snapshot per line), a CSV series (its first
// line is series_csv_header()), or anything parse_snapshots() takes (one document, an array).
// A line that is not complete JSON (torn by a killed writer: the last line, or one in the
// middle of a series appended to again) and a line of another process than the first sample
// (PID or start time differ) are skipped with a warning naming the line; everything else is
// used. A snapshot the JSON reader rejects (unknown schema, missing field) is
// Error(Malformed, "FILE:LINE: ..."), as is a file with no sample.
Series read_series(const std::string& path);

// Parses one CSV record (RFC 4180, no line breaks inside fields). False on a bad quote.
bool parse_csv_record(std::string_view line, std::vector<std::string>& fields);

}  // namespace memsnap
