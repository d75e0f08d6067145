#include "diff/trend.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <vector>

namespace memsnap {

namespace {

// Calls f(slope) for each pair of used points (earlier, later) whose times differ.
template <class F>
void for_each_slope(std::span<const double> minutes, std::span<const double> values,
                    const std::vector<std::size_t>& idx, F&& f) {
    for (std::size_t a = 0; a < idx.size(); ++a) {
        const double ta = minutes[idx[a]], ya = values[idx[a]];
        for (std::size_t b = a + 1; b < idx.size(); ++b) {
            const double dt = minutes[idx[b]] - ta;
            if (dt > 0) f((values[idx[b]] - ya) / dt);
        }
    }
}

// The k-th smallest (from 0) and the next of the pairwise slopes, in bounded memory: each pass
// counts the slopes into buckets over [lo, hi] and narrows the range to the bucket holding
// rank k (slopes in lower buckets are strictly smaller, since the bucket of a value never
// decreases as the value grows); once that bucket is small it is collected and selected in.
std::pair<double, double> kth_slopes(std::span<const double> minutes, std::span<const double> values,
                                     const std::vector<std::size_t>& idx, std::size_t k) {
    constexpr std::size_t kBuckets = 4096, kCollect = 1 << 16;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for_each_slope(minutes, values, idx, [&](double x) { lo = std::min(lo, x), hi = std::max(hi, x); });
    std::size_t below = 0;  // slopes < lo
    std::vector<std::size_t> count(kBuckets);
    std::vector<double> bmin(kBuckets), bmax(kBuckets), picked;
    for (;;) {
        const double scale = hi > lo ? static_cast<double>(kBuckets) / (hi - lo) : 0;
        auto bucket = [&](double x) {
            return std::min(kBuckets - 1, static_cast<std::size_t>((x - lo) * scale));
        };
        std::fill(count.begin(), count.end(), 0);
        std::fill(bmin.begin(), bmin.end(), std::numeric_limits<double>::infinity());
        std::fill(bmax.begin(), bmax.end(), -std::numeric_limits<double>::infinity());
        std::size_t n_below = 0;
        for_each_slope(minutes, values, idx, [&](double x) {
            if (x < lo) {
                ++n_below;
            } else if (x <= hi) {
                std::size_t i = bucket(x);
                ++count[i];
                bmin[i] = std::min(bmin[i], x), bmax[i] = std::max(bmax[i], x);
            }
        });
        below = n_below;
        std::size_t r = k - below, i = 0;
        while (r >= count[i]) r -= count[i++];
        // The next slope after rank k: in bucket i, or the smallest of a later bucket.
        double after_bucket = std::numeric_limits<double>::infinity();
        for (std::size_t j = i + 1; j < kBuckets; ++j) {
            if (count[j] != 0) {
                after_bucket = bmin[j];
                break;
            }
        }
        if (bmin[i] == bmax[i]) return {bmin[i], r + 1 < count[i] ? bmin[i] : after_bucket};
        if (count[i] <= kCollect) {
            picked.clear();
            for_each_slope(minutes, values, idx, [&](double x) {
                if (x >= bmin[i] && x <= bmax[i]) picked.push_back(x);
            });
            auto kth = picked.begin() + static_cast<std::ptrdiff_t>(r);
            std::nth_element(picked.begin(), kth, picked.end());
            double next = after_bucket;
            if (kth + 1 != picked.end()) next = *std::min_element(kth + 1, picked.end());
            return {*kth, next};
        }
        lo = bmin[i], hi = bmax[i];
    }
}

// Theil-Sen: the median of the pairwise slopes (the mean of the middle two for an even count).
double median_pairwise_slope(std::span<const double> minutes, std::span<const double> values,
                             const std::vector<std::size_t>& idx) {
    std::size_t n = 0;
    for_each_slope(minutes, values, idx, [&](double) { ++n; });
    if (n == 0) return 0;
    if (n % 2 == 1) return kth_slopes(minutes, values, idx, n / 2).first;
    auto [lower, upper] = kth_slopes(minutes, values, idx, n / 2 - 1);
    return (lower + upper) / 2;
}

}  // namespace

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

    // Mann-Kendall S over every pair; Theil-Sen's median of the pairwise slopes is selected
    // without storing the (up to 2 million) slopes.
    double s = 0;
    for (std::size_t a = 0; a < idx.size(); ++a) {
        for (std::size_t b = a + 1; b < idx.size(); ++b) {
            double dy = values[idx[b]] - values[idx[a]];
            s += (dy > 0) - (dy < 0);
        }
    }
    t.slope_per_min = median_pairwise_slope(minutes, values, idx);

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
