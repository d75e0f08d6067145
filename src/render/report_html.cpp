#include "render/report_html.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <cstdlib>
#include <fmt/format.h>

#include "render/diff_render.h"
#include "render/escape.h"
#include "render/mapping_diff_render.h"
#include "render/series_chart.h"
#include "render/wall_clock.h"

namespace memsnap {
namespace {

// Self-contained: system fonts only, no url(), nothing fetched. The print rules drop the
// colours that carry no meaning and keep tables and the chart whole on a page.
constexpr const char* kStyle = R"css(
:root { color-scheme: light; }
body { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 14px;
       color: #1a1a1a; background: #ffffff; margin: 24px auto; max-width: 1120px; padding: 0 16px; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid #cccccc; padding-bottom: 3px; }
table { border-collapse: collapse; margin: 6px 0; }
th, td { border: 1px solid #d0d0d0; padding: 3px 8px; text-align: right; vertical-align: top; }
th { background: #f2f2f2; }
td.name, th.name { text-align: left; }
tr.flagged td { font-weight: bold; }
.verdict-leak { color: #A33A00; }
.headline { font-size: 16px; font-weight: bold; margin: 10px 0; }
.muted { color: #555555; }
pre { font-family: "DejaVu Sans Mono", "Liberation Mono", monospace; font-size: 12px;
      background: #f7f7f7; border: 1px solid #e0e0e0; padding: 8px; overflow-x: auto; }
.tables { display: flex; gap: 16px; flex-wrap: wrap; }
.tables > div { flex: 1 1 520px; min-width: 0; }
.chart svg { max-width: 100%; height: auto; border: 1px solid #e0e0e0; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, pre, .chart, section.verdicts { break-inside: avoid; }
  pre { white-space: pre-wrap; background: none; font-size: 8pt; }
  .tables { display: block; }
  th { background: none; }
  .verdict-leak { color: #000000; }
}
)css";

std::string esc(std::string_view s) { return xml_escape(s); }

// A sample's wall clock in the local zone (TZ respected), with the zone named.
std::string wall(int64_t ms) { return local_time_text(ms, "%Y-%m-%d %H:%M:%S") + " " + local_zone_text(ms); }

std::string size_kb(double kb) {
    const double a = std::abs(kb);
    if (a >= 2.0 * 1024 * 1024) return fmt::format("{:.2f} GiB", kb / (1024.0 * 1024));
    if (a >= 2.0 * 1024) return fmt::format("{:.1f} MiB", kb / 1024.0);
    return fmt::format("{:.0f} kB", kb);
}

std::string value(double v, Group g) { return group_is_memory(g) ? size_kb(v) : fmt::format("{:.0f}", v); }

std::string signed_value(double v, Group g) { return (v > 0 ? "+" : v < 0 ? "\xE2\x88\x92" : "") + value(std::abs(v), g); }

std::string percent(const Change& c) {
    if (c.before == 0) return "";
    return fmt::format("{:+.1f} %", static_cast<double>(c.delta()) * 100.0 / static_cast<double>(c.before));
}

}  // namespace

std::string render_report_html(const ReportPage& p) {
    const Snapshot& a = p.first;
    const Snapshot& b = p.last;
    const Verdicts& v = p.judged.verdicts;
    std::string out;
    const std::string who = fmt::format("{} (pid {})", esc(a.name), a.pid);
    out += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
    out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
    out += fmt::format("<title>memsnap report: {}</title>\n", who);
    out += fmt::format("<style>{}</style>\n</head>\n<body>\n", kStyle);
    out += fmt::format("<h1>memsnap report: {}</h1>\n", who);

    // The process and the two samples.
    out += "<section class=\"process\">\n<table>\n";
    auto row = [&](std::string_view k, const std::string& val) {
        out += fmt::format("<tr><th class=\"name\">{}</th><td class=\"name\">{}</td></tr>\n", k, val);
    };
    row("process", who);
    row("uid, start time", fmt::format("{}, {} (clock ticks after boot)", a.uid, a.starttime));
    row("first sample", fmt::format("{} &mdash; {}", esc(wall(a.time_ms)), esc(p.first_origin)));
    row("last sample", fmt::format("{} &mdash; {}", esc(wall(b.time_ms)), esc(p.last_origin)));
    row("elapsed, samples", fmt::format("{}, {}", esc(format_duration(b.time_ms - a.time_ms)), p.samples));
    row("JS heap rule", esc(v.js_rule.reason.empty() ? "ark" : v.js_rule.reason));
    out += "</table>\n</section>\n";

    // Verdicts first: what a reader came for.
    out += "<section class=\"verdicts\">\n<h2>Verdicts</h2>\n";
    if (v.flagged.empty()) {
        out += "<p class=\"headline\">No group grew past its threshold";
        out += p.judged.trend ? " steadily.</p>\n" : ".</p>\n";
    }
    for (const GroupGrowth& g : v.flagged)
        out += fmt::format("<p class=\"headline verdict-leak\">{}</p>\n", esc(verdict_headline(g, v)));
    out += "<table class=\"groups\">\n<tr><th class=\"name\">group</th><th>first</th><th>last</th><th>change</th>"
           "<th>%</th><th>threshold</th>";
    if (p.judged.trend) out += "<th>min</th><th>max</th><th>slope / min</th><th>p (Mann-Kendall)</th>";
    out += "<th class=\"name\">verdict</th></tr>\n";
    for (const GroupGrowth& g : v.groups) {
        const bool flagged = std::any_of(v.flagged.begin(), v.flagged.end(),
                                         [&](const GroupGrowth& f) { return f.group == g.group; });
        out += fmt::format("<tr class=\"{}\" data-group=\"{}\"><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                           flagged ? "flagged" : "", group_key(g.group), group_key(g.group),
                           value(static_cast<double>(g.change.before), g.group),
                           value(static_cast<double>(g.change.after), g.group),
                           signed_value(static_cast<double>(g.change.delta()), g.group), percent(g.change));
        out += fmt::format("<td>{} and {:g} %</td>", value(static_cast<double>(g.threshold.absolute), g.group), g.threshold.percent);
        if (p.judged.trend) {
            const GroupSeries& s = p.judged.analysis.groups[static_cast<std::size_t>(g.group)];
            out += fmt::format("<td>{}</td><td>{}</td><td>{}</td><td>{:.3g}</td>", value(s.trend.min, g.group),
                               value(s.trend.max, g.group), signed_value(s.trend.slope_per_min, g.group), s.trend.p_value);
        }
        out += fmt::format("<td class=\"name verdict\">{}</td></tr>\n", esc(group_verdict_word(g.group, p.judged)));
    }
    out += "</table>\n<p class=\"muted\">A group is flagged when it grew by at least its absolute and its relative "
           "threshold";
    out += p.judged.trend ? "; on a series of 5 or more samples only when it also grew steadily (Theil-Sen slope &gt; 0, "
                            "Mann-Kendall p &lt; 0.05). A spike that fell back is not a leak.</p>\n"
                          : ".</p>\n";
    out += "</section>\n";

    if (!p.chart_svg.empty()) {
        out += "<section class=\"chart\">\n<h2>Chart</h2>\n";
        // The SVG inline: its strings were escaped when it was drawn; drop its XML-only parts.
        out += p.chart_svg;
        out += "</section>\n";
    }

    // Per category: what grew.
    out += "<section class=\"diff\">\n<h2>What changed, by category (Pss)</h2>\n<table>\n"
           "<tr><th class=\"name\">category</th><th>first</th><th>last</th><th>change</th><th>%</th></tr>\n";
    for (const CategoryInfo& info : category_table()) {
        const CategoryChange& c = p.judged.diff[info.category];
        if (c.pss.before == 0 && c.pss.after == 0) continue;
        out += fmt::format("<tr data-category=\"{}\"><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
                           info.key, esc(info.name), size_kb(static_cast<double>(c.pss.before)),
                           size_kb(static_cast<double>(c.pss.after)), signed_value(static_cast<double>(c.pss.delta()), Group::Native),
                           percent(c.pss));
    }
    const Change& t = p.judged.diff.pss_total;
    out += fmt::format("<tr><th class=\"name\">Pss total</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>\n",
                       size_kb(static_cast<double>(t.before)), size_kb(static_cast<double>(t.after)),
                       signed_value(static_cast<double>(t.delta()), Group::Native), percent(t));
    out += "</table>\n";
    auto count_table = [&](const char* title, const std::map<std::string, Change>& by) {
        std::string rows;
        for (const auto& [name, c] : by) {
            if (c.delta() == 0) continue;
            rows += fmt::format("<tr><td class=\"name\">{}</td><td>{}</td><td>{}</td><td>{:+}</td></tr>\n", esc(name),
                                c.before, c.after, c.delta());
        }
        if (rows.empty()) return;
        out += fmt::format("<table><tr><th class=\"name\">{}</th><th>first</th><th>last</th><th>change</th></tr>\n{}</table>\n",
                           title, rows);
    };
    count_table("descriptors by type", p.judged.diff.fd_by_type);
    count_table("threads by name", p.judged.diff.thread_by_name);
    out += "</section>\n";

    // Mappings that grew most: the mapping diff's lists, largest change first.
    out += "<section class=\"mappings\">\n<h2>Mappings that grew most</h2>\n";
    if (p.mappings == nullptr) {
        out += "<p class=\"muted\">These snapshots do not list their mappings (take them with "
               "<code>snapshot --mappings</code> or <code>watch --mappings</code>).</p>\n";
    } else {
        const MappingDiff& d = *p.mappings;
        out += fmt::format("<p class=\"muted\">Pss + SwapPss of each mapping, {} &rarr; {} ({} &rarr; {} "
                           "mappings). A mapping is the same when its name and start address are.</p>\n",
                           esc(p.mappings_before_origin), esc(p.mappings_after_origin), d.before_mappings,
                           d.after_mappings);
        for (const MappingGroupDiff& g : d.groups) {
            const std::string_view key = g.group ? group_key(*g.group) : std::string_view("total");
            out += fmt::format("<h3>{} {}</h3>\n", esc(mapping_list_words(g.group)),
                               signed_value(static_cast<double>(g.pss_total_delta), Group::Native));
            out += fmt::format("<table class=\"mapping-list\" data-list=\"{}\" data-delta-kb=\"{}\">\n"
                               "<tr><th>change</th><th class=\"name\">mappings</th><th class=\"name\">row</th>"
                               "</tr>\n",
                               key, g.pss_total_delta);
            if (g.lines.empty()) out += "<tr><td></td><td class=\"name\">no mapping changed</td><td></td></tr>\n";
            for (const MappingChangeLine& l : g.lines) {
                const CategoryInfo& info = category_info(l.category);
                out += fmt::format("<tr class=\"mapping\" data-kind=\"{}\" data-category=\"{}\" data-count=\"{}\" "
                                   "data-delta-kb=\"{}\"><td>{}</td><td class=\"name\">{}</td>"
                                   "<td class=\"name\">{}</td></tr>\n",
                                   mapping_kind_key(l.kind), info.key, l.count, l.pss_total_delta,
                                   signed_value(static_cast<double>(l.pss_total_delta), Group::Native),
                                   esc(mapping_change_words(l)), esc(info.name));
            }
            if (g.more_lines != 0)
                out += fmt::format("<tr class=\"more\" data-delta-kb=\"{}\"><td>{}</td><td class=\"name\">{} more "
                                   "line{}</td><td></td></tr>\n",
                                   g.more_pss_total_delta,
                                   signed_value(static_cast<double>(g.more_pss_total_delta), Group::Native),
                                   g.more_lines, g.more_lines == 1 ? "" : "s");
            out += "</table>\n";
        }
    }
    out += "</section>\n";

    out += "<section class=\"tables\">\n<div>\n<h2>First sample</h2>\n<pre>";
    out += esc(p.first_table);
    out += "</pre>\n</div>\n<div>\n<h2>Last sample</h2>\n<pre>";
    out += esc(p.last_table);
    out += "</pre>\n</div>\n</section>\n";
    out += fmt::format("<p class=\"muted\">Made by memsnap {} from {} and {}.</p>\n</body>\n</html>\n", MEMSNAP_VERSION,
                       esc(p.first_origin), esc(p.last_origin));
    return out;
}

}  // namespace memsnap
