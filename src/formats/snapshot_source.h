#pragma once
// Reading snapshots back from what a user names on the command line: a snapshot file (one JSON
// document, or a JSON array such as `memsnap --mem A B --format json` prints), an NDJSON series
// (one snapshot per line, as `snapshot --append` writes), one line of it, or standard input.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace memsnap {

// A snapshot and where it came from ("app.ndjson:12"), for messages and the diff header.
struct LoadedSnapshot {
    Snapshot snapshot;
    std::string origin;
};

// A user's argument split into a file and an optional line: "FILE", "FILE:N" (N >= 1, used only
// when FILE itself does not exist, so a file named "a:1" still works), or "-" for stdin.
struct SnapshotSpec {
    std::string path;   // "-" is standard input
    uint64_t line = 0;  // 0: the whole file
};
SnapshotSpec parse_snapshot_spec(std::string_view arg);

// Parses `text`, the content of `display_name`. A file whose first non-blank line is a JSON
// object on its own is NDJSON: every non-blank line is one snapshot, numbered by its physical
// line. Anything else is one JSON document (a snapshot, or an array of them). With `line` > 0,
// only that line is parsed (a one-document file has line 1 only). With `first_and_last`, only
// the first and last snapshots are parsed (a long series is not parsed line by line).
// Throws Error(Malformed, "FILE:LINE: what is wrong") for an empty file, text that is not JSON
// or is cut short (a truncated file), a snapshot the JSON reader rejects (snapshot_json.h), or
// a line past the end or blank.
std::vector<LoadedSnapshot> parse_snapshots(std::string_view text, std::string_view display_name,
                                            uint64_t line = 0, bool first_and_last = false);

// The most memsnap reads of a file it parses whole (a snapshot, a JSON array, a `diff A B`
// input), and of one line of a series: past it, Error(Malformed, "FILE: larger than 32 MiB
// ..."), so that memory stays bounded (parsed JSON takes several times its text). A series
// (`diff SERIES`) of any length is streamed line by line.
constexpr std::size_t kMaxSnapshotTextBytes = std::size_t{32} << 20;

// Reads the file of `spec` (stdin for "-", a pipe too) and parses it as above. Errors opening
// or reading it are Error(Io, "cannot open FILE: ..."); a directory, FIFO or device is
// Malformed (procfs/file.h open_input_file), and so is a file past kMaxSnapshotTextBytes.
std::vector<LoadedSnapshot> read_snapshots(const SnapshotSpec& spec, bool first_and_last = false);

}  // namespace memsnap
