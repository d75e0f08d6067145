#include "render/series_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <fmt/format.h>
#include <optional>
#include <stdexcept>

#include "model/error.h"
#include "render/diff_render.h"
#include "render/escape.h"
#include "render/label_layout.h"
#include "render/wall_clock.h"

namespace memsnap {
namespace {

// Slots of the thinner: each group's value (JS heap without AnonPage other), JS heap with it,
// the process's Pss Total, then every category's Pss.
constexpr std::size_t kJsAnonSlot = kGroupCount;
constexpr std::size_t kTotalSlot = kGroupCount + 1;
constexpr std::size_t kCategorySlot0 = kGroupCount + 2;
// With --stack, the stacked layers: the running sum of the wanted memory groups in group order
// (group_of without and with the anon JS heap rule), so the last layer's top is their sum.
constexpr std::size_t kLayers = static_cast<std::size_t>(Group::Shared) + 1;  // native .. shared
constexpr std::size_t kLayerSlot0 = kCategorySlot0 + kCategoryCount;
constexpr std::size_t kSlots = kLayerSlot0 + 2 * kLayers;
constexpr std::size_t kLargestCategories = 8;

// Layout (px): margins around the plot area; the right margin holds the labels.
constexpr int kLeft = 72, kRight = 270, kTop = 58, kBottom = 46, kPanelGap = 30;
// The distance between two labels' baselines at 12 px text (a 12 px line of DejaVu Sans is 14 px
// tall from ascender to descender).
constexpr double kLabelGap = 15;

int plot_width(const ChartOptions& o) { return std::max(o.width - kLeft - kRight, 40); }

// Okabe & Ito's palette ("Color Universal Design", 2008), distinct for the common colour
// vision deficiencies, and a dash pattern per line so the lines differ in grey print too.
struct Pen {
    const char* colour;
    const char* dash;  // stroke-dasharray, "" for solid
    double width;
};
constexpr std::array<Pen, 8> kPens = {{
    {"#D55E00", "", 2.2},          // vermillion, solid
    {"#0072B2", "9 4", 2.2},       // blue, long dash
    {"#009E73", "2 3", 2.4},       // bluish green, dotted
    {"#E69F00", "12 3 2 3", 2.0},  // orange, dash-dot
    {"#CC79A7", "5 3", 2.0},       // reddish purple, short dash
    {"#56B4E9", "14 4 2 4 2 4", 2.0},  // sky blue, dash-dot-dot
    {"#000000", "1 2", 1.6},       // black, fine dots
    {"#F0E442", "", 3.0},          // yellow, wide solid (last: poor on white)
}};
constexpr Pen kTotalPen = {"#444444", "", 1.2};

// The fill of a stacked layer: its group's colour (as its line: the pen of the same index) under
// a hatch of its own, so neighbours differ in grey print and without colour vision. Each is an
// SVG <pattern> of one tile.
struct Hatch {
    const char* name;
    const char* tile;  // the tile's marks, drawn in white over the colour, 8 x 8 px
};
constexpr std::array<Hatch, kLayers> kHatches = {{
    {"diagonal", R"(<path d="M-2 2 L2 -2 M0 8 L8 0 M6 10 L10 6" stroke-width="1.6"/>)"},
    {"dots", R"(<circle cx="2" cy="2" r="1.3" stroke="none" fill="#ffffff"/><circle cx="6" cy="6" r="1.3" stroke="none" fill="#ffffff"/>)"},
    {"crosshatch", R"(<path d="M0 4 H8 M4 0 V8" stroke-width="1.2"/>)"},
    {"horizontal", R"(<path d="M0 2 H8 M0 6 H8" stroke-width="1.4"/>)"},
    {"back-diagonal", R"(<path d="M-2 6 L2 10 M0 0 L8 8 M6 -2 L10 2" stroke-width="1.6"/>)"},
    {"vertical", R"(<path d="M2 0 V8 M6 0 V8" stroke-width="1.4"/>)"},
}};

struct Line {
    std::size_t slot;
    std::string key, label;
    bool memory = true;
    Pen pen;
    std::optional<Group> group;  // the group it is, in group mode
    std::optional<std::size_t> layer;  // with --stack: its place in the stack, from the bottom
};

std::string num(double v) { return fmt::format("{:.1f}", v); }

// A "nice" step (1, 2, 2.5 or 5 times a power of ten) near range / target.
double nice_step(double range, int target) {
    if (range <= 0) return 1;
    const double raw = range / target;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (m * p >= raw) return m * p;
    }
    return 10 * p;
}

struct Unit {
    double kb;
    const char* name;
};
Unit unit_for(double max_kb) {
    if (max_kb >= 2.0 * 1024 * 1024) return {1024.0 * 1024, "GiB"};
    if (max_kb >= 2.0 * 1024) return {1024.0, "MiB"};
    return {1.0, "KiB"};
}

std::string size_text(double kb) {
    const Unit u = unit_for(std::abs(kb));
    if (u.kb == 1) return fmt::format("{:.0f} KiB", kb);
    return fmt::format("{:.1f} {}", kb / u.kb, u.name);
}

std::string tick_text(double v, double step) {
    if (step >= 1 || v == 0) return fmt::format("{:.0f}", v);
    const int digits = std::clamp(static_cast<int>(std::ceil(-std::log10(step))), 1, 3);
    return fmt::format("{:.{}f}", v, digits);
}

// A duration step for the x axis: 1, 2, 5, 10, 15, 30 s, 1, 2, 5, 10, 15, 30 min, 1, 2, 3, 6, 12 h, days.
int64_t time_step_ms(int64_t span_ms, int target) {
    static constexpr std::array<int64_t, 20> steps = {
        100,      200,       500,       1000,       2000,       5000,       10000,
        15000,    30000,     60000,     120000,     300000,     600000,     900000,
        1800000,  3600000,   7200000,   10800000,   21600000,   43200000};
    for (int64_t s : steps) {
        if (s * target >= span_ms) return s;
    }
    const int64_t day = 86400000;
    return day * std::max<int64_t>(1, (span_ms / target + day - 1) / day);
}

// The Theil-Sen line's intercept: the median of y - slope * x (Theil 1950; Sen 1968).
double median_intercept(const std::vector<double>& x, const std::vector<double>& y, double slope) {
    std::vector<double> r;
    r.reserve(x.size());
    for (std::size_t i = 0; i < x.size() && i < y.size(); ++i) r.push_back(y[i] - slope * x[i]);
    if (r.empty()) return 0;
    auto mid = r.begin() + static_cast<std::ptrdiff_t>(r.size() / 2);
    std::nth_element(r.begin(), mid, r.end());
    double m = *mid;
    if (r.size() % 2 == 0) m = (m + *std::max_element(r.begin(), mid)) / 2;
    return m;
}

// The points of one slot's line through the thinned columns: each column's first, extremes (in
// time order) and last value, at the column's middle, to 0.1 px, without repeats.
struct Trace {
    std::vector<std::pair<double, double>> points;
    double last = 0;  // the value (not px) of the last sample
};

std::string path_text(const std::vector<std::pair<double, double>>& points, const char* first_command) {
    std::string d;
    for (const auto& [x, y] : points) d += fmt::format("{}{} {}", d.empty() ? first_command : " L", num(x), num(y));
    return d;
}

std::string pen_attrs(const Pen& p) {
    std::string s = fmt::format(R"(stroke="{}" stroke-width="{}")", p.colour, p.width);
    if (*p.dash) s += fmt::format(R"( stroke-dasharray="{}")", p.dash);
    return s;
}

}  // namespace

void check_chart_options(const ChartOptions& o) {
    if (o.stack && o.categories)
        throw Error(ErrorKind::Usage, "--stack stacks the verdict groups: draw --categories as lines");
    if (o.width < 320 || o.width > 10000) throw Error(ErrorKind::Usage, "--width must be 320..10000 px");
    if (o.height < 240 || o.height > 10000) throw Error(ErrorKind::Usage, "--height must be 240..10000 px");
    for (const std::string& k : o.only) {
        if (o.categories) {
            if (!category_from_key(k))
                throw Error(ErrorKind::Usage, "--categories: unknown category '" + k +
                                                  "' (JSON keys such as native_heap, so, anon_page_other)");
            continue;
        }
        bool known = k == "total";
        for (std::size_t g = 0; g < kGroupCount; ++g) known = known || group_key(static_cast<Group>(g)) == k;
        if (!known) {
            std::string all;
            for (std::size_t g = 0; g < kGroupCount; ++g) all += std::string(group_key(static_cast<Group>(g))) + ", ";
            throw Error(ErrorKind::Usage, "--groups: unknown group '" + k + "' (" + all + "total)");
        }
    }
}

namespace {

constexpr std::size_t kNoLine = static_cast<std::size_t>(-1);

// The slots a chart of `o` can draw, in slot order: every group, the anon JS heap and the total
// (a few, and which of them is drawn depends on the judgement), the categories only with
// --categories (those asked for, or all when the largest are picked at the end) and the layers
// only with --stack. The others are never read, and keeping each in every column is what the
// thinner's memory is made of (a category slot for each of the ~100 rows: 5 MB).
std::vector<std::size_t> kept_slots(const ChartOptions& o) {
    std::vector<std::size_t> kept;
    for (std::size_t slot = 0; slot < kSlots; ++slot) {
        bool keep = slot < kCategorySlot0;
        if (slot >= kCategorySlot0 && slot < kLayerSlot0 && o.categories) {
            const std::string_view key = category_table()[slot - kCategorySlot0].key;
            keep = o.only.empty() || std::find(o.only.begin(), o.only.end(), key) != o.only.end();
        }
        if (slot >= kLayerSlot0) keep = o.stack;
        if (keep) kept.push_back(slot);
    }
    return kept;
}

std::vector<std::size_t> lines_of(const std::vector<std::size_t>& kept) {
    std::vector<std::size_t> line_of(kSlots, kNoLine);
    for (std::size_t line = 0; line < kept.size(); ++line) line_of[kept[line]] = line;
    return line_of;
}

}  // namespace

SeriesChart::SeriesChart(const ChartOptions& options)
    : options_(options),
      kept_(kept_slots(options)),
      line_of_(lines_of(kept_)),
      thin_(kept_.size(), static_cast<std::size_t>(plot_width(options))) {}

std::size_t SeriesChart::line_of(std::size_t slot) const {
    const std::size_t line = line_of_.at(slot);
    if (line == kNoLine)
        throw std::logic_error("series chart: slot " + std::to_string(slot) + " is not kept");
    return line;
}

const ColumnThinner::Cell& SeriesChart::cell(std::size_t column, std::size_t slot) const {
    return thin_.cell(column, line_of(slot));
}

double SeriesChart::max_of(std::size_t slot) const {
    return thin_.max(line_of(slot));
}

bool SeriesChart::stacked(std::size_t g) const {
    const std::string_view key = group_key(static_cast<Group>(g));
    return options_.only.empty() || std::find(options_.only.begin(), options_.only.end(), key) != options_.only.end();
}

void SeriesChart::add(const SeriesSample& sample) {
    const Snapshot snap = snapshot_of(sample);
    std::array<double, kSlots> v{};
    const std::array<uint64_t, kGroupCount> groups = group_values(snap, false);
    const std::array<uint64_t, kGroupCount> with_anon = group_values(snap, true);
    for (std::size_t g = 0; g < kGroupCount; ++g) v[g] = static_cast<double>(groups[g]);
    v[kJsAnonSlot] = static_cast<double>(with_anon[static_cast<std::size_t>(Group::Js)]);
    const MemUsage total = snap.total();
    v[kTotalSlot] = static_cast<double>(total.pss + total.swap_pss);
    for (std::size_t c = 0; c < kCategoryCount; ++c) v[kCategorySlot0 + c] = static_cast<double>(sample.pss[c]);
    if (options_.stack) {
        for (std::size_t rule = 0; rule < 2; ++rule) {
            std::array<double, kLayers> layer{};
            for (std::size_t c = 0; c < kCategoryCount; ++c) {
                const std::size_t g = static_cast<std::size_t>(group_of(static_cast<Category>(c), rule == 1));
                if (g < kLayers) layer[g] += static_cast<double>(sample.pss[c] + sample.swap_pss[c]);
            }
            double sum = 0;
            std::size_t k = 0;
            for (std::size_t g = 0; g < kLayers; ++g) {
                if (!stacked(g)) continue;
                sum += layer[g];
                v[kLayerSlot0 + rule * kLayers + k++] = sum;
            }
        }
    }
    std::array<double, kSlots> kept{};
    for (std::size_t line = 0; line < kept_.size(); ++line) kept[line] = v[kept_[line]];
    thin_.add(sample.time_ms, std::span<const double>(kept.data(), kept_.size()));
}

std::string group_verdict_word(Group g, const SeriesJudgement& judged) {
    const GroupGrowth& end = judged.verdicts.groups[static_cast<std::size_t>(g)];
    if (!judged.trend) return end.flagged ? "past threshold" : "below threshold";
    const GroupSeries& s = judged.analysis.groups[static_cast<std::size_t>(g)];
    if (s.leak) return "leak: " + std::string(shape_words(s.shape.shape));
    if (end.flagged) return "grew, not steadily";
    if (s.spike) return "spike, fell back";
    const std::string_view shape = shape_words(s.shape.shape);
    return shape.empty() || s.shape.shape == SeriesShape::Steady ? "no leak" : "no leak: " + std::string(shape);
}

std::string SeriesChart::render_svg(const Snapshot& first, const SeriesPoints& points,
                                    const SeriesJudgement& judged, const Thresholds& thresholds) const {
    const ChartOptions& o = options_;
    const bool js_anon = judged.verdicts.js_rule.counts_anon;
    auto wanted = [&](std::string_view key) {
        return o.only.empty() || std::find(o.only.begin(), o.only.end(), key) != o.only.end();
    };

    // Which lines, in which pens.
    std::vector<Line> lines;
    std::size_t pen = 0;
    if (o.categories) {
        std::vector<std::size_t> cats;
        for (std::size_t c = 0; c < kCategoryCount; ++c) {
            const CategoryInfo& info = category_table()[c];
            if (o.only.empty() ? max_of(kCategorySlot0 + c) > 0 : wanted(info.key)) cats.push_back(c);
        }
        if (o.only.empty()) {
            std::stable_sort(cats.begin(), cats.end(), [&](std::size_t a, std::size_t b) {
                return max_of(kCategorySlot0 + a) > max_of(kCategorySlot0 + b);
            });
            if (cats.size() > kLargestCategories) cats.resize(kLargestCategories);
        }
        for (std::size_t c : cats) {
            const CategoryInfo& info = category_table()[c];
            lines.push_back({kCategorySlot0 + c, std::string(info.key), std::string(info.name), true,
                             kPens[pen++ % kPens.size()], std::nullopt, std::nullopt});
        }
    } else {
        std::size_t layers = 0;
        for (std::size_t g = 0; g < kGroupCount; ++g) {
            const Group group = static_cast<Group>(g);
            // The total has its own line below.
            if (!group_is_memory(group) || group == Group::Total || !wanted(group_key(group))) continue;
            const std::size_t slot = group == Group::Js && js_anon ? kJsAnonSlot : g;
            std::string label = std::string(group_key(group)) + (group == Group::Js && js_anon ? " (+anon)" : "");
            Line line{slot, std::string(group_key(group)), label, true, kPens[pen++ % kPens.size()], group, std::nullopt};
            if (o.stack) line.layer = layers++;
            lines.push_back(line);
        }
    }
    // The total first: drawn under the groups, which often lie on it.
    if (wanted("total") && (!o.categories || o.only.empty()))
        lines.insert(lines.begin(), Line{kTotalSlot, "total", "Pss total", true, kTotalPen, std::nullopt, std::nullopt});
    const std::size_t memory_lines = lines.size();
    std::size_t count_pen = 4;
    for (std::size_t g = 0; g < kGroupCount; ++g) {
        const Group group = static_cast<Group>(g);
        if (group_is_memory(group) || (!o.categories && !wanted(group_key(group)))) continue;
        lines.push_back({g, std::string(group_key(group)), std::string(group_key(group)) + " count", false,
                         kPens[count_pen++ % kPens.size()], group, std::nullopt});
    }
    const bool count_panel = lines.size() > memory_lines;

    // Panels.
    const int pw = plot_width(o);
    const int inner_h = std::max(o.height - kTop - kBottom, 60);
    const int count_h = count_panel ? std::max(inner_h / 4, 40) : 0;
    const int mem_h = inner_h - (count_panel ? count_h + kPanelGap : 0);
    const int mem_top = kTop, count_top = kTop + mem_h + kPanelGap;

    const int64_t t0 = thin_.start_ms();
    int64_t t1 = t0;
    for (const ColumnThinner::Column& c : thin_.columns()) {
        if (c.samples > 0) t1 = std::max(t1, c.last_ms);
    }
    const double span = static_cast<double>(std::max<int64_t>(t1 - t0, 1));
    auto x_of = [&](double ms) { return kLeft + (ms - static_cast<double>(t0)) / span * pw; };

    // The threshold a group is flagged at: its first value plus the larger of the absolute and
    // the relative threshold (both must be passed).
    auto threshold_of = [&](const Line& l) -> std::optional<double> {
        if (!l.group || l.layer) return std::nullopt;
        const Threshold& th = thresholds[*l.group];
        const double first_v = judged.verdicts.groups[static_cast<std::size_t>(*l.group)].change.before;
        return first_v + std::max(static_cast<double>(th.absolute), first_v * th.percent / 100.0);
    };
    struct Fit {
        double y0, y1;  // at t0 and t1
    };
    const std::vector<double> minutes = points.minutes();
    auto trend_of = [&](const Line& l) -> std::optional<Fit> {
        if (!l.group || l.layer || !judged.trend) return std::nullopt;
        const std::size_t g = static_cast<std::size_t>(*l.group);
        if (!judged.verdicts.groups[g].flagged) return std::nullopt;
        const GroupSeries& s = judged.analysis.groups[g];
        const double b = median_intercept(minutes, s.values, s.trend.slope_per_min);
        return Fit{b, b + s.trend.slope_per_min * (span / 60000.0)};
    };

    auto layer_slot = [&](std::size_t k) { return kLayerSlot0 + (js_anon ? kLayers : 0) + k; };
    auto panel_max = [&](bool memory) {
        double m = 0;
        for (const Line& l : lines) {
            if (l.memory != memory) continue;
            m = std::max(m, max_of(l.layer ? layer_slot(*l.layer) : l.slot));
            if (auto th = threshold_of(l)) m = std::max(m, *th);
            if (auto f = trend_of(l)) m = std::max({m, f->y0, f->y1});
        }
        return m;
    };

    std::string out;
    out += fmt::format(
        R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" role="img" aria-labelledby="chart-title" font-family="DejaVu Sans, Liberation Sans, Arial, sans-serif" font-size="12">)"
        "\n",
        o.width, o.height);
    const std::string who = fmt::format("{} (pid {})", xml_escape(first.name), first.pid);
    out += fmt::format("<title id=\"chart-title\">memsnap: {} over {}</title>\n", who,
                       xml_escape(format_duration(t1 - t0)));
    out += fmt::format(R"(<rect x="0" y="0" width="{}" height="{}" fill="#ffffff"/>)" "\n", o.width, o.height);
    if (o.stack) {
        out += "<defs>\n";
        for (const Line& l : lines) {
            if (!l.layer) continue;
            const Hatch& h = kHatches[static_cast<std::size_t>(*l.group) % kHatches.size()];
            out += fmt::format(R"(<pattern id="memsnap-layer-{}" width="8" height="8" patternUnits="userSpaceOnUse"><rect width="8" height="8" fill="{}"/><g stroke="#ffffff" fill="none" opacity="0.7">{}</g></pattern>)" "\n",
                               xml_escape(l.key), l.pen.colour, h.tile);
        }
        out += "</defs>\n";
    }
    out += fmt::format(R"(<text x="{}" y="20" font-size="15" font-weight="bold">{}: {} by {}</text>)" "\n",
                       kLeft, who, "Pss", o.categories ? "category" : "verdict group");
    std::string headline = judged.verdicts.flagged.empty()
                               ? std::string("no group grew past its threshold")
                               : verdict_headline(judged.verdicts.flagged.front(), judged.verdicts);
    out += fmt::format(
        R"(<text class="subtitle" x="{}" y="38" fill="#333333">{} samples over {} from {}; each pixel column shows the first, lowest, highest and last sample in it</text>)"
        "\n",
        kLeft, thin_.samples(), xml_escape(format_duration(t1 - t0)), xml_escape(local_time_text(t0, "%Y-%m-%d %H:%M:%S") + " " + local_zone_text(t0)));
    out += fmt::format(R"(<text class="headline" x="{}" y="52" font-weight="bold" fill="{}">{}</text>)" "\n",
                       kLeft, judged.verdicts.flagged.empty() ? "#333333" : "#A33A00", xml_escape(headline));

    // X axis: elapsed time ticks with the wall clock under them (on the lowest panel).
    const int axis_bottom = count_panel ? count_top + count_h : mem_top + mem_h;
    const int64_t step = time_step_ms(t1 - t0, std::max(pw / 110, 2));
    out += "<g class=\"x-axis\" fill=\"#333333\">\n";
    for (int64_t t = 0; t <= t1 - t0; t += step) {
        const double x = x_of(static_cast<double>(t0 + t));
        out += fmt::format(R"(<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="#e4e4e4"/>)" "\n", num(x), mem_top, mem_top + mem_h);
        if (count_panel)
            out += fmt::format(R"(<line x1="{0}" x2="{0}" y1="{1}" y2="{2}" stroke="#e4e4e4"/>)" "\n", num(x), count_top, count_top + count_h);
        out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)" "\n", num(x), axis_bottom + 15,
                           t == 0 ? std::string("0") : fmt::format("+{}", xml_escape(format_duration(t))));
        out += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" fill="#666666" font-size="10">{}</text>)" "\n",
                           num(x), axis_bottom + 29, xml_escape(local_time_text(t0 + t, step < 60000 ? "%H:%M:%S" : "%H:%M")));
    }
    // The zone of the wall clock (the local one, TZ respected), and its change when the series
    // crosses one (a change to or from summer time).
    std::string zone = local_zone_text(t0);
    if (const std::string end_zone = local_zone_text(t1); end_zone != zone) zone += " until the change to " + end_zone;
    out += fmt::format(R"(<text class="time-zone" x="{}" y="{}" font-size="10" fill="#666666">elapsed since the first sample; under it the wall clock, {}</text>)" "\n",
                       kLeft, axis_bottom + 42, xml_escape(zone));
    out += "</g>\n";

    auto trace = [&](std::size_t slot, const auto& y_of) {
        Trace t;
        auto to = [&](double x, double y) {
            if (!t.points.empty() && t.points.back() == std::pair{x, y}) return;
            t.points.emplace_back(x, y);
        };
        for (std::size_t c = 0; c < thin_.columns().size(); ++c) {
            const ColumnThinner::Column& col = thin_.columns()[c];
            if (col.samples == 0) continue;
            const ColumnThinner::Cell& cell = this->cell(c, slot);
            const double x = std::round(x_of((static_cast<double>(col.first_ms) + static_cast<double>(col.last_ms)) / 2) * 10) / 10;
            to(x, std::round(y_of(cell.first) * 10) / 10);
            to(x, std::round(y_of(cell.min_first ? cell.min : cell.max) * 10) / 10);
            to(x, std::round(y_of(cell.min_first ? cell.max : cell.min) * 10) / 10);
            to(x, std::round(y_of(cell.last) * 10) / 10);
            t.last = cell.last;
        }
        return t;
    };

    // The label beside each line's end: its last value and verdict, placed below.
    struct Label {
        double y;  // of the line's end
        std::string text;
        const Line* line;
    };
    std::vector<Label> labels;

    // One panel: axes, grid, lines, thresholds, trends.
    auto panel = [&](bool memory, int top, int height) {
        const double vmax_raw = panel_max(memory);
        const Unit unit = memory ? unit_for(vmax_raw) : Unit{1.0, ""};
        const double ystep = nice_step(std::max(vmax_raw / unit.kb, memory ? 1.0 : 4.0), memory ? 5 : 2);
        const double vmax = std::max(std::ceil(vmax_raw / unit.kb / ystep), 1.0) * ystep * unit.kb;
        auto y_of = [&](double v) { return top + height - v / vmax * height; };
        out += fmt::format("<g class=\"panel\" data-panel=\"{}\">\n", memory ? "memory" : "counts");
        out += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999999"/>)" "\n",
                           kLeft, top, pw, height);
        for (double v = 0; v <= vmax * 1.0001; v += ystep * unit.kb) {
            out += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" stroke="#e4e4e4"/>)" "\n", kLeft, kLeft + pw, num(y_of(v)));
            out += fmt::format(R"(<text x="{}" y="{}" text-anchor="end" fill="#333333">{}</text>)" "\n", kLeft - 6,
                               num(y_of(v) + 4), tick_text(v / unit.kb, ystep));
        }
        out += fmt::format(R"~(<text x="14" y="{}" transform="rotate(-90 14 {})" text-anchor="middle" fill="#333333">{}</text>)~" "\n",
                           top + height / 2, top + height / 2, memory ? fmt::format("Pss ({})", unit.name) : std::string("count"));

        // With --stack, the layers first, each the area between its top (the running sum up to
        // it) and the one under it, then their lines and labels.
        if (memory) {
            std::string tops;  // each layer's top, drawn over all the areas
            for (const Line& l : lines) {
                if (!l.layer || thin_.samples() == 0) continue;
                const std::size_t k = *l.layer;
                const Trace upper = trace(layer_slot(k), y_of);
                Trace lower;
                if (k > 0) lower = trace(layer_slot(k - 1), y_of);
                else lower.points = {{upper.points.front().first, y_of(0)}, {upper.points.back().first, y_of(0)}};
                std::vector<std::pair<double, double>> back(lower.points.rbegin(), lower.points.rend());
                const Hatch& h = kHatches[static_cast<std::size_t>(*l.group) % kHatches.size()];
                out += fmt::format(R"~(<path class="series layer" data-key="{}" data-hatch="{}" d="{} {} Z" fill="url(#memsnap-layer-{})" stroke="#ffffff" stroke-width="0.8"/>)~" "\n",
                                   xml_escape(l.key), h.name, path_text(upper.points, "M"), path_text(back, "L"), xml_escape(l.key));
                tops += fmt::format(R"(<path class="layer-top" data-key="{}" d="{}" fill="none" stroke="{}" stroke-width="1.2" stroke-linejoin="round"/>)" "\n",
                                    xml_escape(l.key), path_text(upper.points, "M"), l.pen.colour);
                const double value = upper.last - (k > 0 ? lower.last : 0);
                std::string text = l.label + " " + size_text(value) + ": " + group_verdict_word(*l.group, judged);
                labels.push_back({y_of((upper.last + (k > 0 ? lower.last : 0)) / 2), text, &l});
            }
            out += tops;
        }

        int nth_threshold = 0;
        for (const Line& l : lines) {
            if (l.memory != memory) continue;
            if (l.layer) continue;  // drawn under the lines, above
            const Trace t = trace(l.slot, y_of);
            const double last_v = t.last;
            out += fmt::format(R"(<path class="series" data-key="{}" d="{}" fill="none" {} stroke-linejoin="round"/>)" "\n",
                               xml_escape(l.key), path_text(t.points, "M"), pen_attrs(l.pen));
            if (auto th = threshold_of(l)) {
                out += fmt::format(R"(<line class="threshold" data-key="{0}" x1="{1}" x2="{2}" y1="{3}" y2="{3}" stroke="{4}" stroke-width="1" stroke-dasharray="2 6" opacity="0.8"><title>{5} threshold: {6}</title></line>)" "\n",
                                   xml_escape(l.key), kLeft, kLeft + pw, num(y_of(*th)), l.pen.colour, xml_escape(l.label),
                                   memory ? size_text(*th) : fmt::format("{:.0f}", *th));
                out += fmt::format(R"(<text class="threshold-label" x="{}" y="{}" text-anchor="start" font-size="10" fill="{}">{} threshold</text>)" "\n",
                                   kLeft + 4 + 120 * (nth_threshold++ % std::max(pw / 120, 1)), num(y_of(*th) - 3),
                                   l.pen.colour, xml_escape(l.label));
            }
            if (auto f = trend_of(l)) {
                out += fmt::format(R"(<line class="trend" data-key="{}" x1="{}" x2="{}" y1="{}" y2="{}" stroke="{}" stroke-width="1.4" stroke-dasharray="6 2 1 2" opacity="0.9"/>)" "\n",
                                   xml_escape(l.key), kLeft, kLeft + pw, num(y_of(f->y0)), num(y_of(f->y1)), l.pen.colour);
            }
            std::string text = l.label + " " + (memory ? size_text(last_v) : fmt::format("{:.0f}", last_v));
            if (l.group) text += ": " + group_verdict_word(*l.group, judged);
            labels.push_back({y_of(last_v), text, &l});
        }
        out += "</g>\n";
    };
    panel(true, mem_top, mem_h);
    if (count_panel) panel(false, count_top, count_h);

    // The labels of both panels in one column right of the plot, in the order of their lines'
    // ends and never overlapping (render/label_layout.h), each joined to its line's end by a
    // leader. The band runs from under the headline to above the x axis' labels; when it is too
    // short for a line of 12 px text per label, the text shrinks (down to 8 px) to fit.
    if (!labels.empty()) {
        const double band_top = mem_top + 9.0, band_bottom = axis_bottom - 3.0;
        const double room = labels.size() > 1 ? (band_bottom - band_top) / static_cast<double>(labels.size() - 1) : kLabelGap;
        const double gap = std::clamp(room, kLabelGap * 8 / 12, kLabelGap);
        const double font = std::round(gap / kLabelGap * 12 * 10) / 10;
        std::vector<double> wanted;
        for (const Label& lb : labels) wanted.push_back(lb.y);
        const std::vector<double> placed = spread_labels(wanted, {band_top, band_bottom, gap});
        const double x = kLeft + pw + 10;
        out += fmt::format("<g class=\"labels\" font-size=\"{}\">\n", num(font));
        for (std::size_t i = 0; i < labels.size(); ++i) {
            const Label& lb = labels[i];
            out += fmt::format(R"(<path class="leader" d="M{} {} L{} {}" stroke="#888888" stroke-width="0.8" fill="none"/>)" "\n",
                               kLeft + pw, num(lb.y), num(x), num(placed[i]));
            out += fmt::format(R"(<line x1="{0}" x2="{1}" y1="{2}" y2="{2}" {3}/>)" "\n", num(x), num(x + 18), num(placed[i]),
                               pen_attrs(lb.line->pen));
            out += fmt::format(R"(<text class="verdict" data-key="{}" x="{}" y="{}" fill="#222222">{}</text>)" "\n",
                               xml_escape(lb.line->key), num(x + 22), num(placed[i] + font / 3), xml_escape(lb.text));
        }
        out += "</g>\n";
    }
    out += "</svg>\n";
    return out;
}

}  // namespace memsnap
