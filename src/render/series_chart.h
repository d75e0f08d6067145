#pragma once
// The SVG chart of a series (`memsnap plot`, `diff --plot`, `watch --plot`, the report): time on
// x, memory on y with one line per verdict group (or per category), fd and thread counts on a
// second panel, each group's threshold and the fitted trend of every flagged group as lines, and
// each group's verdict beside its line. Fed one sample at a time, in bounded memory (render/thin.h).
#include <string>
#include <vector>

#include "diff/series.h"
#include "diff/series_judge.h"
#include "diff/verdict.h"
#include "model/snapshot.h"
#include "render/thin.h"

namespace memsnap {

struct ChartOptions {
    int width = 960;   // px, the whole SVG
    int height = 540;
    bool categories = false;  // a line per category row instead of per verdict group
    // The memory groups as stacked areas (their Pss + SwapPss summed from their categories, in
    // group order from native up), the total as the line on top; no thresholds or trends (they
    // measure a group from zero). Not with categories.
    bool stack = false;
    // Group keys (or, with categories, category keys) to draw; empty: every group (with
    // categories: the 8 rows with the largest Pss).
    std::vector<std::string> only;
};

// Checks `options` (sizes 320..10000 x 240..10000, known group or category keys); throws
// Error(Usage, ...) naming what is wrong.
void check_chart_options(const ChartOptions& options);

class SeriesChart {
public:
    explicit SeriesChart(const ChartOptions& options);

    // One sample of the series, in time order.
    void add(const SeriesSample& sample);
    std::size_t samples() const { return thin_.samples(); }
    // How many values a sample keeps in each pixel column: only those the options can draw
    // (the groups and the total; the categories with `categories`, the layers with `stack`).
    std::size_t thinned_lines() const { return thin_.lines(); }

    // The SVG document of every sample added. `first` names the process; `points` holds the
    // same samples (the trend is fitted on them); `judged` is the series' judgement under
    // `thresholds`. Every string from the process is escaped.
    std::string render_svg(const Snapshot& first, const SeriesPoints& points,
                           const SeriesJudgement& judged, const Thresholds& thresholds) const;

private:
    bool stacked(std::size_t group) const;  // with stack: is this group a layer?
    // The thinned columns of a slot (a group, the total, a category, a layer), which must be one
    // the options can draw (else std::logic_error).
    std::size_t line_of(std::size_t slot) const;
    const ColumnThinner::Cell& cell(std::size_t column, std::size_t slot) const;
    double max_of(std::size_t slot) const;
    ChartOptions options_;
    std::vector<std::size_t> kept_;     // the thinner's line -> its slot
    std::vector<std::size_t> line_of_;  // slot -> the thinner's line (none when not kept)
    ColumnThinner thin_;
};

// What the chart writes beside a group's line: "leak: " and the shape diff names (steady growth;
// grew, then held (a leak that stopped); sawtooth, rising floor), "grew, not steadily", "spike,
// fell back", "no leak" or, when the group has a shape, "no leak: sawtooth, flat floor (churn)"
// (with too few samples for a trend: "past threshold" or "below threshold").
std::string group_verdict_word(Group g, const SeriesJudgement& judged);

}  // namespace memsnap
