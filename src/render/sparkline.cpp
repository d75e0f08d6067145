#include "render/sparkline.h"

#include <algorithm>
#include <vector>

namespace memsnap {

std::string sparkline(std::span<const double> values, std::size_t width) {
    static const char* const kBars[] = {"▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"};
    if (values.empty() || width == 0) return "";
    std::vector<double> points;
    if (values.size() <= width) {
        points.assign(values.begin(), values.end());
    } else {
        for (std::size_t b = 0; b < width; ++b) {
            std::size_t lo = b * values.size() / width;
            std::size_t hi = (b + 1) * values.size() / width;
            points.push_back(*std::max_element(values.begin() + static_cast<std::ptrdiff_t>(lo),
                                               values.begin() + static_cast<std::ptrdiff_t>(hi)));
        }
    }
    auto [mn, mx] = std::minmax_element(points.begin(), points.end());
    double lo = *mn, range = *mx - *mn;
    std::string out;
    for (double v : points) {
        int level = range > 0 ? static_cast<int>((v - lo) / range * 7.0 + 0.5) : 0;
        out += kBars[std::clamp(level, 0, 7)];
    }
    return out;
}

}  // namespace memsnap
