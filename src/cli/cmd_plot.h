#pragma once
// `memsnap plot SERIES... [-o FILE.svg]`: the SVG chart of a series (render/series_chart.h), and
// the reading of series for a chart that `report` shares.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "diff/series.h"
#include "formats/snapshot_source.h"
#include "render/series_chart.h"

namespace memsnap {

// Samples kept of a series: from `since_ms` to `until_ms` after its first sample (-1: no bound).
struct SeriesWindow {
    int64_t since_ms = -1;
    int64_t until_ms = -1;
};

struct ChartedSeries {
    LoadedSnapshot first, last;  // the first and last kept sample, read in full
    SeriesPoints points;         // every kept sample
    // The mappings of the first and the last sample that holds them (snapshot --mappings),
    // over all the files; absent when none does.
    std::optional<MappingSet> first_mappings, last_mappings;
    std::string first_mappings_origin, last_mappings_origin;
};

// Reads `paths` in order (one series, or several snapshot or series files of one process) through
// read_series(), feeding every sample inside `window` to `chart` and to the result's points;
// prints read_series()'s warnings on stderr. Error(Usage) when the files are of different
// processes; Error(Malformed) when no sample is left.
ChartedSeries read_charted_series(const std::vector<std::string>& paths, const SeriesWindow& window,
                                  SeriesChart& chart);

// Adds the `plot` subcommand to `app`.
void register_plot_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
