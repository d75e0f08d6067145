#pragma once
// Rendering a diff and its verdicts: the text report and the JSON document.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "diff/snapshot_diff.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// Everything a diff report shows.
struct DiffReport {
    const Snapshot& before;
    const Snapshot& after;
    std::string before_origin;  // "a.json", "app.ndjson:3"
    std::string after_origin;
    const SnapshotDiff& diff;
    const Verdicts& verdicts;
};

struct DiffTextOptions {
    bool human = false;  // KiB/MiB/GiB instead of kB in the tables
    // ANSI colours (the caller decides: a terminal, no NO_COLOR): a delta that grew is red when
    // its group was flagged (native/js/graphics rows, descriptors, threads), yellow otherwise,
    // a delta that shrank green; flagged verdicts bold red, "nothing grew" green.
    bool color = false;
};

// The text report: a header (process, elapsed time, origins), per-category Pss before/after/
// delta/% (and Private Dirty where it differs from Pss), the status deltas, descriptors by type
// and threads by name (rows that are non-zero), then the verdict block.
std::string render_diff_text(const DiffReport& report, const DiffTextOptions& options = {});

// The same as JSON ("schema": "memsnap.diff/1"): every category, status line, fd type and thread
// name with before/after/delta/percent (percent null when before is 0), every group with its
// threshold and whether it was flagged, and the verdicts with their headlines, dominant first.
nlohmann::ordered_json diff_to_json(const DiffReport& report);

// The per-category Pss and Private Dirty changes as CSV (formats/csv.h): a header row
// category,pss_before_kb,pss_after_kb,pss_delta_kb,pss_percent,private_dirty_before_kb,
// private_dirty_after_kb,private_dirty_delta_kb, then one row per category (every category, in
// table order, by JSON key). pss_percent has one decimal and is empty when before is 0.
std::string diff_to_csv(const DiffReport& report);

// One verdict in words, e.g. "native heap +48.0 MiB (+312 %) in 2m10s: likely native leak";
// the JS group names the rule that applied.
std::string verdict_headline(const GroupGrowth& g, const Verdicts& v);

// "native +14.0 MiB alongside JS +242.0 MiB: V8's own bookkeeping, not a separate leak", for a
// native group marked v8_bookkeeping.
std::string bookkeeping_line(const Verdicts& v);

// "file +18.0 MiB alongside JS heap +150.0 MiB: clean pages of files it maps, which the kernel
// can drop; not a separate leak", for a file group marked clean_pages.
std::string clean_file_line(const Verdicts& v);

// The lines said under the verdicts about growth that is no verdict of its own: V8's
// bookkeeping, clean file pages. Empty when there is none.
std::vector<std::string> verdict_notes(const Verdicts& v);

// "850ms", "4.2s", "42s", "2m10s", "1h05m", "2d03h"; negative with a leading '-'.
std::string format_duration(int64_t ms);

}  // namespace memsnap
