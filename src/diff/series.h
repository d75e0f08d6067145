#pragma once
// A series of snapshots of one process (watch, or a shell loop of `snapshot --append`): the
// trend of every verdict group, and which growth is a steady leak rather than a spike.
#include <array>
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
    bool light = false;
    uint64_t total_pss = 0;  // light samples: smaps_rollup's Pss
    uint64_t fd_num = 0;
    uint64_t thread_num = 0;
    uint64_t status_threads = 0;
    uint64_t dma_total = 0;
    uint64_t gpu_total = 0;
    uint64_t gpu_mapped = 0;
};

// The sample of a full snapshot.
SeriesSample sample_of(const Snapshot& s);
// A snapshot holding only what the sample knows (for judge()).
Snapshot snapshot_of(const SeriesSample& s);

// A long series held in bounded memory, fed one sample at a time in time order: each group's
// value (as judge() measures it) at evenly thinned samples -- every stride-th, the stride
// doubling whenever kMaxKept are held, so between kMaxKept / 2 and kMaxKept of them, plus the
// latest -- and each group's exact first, last, minimum and maximum over every sample. The JS
// group is kept without and with AnonPage other, since the JS heap rule is known only at the end.
class SeriesPoints {
public:
    static constexpr std::size_t kMaxKept = 4000;

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
    static constexpr std::size_t kSlots = kGroupCount + 1;  // the groups, then JS + AnonPage other
    struct Point {
        int64_t time_ms;
        std::array<double, kSlots> value;
    };
    static std::size_t slot(Group g, const JsHeapRule& rule);
    std::vector<Point> kept_;  // samples 0, stride, 2 * stride, ...
    Point latest_{};
    std::size_t count_ = 0;
    std::size_t stride_ = 1;
    std::array<double, kSlots> min_{}, max_{};
};

struct GroupSeries {
    Group group;
    std::vector<double> values;  // the group's value at each sample (kB Pss, or a count)
    Trend trend;
    bool leak = false;   // grew steadily: first-vs-last past the threshold, slope > 0, p < 0.05
    bool spike = false;  // its peak was past the threshold, but it did not grow steadily
};

struct SeriesAnalysis {
    std::array<GroupSeries, kGroupCount> groups;  // indexed by Group
    std::vector<Group> leaks;  // leaking groups, dominant (highest first-vs-last score) first
};

// The p-value below which a trend counts as steady.
inline constexpr double kTrendSignificance = 0.05;

// Analyses `points` (at least two samples, one process); `verdicts` is the first-vs-last
// judgement of the series (its js_rule says whether AnonPage other counts as JS heap). The
// trend statistics use the thinned samples; samples, first, last, min and max are exact.
SeriesAnalysis analyse_series(const SeriesPoints& points, const Verdicts& verdicts,
                              const Thresholds& thresholds);

}  // namespace memsnap
