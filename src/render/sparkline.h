#pragma once
// A terminal sparkline of a series: one of ▁▂▃▄▅▆▇█ per point, scaled between min and max.
#include <cstddef>
#include <span>
#include <string>

namespace memsnap {

// At most `width` characters: a longer series is cut into `width` equal buckets, each drawn
// at its maximum. A flat series is drawn at the bottom. Empty input gives "".
std::string sparkline(std::span<const double> values, std::size_t width = 40);

}  // namespace memsnap
