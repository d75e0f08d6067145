#pragma once
// Judging a whole series, as `diff SERIES` does and `plot`, `report` and `watch --plot` show:
// its first snapshot against its last, and, when it is long enough for a trend, only the groups
// that grew steadily stay flagged.
#include "diff/series.h"
#include "diff/snapshot_diff.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// A series needs this many samples before a trend can be called steady (Mann-Kendall cannot
// reach p < 0.05 with fewer).
inline constexpr std::size_t kMinTrendSamples = 5;

struct SeriesJudgement {
    SnapshotDiff diff;    // first -> last
    Verdicts verdicts;    // flagged: with a trend, the groups whose shape is a leak
    bool trend = false;   // points.size() >= kMinTrendSamples: `analysis` is filled
    SeriesAnalysis analysis;
};

// Judges `first` against `last` under `thresholds` and `js_mode`, then, with enough samples in
// `points` (every sample from first to last), flags the groups whose shape analyse_series()
// calls a leak (a sawtooth's rising floor even when its last sample is low), and selects the
// verdicts from them (select_verdicts).
SeriesJudgement judge_series(const Snapshot& first, const Snapshot& last, const SeriesPoints& points,
                             const Thresholds& thresholds, JsHeapMode js_mode);

}  // namespace memsnap
