#pragma once
// Trend statistics of one time series: robust slope and a monotonic-trend test, so a steady
// leak is told apart from noise and from a spike that fell back.
#include <cstddef>
#include <span>

namespace memsnap {

struct Trend {
    std::size_t samples = 0;  // points given
    std::size_t used = 0;     // points the pairwise statistics used (see analyse_trend)
    double slope_per_min = 0;  // Theil-Sen: median of pairwise slopes, value units per minute
    double mk_s = 0;           // Mann-Kendall S: sum of sign(y_j - y_i) over i < j
    double mk_z = 0;           // its normal score, with continuity correction
    double p_value = 1;        // two-sided p of "no monotonic trend"
    double min = 0, max = 0, first = 0, last = 0;
};

// Analyses `values` sampled at `minutes` (same length, ascending). Theil-Sen and Mann-Kendall
// are O(n^2) in pairs: past `max_points` points they use `max_points` points evenly spaced over
// the series (first and last included), deterministic, so 100 000 samples cost the same as
// 2 000. Mann-Kendall's variance is tie-corrected; p uses the normal approximation. Fewer than
// 3 points give slope from the two ends (or 0) and p = 1.
Trend analyse_trend(std::span<const double> minutes, std::span<const double> values,
                    std::size_t max_points = 2000);

}  // namespace memsnap
