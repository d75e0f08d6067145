#pragma once
// Rendering the trend block of `diff SERIES`: per group first, last, min, max, robust slope,
// Mann-Kendall p and a sparkline; as text or JSON.
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "diff/series.h"

namespace memsnap {

// The text block printed under the diff of a series (human: sizes as KiB/MiB/GiB).
std::string render_series_text(const SeriesAnalysis& a, std::size_t samples, bool human);
// {"samples": N, "groups": [{group, first, last, min, max, slope_per_min, mann_kendall_s,
// mann_kendall_z, p_value, points_used, leak, spike}], "leaks": [...]}
nlohmann::ordered_json series_to_json(const SeriesAnalysis& a, std::size_t samples);

}  // namespace memsnap
