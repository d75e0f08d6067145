#pragma once
// A series of snapshots of one process (watch, or a shell loop of `snapshot --append`): the
// trend of every verdict group, and which growth is a steady leak rather than a spike.
#include <algorithm>
#include <array>
#include <span>
#include <string_view>
#include <vector>

#include "diff/trend.h"
#include "diff/verdict.h"
#include "model/snapshot.h"

namespace memsnap {

// What a trend needs of one sample; a long series keeps this, not whole snapshots.
struct SeriesSample {
    int64_t time_ms = 0;
    int64_t pid = 0;
    uint64_t starttime = 0;
    std::array<uint64_t, kCategoryCount> pss{};  // by Category
    std::array<uint64_t, kCategoryCount> swap_pss{};
    bool light = false;
    uint64_t total_pss = 0;  // light samples: smaps_rollup's Pss and SwapPss
    uint64_t total_swap_pss = 0;
    uint64_t fd_num = 0;
    uint64_t thread_num = 0;
    uint64_t status_threads = 0;
    uint64_t dma_total = 0;
    uint64_t gpu_total = 0;
    uint64_t gpu_mapped = 0;
    bool mappings = false;  // the sample holds per-mapping records (snapshot --mappings)
};

// The sample of a full snapshot.
SeriesSample sample_of(const Snapshot& s);
// A snapshot holding only what the sample knows (for judge()).
Snapshot snapshot_of(const SeriesSample& s);

// A long series held in bounded memory, fed one sample at a time in time order: each group's
// value (as judge() measures it) at evenly thinned samples -- every stride-th, the stride
// doubling whenever kMaxKept are held, so between kMaxKept / 2 and kMaxKept of them, plus the
// latest -- and each group's exact first, last, minimum and maximum over every sample. The
// groups are kept with AnonPage other in anon and in js, since the JS heap rule is known only
// at the end.
class SeriesPoints {
public:
    static constexpr std::size_t kMaxKept = 4000;

    SeriesPoints() = default;
    // Keeps between max_kept / 2 and max_kept samples (at least 4) instead of kMaxKept: a
    // stream of many processes holds one series per process.
    explicit SeriesPoints(std::size_t max_kept) : max_kept_(std::max<std::size_t>(max_kept & ~std::size_t{1}, 4)) {}

    void add(const SeriesSample& s);
    std::size_t size() const { return count_; }  // samples added
    bool empty() const { return count_ == 0; }

    // The thinned samples (the first and the latest always among them): minutes since the
    // first, and group `g`'s value under `rule`.
    std::vector<double> minutes() const;
    std::vector<double> values(Group g, const JsHeapRule& rule) const;
    // Over every sample added.
    double min(Group g, const JsHeapRule& rule) const;
    double max(Group g, const JsHeapRule& rule) const;

private:
    // The groups with AnonPage other in anon, then with it in js.
    static constexpr std::size_t kSlots = 2 * kGroupCount;
    struct Point {
        int64_t time_ms;
        std::array<double, kSlots> value;
    };
    static std::size_t slot(Group g, const JsHeapRule& rule);
    std::vector<Point> kept_;  // samples 0, stride, 2 * stride, ...
    Point latest_{};
    std::size_t count_ = 0;
    std::size_t stride_ = 1;
    std::size_t max_kept_ = kMaxKept;
    std::array<double, kSlots> min_{}, max_{};
};

// The shape of one group's series (man page, "SERIES SHAPES", draws each one).
enum class SeriesShape {
    Flat,            // never grew past its threshold (or grew, and stayed under it at the end)
    Steady,          // grew all along and is up at the end: a leak
    Plateau,         // grew, then held (a step, a leak that stopped): still a leak
    Spike,           // rose past the threshold and fell back near the start: not a leak
    SawtoothRising,  // up and down (GC churn) on a floor that rose past the threshold: a leak
    SawtoothFlat,    // up and down on a floor that did not rise: not a leak
};
// "steady growth", "grew, then held (a leak that stopped)", "spike, fell back", "sawtooth,
// rising floor", "sawtooth, flat floor (churn)"; empty for Flat.
std::string_view shape_words(SeriesShape shape);

struct ShapeJudgement {
    SeriesShape shape = SeriesShape::Flat;
    bool leak = false;
    double tail = 0;          // median of the last samples (the last fifth, at least 3)
    std::size_t falls = 0;    // drops of at least the fall size from a peak
    double floor_first = 0;   // sawtooth: lowest value of the first third
    double floor_last = 0;    // and of the last third
    bool by_trend = false;    // a leak by its significant trend alone (under the relative threshold)
};

// Judges the shape of `values` at `minutes` (thinned samples: the first and the last
// included), with `trend` over them (exact first, last, min and max) against `th`. "Past"
// means at least th.absolute and th.percent of the first value. Rules, in order:
//  1. rise = max - first; not past (and no significant trend past th.absolute): Flat.
//  2. falls: each drop of at least max(th.absolute / 2, 30 % of max - min) from the highest
//     value since the previous fall, once the series rose again by that much. Three or more:
//     a sawtooth, judged by its floor: floor_last - floor_first past: SawtoothRising (leak),
//     else SawtoothFlat.
//  3. tail - first past: a leak, Steady when the Mann-Kendall trend is significant and the
//     series reached 90 % of its final rise only in the last 40 % of its time, else Plateau.
//  4. tail - first >= th.absolute with a significant rising trend (p < 0.05): Steady, a leak
//     whatever its relative size (a big process).
//  5. tail - first at most half the rise: Spike (fell back); else Flat (under the threshold).
ShapeJudgement judge_shape(std::span<const double> minutes, std::span<const double> values,
                           const Trend& trend, const Threshold& th);

struct GroupSeries {
    Group group;
    std::vector<double> values;  // the group's value at each sample (kB Pss, or a count)
    Trend trend;
    ShapeJudgement shape;
    bool leak = false;   // shape.leak
    bool spike = false;  // shape Spike
};

struct SeriesAnalysis {
    std::array<GroupSeries, kGroupCount> groups;  // indexed by Group
    std::vector<Group> leaks;  // leaking groups, dominant (highest score) first
};

// The p-value below which a trend counts as steady.
inline constexpr double kTrendSignificance = 0.05;

// Analyses `points` (at least two samples, one process); `verdicts` is the first-vs-last
// judgement of the series (its js_rule says whether AnonPage other counts as JS heap). Each
// group's shape (judge_shape) decides whether it leaks. The trend statistics use the thinned
// samples; samples, first, last, min and max are exact.
SeriesAnalysis analyse_series(const SeriesPoints& points, const Verdicts& verdicts,
                              const Thresholds& thresholds);

}  // namespace memsnap
