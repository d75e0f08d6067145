#include "diff/trend.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <vector>

namespace memsnap {

Trend analyse_trend(std::span<const double> minutes, std::span<const double> values,
                    std::size_t max_points) {
    Trend t;
    const std::size_t n = std::min(minutes.size(), values.size());
    t.samples = n;
    if (n == 0) return t;
    t.first = values[0];
    t.last = values[n - 1];
    t.min = *std::min_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));
    t.max = *std::max_element(values.begin(), values.begin() + static_cast<std::ptrdiff_t>(n));

    // Points used for the pairwise statistics.
    std::vector<std::size_t> idx;
    const std::size_t m = std::max<std::size_t>(2, std::min(n, max_points));
    if (n <= m) {
        for (std::size_t i = 0; i < n; ++i) idx.push_back(i);
    } else {
        for (std::size_t k = 0; k < m; ++k) idx.push_back(k * (n - 1) / (m - 1));
    }
    t.used = idx.size();
    if (idx.size() < 3) {
        double dt = minutes[n - 1] - minutes[0];
        t.slope_per_min = n >= 2 && dt > 0 ? (t.last - t.first) / dt : 0;
        return t;
    }

    std::vector<double> slopes;
    slopes.reserve(idx.size() * (idx.size() - 1) / 2);
    double s = 0;
    for (std::size_t a = 0; a < idx.size(); ++a) {
        for (std::size_t b = a + 1; b < idx.size(); ++b) {
            double dy = values[idx[b]] - values[idx[a]];
            double dt = minutes[idx[b]] - minutes[idx[a]];
            if (dt > 0) slopes.push_back(dy / dt);
            s += (dy > 0) - (dy < 0);
        }
    }
    if (!slopes.empty()) {
        std::size_t mid = slopes.size() / 2;
        std::nth_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(mid), slopes.end());
        double hi = slopes[mid];
        if (slopes.size() % 2 == 1) {
            t.slope_per_min = hi;
        } else {
            double lo = *std::max_element(slopes.begin(), slopes.begin() + static_cast<std::ptrdiff_t>(mid));
            t.slope_per_min = (lo + hi) / 2;
        }
    }

    // Mann-Kendall variance with the tie correction: groups of equal values.
    const double nn = static_cast<double>(idx.size());
    std::map<double, std::size_t> ties;
    for (std::size_t i : idx) ++ties[values[i]];
    double tie_term = 0;
    for (const auto& [v, c] : ties) {
        double tc = static_cast<double>(c);
        if (c > 1) tie_term += tc * (tc - 1) * (2 * tc + 5);
    }
    double var = (nn * (nn - 1) * (2 * nn + 5) - tie_term) / 18.0;
    t.mk_s = s;
    if (var > 0) {
        if (s > 0) t.mk_z = (s - 1) / std::sqrt(var);
        else if (s < 0) t.mk_z = (s + 1) / std::sqrt(var);
    }
    t.p_value = std::erfc(std::fabs(t.mk_z) / std::sqrt(2.0));
    return t;
}

}  // namespace memsnap
