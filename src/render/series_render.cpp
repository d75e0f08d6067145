#include "render/series_render.h"

#include <fmt/format.h>

#include <cmath>

#include "render/sparkline.h"
#include "render/table.h"

namespace memsnap {
namespace {

std::string trend_value(double v, Group g, bool human) {
    if (!group_is_memory(g)) return fmt::format("{:.0f}", v);
    return format_kb(static_cast<uint64_t>(v < 0 ? 0 : v), human);
}

// "  steady growth: leak", "  spike, fell back: not a leak", or empty.
std::string shape_note(const GroupSeries& g) {
    std::string_view words = shape_words(g.shape.shape);
    if (words.empty()) return "";
    // A leaking shape that is no verdict: the total beside a memory group that names the
    // growth, or native growth that is V8's bookkeeping beside the JS heap.
    std::string_view verdict = g.leak                 ? "leak"
                               : !g.shape.leak        ? "not a leak"
                               : g.group == Group::Total ? "named by its groups"
                                                         : "within V8's own bookkeeping";
    std::string note = fmt::format("  {}: {}", words, verdict);
    if (g.shape.by_trend) note += " (a significant trend, under the relative threshold)";
    return note;
}

}  // namespace

std::string render_series_text(const SeriesAnalysis& a, std::size_t samples, bool human) {
    std::string out = fmt::format("\nseries: {} samples; per group over all of them:\n", samples);
    out += fmt::format("{:<10}{:>12}{:>12}{:>12}{:>12}{:>14}{:>9}  {}\n", "group", "first", "last",
                       "min", "max", "slope/min", "p (MK)", "trend");
    for (const GroupSeries& g : a.groups) {
        const Trend& t = g.trend;
        std::string slope = group_is_memory(g.group)
                                ? fmt::format("{}{}", t.slope_per_min < 0 ? '-' : '+',  // not operator+: GCC bug 105329
                                              format_kb(static_cast<uint64_t>(std::abs(t.slope_per_min)), human))
                                : fmt::format("{:+.1f}", t.slope_per_min);
        out += fmt::format("{:<10}{:>12}{:>12}{:>12}{:>12}{:>14}{:>9.3g}  {}{}\n", group_key(g.group),
                           trend_value(t.first, g.group, human), trend_value(t.last, g.group, human),
                           trend_value(t.min, g.group, human), trend_value(t.max, g.group, human),
                           slope, t.p_value, sparkline(g.values, 32),
                           shape_note(g));
    }
    return out;
}

nlohmann::ordered_json series_to_json(const SeriesAnalysis& a, std::size_t samples) {
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const GroupSeries& g : a.groups) {
        const Trend& t = g.trend;
        groups.push_back({{"group", group_key(g.group)}, {"first", t.first}, {"last", t.last},
                          {"min", t.min}, {"max", t.max}, {"slope_per_min", t.slope_per_min},
                          {"mann_kendall_s", t.mk_s}, {"mann_kendall_z", t.mk_z},
                          {"p_value", t.p_value}, {"points_used", t.used}, {"leak", g.leak},
                          {"spike", g.spike}, {"shape", shape_words(g.shape.shape)},
                          {"tail", g.shape.tail}, {"falls", g.shape.falls}});
    }
    nlohmann::ordered_json leaks = nlohmann::ordered_json::array();
    for (Group g : a.leaks) leaks.push_back(group_key(g));
    return {{"samples", samples}, {"groups", std::move(groups)}, {"leaks", std::move(leaks)}};
}


}  // namespace memsnap
