// Series shapes (diff/series.h judge_shape) on small series worked out by hand: one sample a
// minute, threshold 8 kB and 10 % unless said. Each case's comment gives the numbers the rules
// see (rise = max - first, tail = median of the last max(3, n/5) values, fall size).
#include <doctest/doctest.h>

#include <vector>

#include "diff/series.h"
#include "diff/trend.h"

using namespace memsnap;

namespace {

ShapeJudgement shape_of(const std::vector<double>& values, Threshold th = {8, 10}) {
    std::vector<double> minutes;
    for (std::size_t i = 0; i < values.size(); ++i) minutes.push_back(static_cast<double>(i));
    Trend t = analyse_trend(minutes, values);
    return judge_shape(minutes, values, t, th);
}

}  // namespace

TEST_CASE("shape: steady growth is a leak") {
    // 100, 104, ..., 136: rise 36 (36 %), no fall, tail median(128, 132, 136) = 132, 90 % of
    // the final rise (28.8) first reached at minute 8 of 9 (late): steady.
    std::vector<double> v;
    for (int i = 0; i < 10; ++i) v.push_back(100 + 4 * i);
    ShapeJudgement s = shape_of(v);
    CHECK(s.shape == SeriesShape::Steady);
    CHECK(s.leak);
    CHECK(s.tail == 132);
    CHECK(s.falls == 0);
}

TEST_CASE("shape: a step that stayed up, watched long after it stopped, is still a leak") {
    // 100, 150, then 200 for ten more minutes: tail 200, stay +100 (100 %), 90 % of it
    // reached at minute 2 of 11 (early): a plateau, a leak that stopped.
    ShapeJudgement s = shape_of({100, 150, 200, 200, 200, 200, 200, 200, 200, 200, 200, 200});
    CHECK(s.shape == SeriesShape::Plateau);
    CHECK(s.leak);
    CHECK(s.tail == 200);
}

TEST_CASE("shape: a spike that fell back is not a leak") {
    // Up to 300 for two minutes, back to 100: rise 200, fall size max(4, 0.3 * 200) = 60,
    // one fall; tail median(100, 100, 100) = 100: back at the start.
    ShapeJudgement s = shape_of({100, 100, 300, 300, 100, 100, 100, 100, 100, 100});
    CHECK(s.shape == SeriesShape::Spike);
    CHECK_FALSE(s.leak);
    CHECK(s.falls == 1);
    // One high sample among the last three is not "up at the end": median(100, 300, 100).
    ShapeJudgement late = shape_of({100, 100, 100, 100, 100, 100, 100, 100, 300, 100});
    CHECK(late.shape == SeriesShape::Spike);
    CHECK_FALSE(late.leak);
}

TEST_CASE("shape: a sawtooth on a flat floor is churn, on a rising floor a leak") {
    // 100, 150, 200 three times over and ending high: range 100, fall size 30; the drops
    // 200 -> 100 at minutes 3, 6, 9 are three falls. Floors: min of the first four values 100,
    // of the last four (200, 100, 150, 200) 100: +0, not a leak, though last - first = +100.
    ShapeJudgement flat = shape_of({100, 150, 200, 100, 150, 200, 100, 150, 200, 100, 150, 200});
    CHECK(flat.shape == SeriesShape::SawtoothFlat);
    CHECK_FALSE(flat.leak);
    CHECK(flat.falls == 3);
    CHECK(flat.floor_first == 100);
    CHECK(flat.floor_last == 100);
    // The same teeth, each 10 higher: range 130, fall size 39, drops 200 -> 110, 210 -> 120,
    // 220 -> 130. Floors 100 and min(220, 130, 180, 230) = 130: +30 (30 %), a leak.
    ShapeJudgement rising =
        shape_of({100, 150, 200, 110, 160, 210, 120, 170, 220, 130, 180, 230});
    CHECK(rising.shape == SeriesShape::SawtoothRising);
    CHECK(rising.leak);
    CHECK(rising.falls == 3);
    CHECK(rising.floor_last == 130);
}

TEST_CASE("shape: a significant trend past the absolute threshold is a leak on a big process") {
    // 1 000 000 kB growing 2048 kB a minute for 10 minutes: +20 480 kB is past 8192 kB but
    // only 2 % (under 10 %); the trend is monotonic (Mann-Kendall p far below 0.05) and the
    // tail median(1016384, 1018432, 1020480) - first = 18 432 >= 8192: a leak by its trend.
    std::vector<double> v;
    for (int i = 0; i <= 10; ++i) v.push_back(1000000 + 2048 * i);
    ShapeJudgement s = shape_of(v, {8192, 10});
    CHECK(s.shape == SeriesShape::Steady);
    CHECK(s.leak);
    CHECK(s.by_trend);
    // The same +20 480 kB, but as noise around a flat level (no trend), is no leak: up 20 480
    // and down again, alternately.
    std::vector<double> noisy;
    for (int i = 0; i <= 10; ++i) noisy.push_back(1000000 + (i % 2 ? 20480 : 0));
    CHECK_FALSE(shape_of(noisy, {8192, 10}).leak);
}

TEST_CASE("shape: growth under the threshold is flat") {
    // rise 2 < 8
    CHECK(shape_of({100, 101, 100, 102, 101}).shape == SeriesShape::Flat);
    // 100 -> 130 -> 112 with a 20 kB threshold: the rise 30 was past it; at the end +12 is
    // under it and at most half the rise (12 <= 15): it fell back.
    ShapeJudgement s = shape_of({100, 130, 130, 130, 112, 112, 112, 112}, {20, 10});
    CHECK(s.shape == SeriesShape::Spike);
    // 100 -> 130 -> 125 with a 26 kB threshold: +25 at the end is under it but more than half
    // the rise (25 > 15): not back near the start, no leak either: flat.
    ShapeJudgement kept = shape_of({100, 130, 130, 130, 125, 125, 125, 125}, {26, 10});
    CHECK(kept.shape == SeriesShape::Flat);
    CHECK_FALSE(kept.leak);
}
