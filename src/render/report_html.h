#pragma once
// The self-contained HTML report (`memsnap report`): the process, the hidumper tables of the
// first and last sample, the diff table, every group's verdict with its evidence, the chart, and
// the mappings that grew most. One file, no script, no network, no external font; prints well.
#include <cstddef>
#include <string>

#include "diff/mapping_diff.h"
#include "diff/series_judge.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

struct ReportPage {
    const Snapshot& first;
    const Snapshot& last;
    std::string first_origin, last_origin;  // "app.ndjson:1"
    std::size_t samples = 2;                // in the series (2 for A B)
    const SeriesJudgement& judged;
    const Thresholds& thresholds;
    std::string first_table, last_table;  // render_mem_table() of each, plain text
    std::string chart_svg;                // SeriesChart::render_svg(), inlined; empty: none
    // Which mappings changed (diff/mapping_diff.h), when both ends recorded them (snapshot
    // --mappings; on a series the first and the last sample that did); nullptr: they did not.
    const MappingDiff* mappings = nullptr;
    std::string mappings_before_origin = {}, mappings_after_origin = {};
};

// The whole HTML document. Every string from a process (names, origins, the tables) is
// escaped with xml_escape(), so no name can close an element or open a script. "Mappings that
// grew most" has one table per list of the mapping diff (each flagged memory group, then the
// total), a row per line: data-kind, data-category and data-delta-kb (Pss + SwapPss, kB).
std::string render_report_html(const ReportPage& page);

}  // namespace memsnap
