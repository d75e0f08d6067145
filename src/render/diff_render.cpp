#include "render/diff_render.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <utility>
#include <vector>

#include "formats/csv.h"
#include "formats/json_text.h"
#include "render/table.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

constexpr int kName = 22;
constexpr int kCol = 12;

// How a delta cell is highlighted when colour is on.
enum class Tone { Plain, Flagged };

constexpr std::string_view kRed = "\x1b[31m";
constexpr std::string_view kBoldRed = "\x1b[1;31m";
constexpr std::string_view kYellow = "\x1b[33m";
constexpr std::string_view kGreen = "\x1b[32m";
constexpr std::string_view kReset = "\x1b[0m";

std::string paint(std::string_view text, std::string_view colour) {
    return std::string(colour) + std::string(text) + std::string(kReset);
}

// The colour of a delta: growth red when its group was flagged, yellow otherwise; shrink green.
std::string_view delta_colour(int64_t delta, Tone tone) {
    if (delta > 0) return tone == Tone::Flagged ? kRed : kYellow;
    if (delta < 0) return kGreen;
    return "";
}

// |kb| without overflow at INT64_MIN.
uint64_t magnitude(int64_t kb) {
    return kb < 0 ? uint64_t{0} - static_cast<uint64_t>(kb) : static_cast<uint64_t>(kb);
}

// The sign is formatted in, not prepended with `"-" + std::string`: g++ 12 at -O3 reports a
// false -Wrestrict overlap inside that operator+ (GCC bug 105329).
std::string signed_kb(int64_t kb, bool human) {
    return fmt::format("{}{}", kb < 0 ? '-' : '+', format_kb(magnitude(kb), human));
}

std::string human_signed_size(int64_t kb) {
    uint64_t mag = magnitude(kb);
    std::string s = mag < 1024 ? fmt::format("{} KiB", mag) : format_kb(mag, true);
    return fmt::format("{}{}", kb < 0 ? '-' : '+', s);
}

// Past this, a percentage says only that the base was tiny (8 kB growing by 200 MB is
// "+2560100 %"): it is shown as ">999 %". Nothing can shrink by more than 100 %.
constexpr double kMaxPercentShown = 999.0;

std::string percent_cell(const Change& c) {
    auto p = c.percent();
    if (!p) return c.after == 0 ? "" : "new";
    if (*p > kMaxPercentShown) return fmt::format(">{:g} %", kMaxPercentShown);
    return fmt::format("{:+.1f} %", *p);
}

std::string percent_words(const Change& c) {
    auto p = c.percent();
    if (!p) return "new";
    if (*p > kMaxPercentShown) return fmt::format(">{:g} %", kMaxPercentShown);
    return fmt::format("{:+.0f} %", *p);
}

// A right-aligned cell `width` wide that always starts with a space, so that a value wider than
// its column pushes the row right instead of running into its neighbour.
std::string right_cell(std::string_view text, int width) {
    return fmt::format(" {:>{}}", text, width - 1);
}

struct RowStyle {
    bool human = false;
    bool color = false;
    Tone tone = Tone::Plain;
};

// A right-aligned delta cell, coloured after padding so the columns stay aligned.
std::string delta_cell(const std::string& text, int64_t delta, int width, const RowStyle& style) {
    std::string cell = right_cell(text, width);
    std::string_view colour = delta_colour(delta, style.tone);
    if (!style.color || colour.empty()) return cell;
    return paint(cell, colour);
}

void change_row(std::string& out, std::string_view name, const Change& c, bool memory,
                const RowStyle& style, bool with_percent = true) {
    const bool human = style.human;
    auto cell = [&](uint64_t v) { return memory ? format_kb(v, human) : fmt::format("{}", v); };
    std::string delta = memory ? signed_kb(c.delta(), human) : fmt::format("{:+}", c.delta());
    fmt::format_to(std::back_inserter(out), "{:<{}}{}{}{}", name, kName, right_cell(cell(c.before), kCol),
                   right_cell(cell(c.after), kCol), delta_cell(delta, c.delta(), kCol, style));
    if (with_percent) out += right_cell(percent_cell(c), kCol);
}

nlohmann::ordered_json change_json(const Change& c) {
    nlohmann::ordered_json j{{"before", c.before}, {"after", c.after}, {"delta", c.delta()}};
    auto p = c.percent();
    j["percent"] = p ? nlohmann::ordered_json(std::round(*p * 10) / 10) : nullptr;
    return j;
}

// A share in whole percent, "97 %".
std::string share_words(int64_t part, int64_t whole) {
    if (whole <= 0) return "0 %";
    return fmt::format("{:.0f} %", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}

// The shape of a row's growth: "in 100 new mappings of 2.0 MiB on average", "in mappings
// already there, which grew by 64.0 MiB", or empty when the snapshots count no mappings.
std::string shape_words(const GroupGrowth& g, const Verdicts& v) {
    if (!v.mappings_known) return "";
    if (g.new_mappings > 0) {
        const int64_t each = g.size_delta > 0 ? g.size_delta / g.new_mappings : 0;
        std::string s = fmt::format("in {} new mapping{}", g.new_mappings,
                                    g.new_mappings == 1 ? "" : "s");
        if (each > 0)
            s += g.new_mappings == 1 ? fmt::format(" of {}", format_kb(each, true))
                                     : fmt::format(" of {} on average", format_kb(each, true));
        return s;
    }
    if (g.size_delta > 0)
        return fmt::format("in mappings already there, which grew by {}",
                           format_kb(static_cast<uint64_t>(g.size_delta), true));
    return "in mappings already there (pages touched)";
}

struct Wording {
    std::string label;    // "native heap", "JS heap (inferred)", "AnonPage other"
    std::string meaning;  // "likely native leak"
};

Wording group_wording(const GroupGrowth& g, const Verdicts& v) {
    const std::optional<Category> top = g.top_row;
    switch (g.group) {
        case Group::Native: {
            // Always "native heap" (the inferred share is said apart), naming the allocator
            // when it is not glibc's.
            Wording w{"native heap", "likely native leak"};
            if (!v.allocator.empty() && v.allocator != "glibc") w.label += " (" + v.allocator + ")";
            if (v.runtime == "python") w.meaning += " (Python objects live in native heap)";
            return w;
        }
        case Group::Js:
            // The runtime is named from the row that grew most: a JVM is never "JS heap".
            if (top == Category::DalvikHeap) return {"dalvik heap", "likely Java heap leak"};
            if (top == Category::JavaHeapInferred)
                return {"java heap (inferred)", "likely Java heap leak"};
            if (top == Category::GoHeapInferred) return {"go heap (inferred)", "likely Go heap leak"};
            if (g.mostly == "inferred") return {"JS heap (inferred)", "likely JS leak"};
            if (g.mostly == "anon") return {"JS heap (AnonPage other)", "likely JS leak"};
            return {"JS heap", "likely JS leak"};
        case Group::Graphics:
            return {"graphics memory", "likely graphics leak"};
        case Group::Anon:
            return {"anonymous memory", "unattributed anonymous memory, likely leak"};
        case Group::File:
            return {"file-backed memory", "mapped files read in, likely a leak of mappings"};
        case Group::Shared:
            return {"shared memory and devices", "likely shared memory or driver leak"};
        case Group::Fd:
            return {"descriptors", "likely fd leak"};
        case Group::Thread:
            return {"threads", "likely thread leak"};
        case Group::Total:
            return {"Pss Total (+SwapPss)",
                    v.categories_known ? "the process grew, no group past its own threshold"
                                       : "the process grew; light samples carry no categories, "
                                         "so which memory is unknown"};
    }
    return {"", ""};
}

std::string threshold_words(Group g, const Threshold& t) {
    std::string abs =
        group_is_memory(g) ? format_kb(t.absolute, true) : fmt::format("{}", t.absolute);
    if (group_is_memory(g) && t.absolute < 1024) abs = fmt::format("{} KiB", t.absolute);
    return fmt::format("{} {} and {:g} %", group_key(g), abs, t.percent);
}

}  // namespace

std::string format_duration(int64_t ms) {
    if (ms < 0) return fmt::format("-{}", format_duration(-ms));
    if (ms < 1000) return fmt::format("{}ms", ms);
    int64_t s = ms / 1000;
    if (s < 10) return fmt::format("{:.1f}s", static_cast<double>(ms) / 1000.0);
    if (s < 60) return fmt::format("{}s", s);
    if (s < 3600) return fmt::format("{}m{:02}s", s / 60, s % 60);
    if (s < 86400) return fmt::format("{}h{:02}m", s / 3600, (s % 3600) / 60);
    return fmt::format("{}d{:02}h", s / 86400, (s % 86400) / 3600);
}

std::string verdict_headline(const GroupGrowth& g, const Verdicts& v) {
    const bool memory = group_is_memory(g.group);
    std::string size = memory ? human_signed_size(g.change.delta())
                              : fmt::format("{:+}", g.change.delta());
    Wording w = group_wording(g, v);
    const bool by_rows = g.group == Group::Anon || g.group == Group::File ||
                         g.group == Group::Shared;
    // A group of rows no runtime claims is named by the row that grew, when it is nearly all
    // of the growth.
    const bool one_row = by_rows && g.top_row && g.top_row_delta * 10 >= g.change.delta() * 9;
    if (one_row) w.label = std::string(category_info(*g.top_row).name);
    std::string line = fmt::format("{} {} ({}) in {}", w.label, size, percent_words(g.change),
                                   format_duration(v.elapsed_ms));
    if (g.group == Group::Native && g.inferred_delta > 0)
        line += fmt::format(" ({} inferred from mapping shapes)",
                            share_words(std::min(g.inferred_delta, g.change.delta()),
                                        g.change.delta()));
    if (by_rows && g.top_row) {
        std::string shape = shape_words(g, v);
        if (!one_row)
            line += fmt::format(", most in {} {}", category_info(*g.top_row).name,
                                human_signed_size(g.top_row_delta));
        if (!shape.empty()) line += ", " + shape;
    }
    if (g.group == Group::Total && v.categories_known) {
        // Where it went, largest first.
        std::vector<const GroupGrowth*> parts;
        for (const GroupGrowth& p : v.groups) {
            if (group_has_categories(p.group) && p.change.delta() > 0) parts.push_back(&p);
        }
        std::stable_sort(parts.begin(), parts.end(), [](const GroupGrowth* x, const GroupGrowth* y) {
            return x->change.delta() > y->change.delta();
        });
        std::string where;
        for (const GroupGrowth* p : parts) {
            where += fmt::format("{}{} {}", where.empty() ? "" : ", ", group_key(p->group),
                                 human_signed_size(p->change.delta()));
        }
        if (!where.empty()) line += ", spread over " + where;
    }
    line += ": " + w.meaning;
    if (!g.shape.empty()) line += " (series: " + g.shape + ")";
    if ((g.group == Group::Fd || g.group == Group::Thread) && !g.mostly.empty())
        line += fmt::format(", mostly {} {:+}", escape_for_terminal(g.mostly), g.mostly_delta);
    // The JS heap rule says whether AnonPage other was counted: worth saying for a JS heap, not
    // for a JVM's or Go's.
    const bool other_runtime = g.top_row == Category::JavaHeapInferred ||
                               g.top_row == Category::GoHeapInferred ||
                               g.top_row == Category::DalvikHeap;
    if (g.group == Group::Js && !other_runtime) line += " [" + v.js_rule.reason + "]";
    return line;
}

std::string bookkeeping_line(const Verdicts& v) {
    const GroupGrowth& native = v.groups[static_cast<std::size_t>(Group::Native)];
    const GroupGrowth& js = v.groups[static_cast<std::size_t>(Group::Js)];
    return fmt::format("native {} alongside JS {}: V8's own bookkeeping, not a separate leak",
                       human_signed_size(native.change.delta()),
                       human_signed_size(js.change.delta()));
}

std::string clean_file_line(const Verdicts& v) {
    const GroupGrowth& file = v.groups[static_cast<std::size_t>(Group::File)];
    // The flagged memory group that grew most is the one beside it.
    const GroupGrowth* beside = nullptr;
    for (const GroupGrowth& g : v.flagged) {
        if (group_has_categories(g.group) && (!beside || g.change.delta() > beside->change.delta()))
            beside = &g;
    }
    std::string other = beside ? fmt::format(" alongside {} {}", group_wording(*beside, v).label,
                                             human_signed_size(beside->change.delta()))
                               : std::string();
    return fmt::format("file {}{}: clean pages of files it maps, which the kernel can drop; "
                       "not a separate leak",
                       human_signed_size(file.change.delta()), other);
}

std::vector<std::string> verdict_notes(const Verdicts& v) {
    std::vector<std::string> notes;
    if (v.groups[static_cast<std::size_t>(Group::Native)].v8_bookkeeping)
        notes.push_back(bookkeeping_line(v));
    if (v.groups[static_cast<std::size_t>(Group::File)].clean_pages)
        notes.push_back(clean_file_line(v));
    return notes;
}

std::string render_diff_text(const DiffReport& r, const DiffTextOptions& options) {
    const SnapshotDiff& d = r.diff;
    const bool human = options.human;
    const Verdicts& v = r.verdicts;
    auto flagged = [&](Group g) { return v.groups[static_cast<std::size_t>(g)].flagged; };
    auto style = [&](bool is_flagged) {
        return RowStyle{human, options.color, is_flagged ? Tone::Flagged : Tone::Plain};
    };
    const RowStyle plain = style(false);
    std::string out;
    auto add = [&](std::string_view s) { out += s; };
    std::string name = r.after.name.empty() ? r.before.name : r.after.name;
    if (name.empty()) name = "name unknown";
    // pid 0 is a lone smaps file nobody labelled (--smaps FILE without --pid).
    std::string pid = r.after.pid > 0 ? std::to_string(r.after.pid) : std::string("unknown");
    add(fmt::format("memsnap diff: pid {} ({}), {} apart: {} -> {}\n", pid, escape_for_terminal(name),
                    format_duration(d.elapsed_ms), r.before_origin, r.after_origin));
    if (!same_process(r.before, r.after))
        add(fmt::format("note: different processes (pid {} starttime {} -> pid {} starttime {})\n",
                        r.before.pid, r.before.starttime, r.after.pid, r.after.starttime));
    std::string unit = human ? "" : " (kB)";

    add("\n");
    fmt::format_to(std::back_inserter(out), "{:<{}}{}{}{}{}{}{}{}\n", "Pss" + unit, kName,
                   right_cell("before", kCol), right_cell("after", kCol), right_cell("delta", kCol),
                   right_cell("%", kCol), right_cell("PrivDirty before", kCol + 6),
                   right_cell("after", kCol), right_cell("delta", kCol));
    auto category_row = [&](std::string_view row_name, const CategoryChange& c,
                            const RowStyle& row_style) {
        change_row(out, row_name, c.pss, true, row_style);
        if (c.private_dirty != c.pss) {
            out += right_cell(format_kb(c.private_dirty.before, human), kCol + 6);
            out += right_cell(format_kb(c.private_dirty.after, human), kCol);
            out += delta_cell(signed_kb(c.private_dirty.delta(), human), c.private_dirty.delta(),
                              kCol, row_style);
        }
        while (!out.empty() && out.back() == ' ') out.pop_back();
        add("\n");
    };
    if (!v.categories_known) {
        // A light sample (smaps_rollup) has totals only: its rows are unknown, not zero.
        for (const auto& [snap, origin] : {std::pair{&r.before, &r.before_origin},
                                           std::pair{&r.after, &r.after_origin}}) {
            if (snap->rollup)
                add(fmt::format("(categories unknown in {}: a light sample, totals only)\n",
                                *origin));
        }
    } else {
        for (const CategoryInfo& info : category_table()) {
            const CategoryChange& c = d[info.category];
            if (c.pss.before == 0 && c.pss.after == 0 && c.private_dirty.before == 0 &&
                c.private_dirty.after == 0)
                continue;
            category_row(info.name, c,
                         style(flagged(group_of(info.category, v.js_rule.counts_anon))));
        }
    }
    category_row("Total", d.total, plain);
    change_row(out, "Pss Total (+SwapPss)", d.pss_total, true, plain);
    add("\n");

    add("\n");
    fmt::format_to(std::back_inserter(out), "{:<{}}{}{}{}{}\n", "status" + unit, kName,
                   right_cell("before", kCol), right_cell("after", kCol), right_cell("delta", kCol),
                   right_cell("%", kCol));
    for (const StatusChange& s : d.status) {
        change_row(out, s.name, s.change, s.name != "Threads", plain);
        add("\n");
    }
    if (d.fd_num.before != 0 || d.fd_num.after != 0) {
        add("\n");
        const RowStyle fd_style = style(flagged(Group::Fd));
        change_row(out, "descriptors", d.fd_num, false, fd_style);
        add("\n");
        for (const auto& [type, c] : d.fd_by_type) {
            if (c.before == 0 && c.after == 0) continue;
            change_row(out, "  " + escape_for_terminal(type), c, false, fd_style);
            add("\n");
        }
    }
    if (d.thread_num.before != 0 || d.thread_num.after != 0) {
        add("\n");
        const RowStyle thread_style = style(flagged(Group::Thread));
        change_row(out, "threads", d.thread_num, false, thread_style);
        add("\n");
        // A numbered pool is one row ("worker-*"), as in the verdict.
        for (const auto& [tname, c] : group_numbered_names(d.thread_by_name)) {
            if (c.delta() == 0) continue;  // a long list of idle names says nothing
            change_row(out, "  " + escape_for_terminal(tname), c, false, thread_style);
            add("\n");
        }
    }
    if (d.dma_total.before != 0 || d.dma_total.after != 0) {
        change_row(out, "dma", d.dma_total, true, style(flagged(Group::Graphics)));
        add("\n");
    }
    if (d.gpu_total.before != 0 || d.gpu_total.after != 0) {
        change_row(out, "gpu", d.gpu_total, true, style(flagged(Group::Graphics)));
        add("\n");
    }

    add("\n");
    if (v.flagged.empty()) {
        const GroupGrowth& total = v.groups[static_cast<std::size_t>(Group::Total)];
        std::string line = "verdict: nothing grew past its threshold (";
        // On a series, a group that rose past its threshold and fell back (a spike, churn on a
        // flat floor) did grow: say so, and that it is not a leak.
        std::string fell;
        for (const GroupGrowth& g : v.groups) {
            if (g.shape.empty() || g.flagged) continue;
            if (g.group == Group::Total && !fell.empty()) continue;  // its parts are named
            const bool memory = group_is_memory(g.group);
            fell += fmt::format("{}{} {} at its peak ({})", fell.empty() ? "" : ", ",
                                group_key(g.group),
                                memory ? human_signed_size(g.peak_delta)
                                       : fmt::format("{:+}", g.peak_delta),
                                g.shape);
        }
        if (!fell.empty())
            line = "verdict: no leak: " + fell + "; nothing stayed past its threshold (";
        if (!v.categories_known)
            line = fmt::format("verdict: {}Pss Total {} ({}) under its threshold; light samples "
                               "carry no categories: only the total, descriptors and threads "
                               "are judged (",
                               fell.empty() ? "" : "no leak: " + fell + "; ",
                               human_signed_size(total.change.delta()),
                               percent_words(total.change));
        bool first = true;
        for (const GroupGrowth& g : v.groups) {
            if (!v.categories_known && group_has_categories(g.group)) continue;
            line += (first ? "" : ", ") + threshold_words(g.group, g.threshold);
            first = false;
        }
        line += ")";
        add((options.color ? paint(line, kGreen) : line) + "\n");
    } else {
        add("verdict:\n");
        for (const GroupGrowth& g : v.flagged) {
            std::string line = verdict_headline(g, v);
            add("  " + (options.color ? paint(line, kBoldRed) : line) + "\n");
        }
        for (const std::string& note : verdict_notes(v)) add("  " + note + "\n");
    }
    add("js heap rule: " + v.js_rule.reason + "\n");
    return out;
}

std::string diff_to_csv(const DiffReport& r) {
    std::string out;
    append_csv_row(out,
                   {"category", "pss_before_kb", "pss_after_kb", "pss_delta_kb", "pss_percent",
                    "private_dirty_before_kb", "private_dirty_after_kb", "private_dirty_delta_kb"});
    for (const CategoryInfo& info : category_table()) {
        const CategoryChange& c = r.diff[info.category];
        auto p = c.pss.percent();
        append_csv_row(
            out,
            {std::string(info.key), fmt::format("{}", c.pss.before), fmt::format("{}", c.pss.after),
             fmt::format("{}", c.pss.delta()), p ? fmt::format("{:.1f}", *p) : std::string(),
             fmt::format("{}", c.private_dirty.before), fmt::format("{}", c.private_dirty.after),
             fmt::format("{}", c.private_dirty.delta())});
    }
    return out;
}

nlohmann::ordered_json diff_to_json(const DiffReport& r) {
    using oj = nlohmann::ordered_json;
    const SnapshotDiff& d = r.diff;
    auto who = [](const Snapshot& s, const std::string& origin) {
        oj j = {{"origin", origin}, {"pid", s.pid}, {"starttime", s.starttime}};
        put_text(j, "name", s.name);  // any bytes: json_text.h
        j["time_ms"] = s.time_ms;
        j["js_runtime"] = s.js_runtime;
        return j;
    };
    oj categories = oj::object();
    for (const CategoryInfo& info : category_table()) {
        const CategoryChange& c = d[info.category];
        categories[std::string(info.key)] = {{"pss", change_json(c.pss)},
                                             {"private_dirty", change_json(c.private_dirty)}};
    }
    oj status = oj::object();
    for (const StatusChange& s : d.status) status[std::string(s.key)] = change_json(s.change);
    oj fd_types = oj::object();
    for (const auto& [type, c] : d.fd_by_type) fd_types[type] = change_json(c);
    oj thread_names = oj::object();
    for (const auto& [name, c] : d.thread_by_name) thread_names[name] = change_json(c);

    const Verdicts& v = r.verdicts;
    oj groups = oj::object();
    for (const GroupGrowth& g : v.groups) {
        oj j = change_json(g.change);
        j["unit"] = group_is_memory(g.group) ? "kB" : "count";
        j["threshold"] = {{"absolute", g.threshold.absolute}, {"percent", g.threshold.percent}};
        j["flagged"] = g.flagged;
        j["mostly"] = g.mostly;
        if (g.top_row) {
            j["top_row"] = {{"category", category_info(*g.top_row).key},
                            {"delta", g.top_row_delta},
                            {"new_mappings", g.new_mappings},
                            {"size_delta", g.size_delta}};
        }
        if (group_has_categories(g.group)) {
            j["inferred_delta"] = g.inferred_delta;
            j["dirty_delta"] = g.dirty_delta;
        }
        if (g.group == Group::File) j["clean_pages"] = g.clean_pages;
        if (g.group == Group::Native) j["v8_bookkeeping"] = g.v8_bookkeeping;
        groups[std::string(group_key(g.group))] = std::move(j);
    }
    oj verdicts = oj::array();
    for (const GroupGrowth& g : v.flagged) {
        verdicts.push_back({{"group", group_key(g.group)},
                            {"delta", g.change.delta()},
                            {"headline", verdict_headline(g, v)}});
    }
    const char* mode = v.js_rule.asked == JsHeapMode::Ark    ? "ark"
                       : v.js_rule.asked == JsHeapMode::Anon ? "anon"
                                                             : "auto";
    return oj{
        {"schema", "memsnap.diff/1"},
        {"unit", "kB"},
        {"before", who(r.before, r.before_origin)},
        {"after", who(r.after, r.after_origin)},
        {"same_process", same_process(r.before, r.after)},
        {"elapsed_ms", d.elapsed_ms},
        {"categories", std::move(categories)},
        {"total",
         {{"pss", change_json(d.total.pss)},
          {"private_dirty", change_json(d.total.private_dirty)},
          {"pss_total", change_json(d.pss_total)}}},
        {"status", std::move(status)},
        {"fd", {{"num", change_json(d.fd_num)}, {"by_type", std::move(fd_types)}}},
        {"thread", {{"num", change_json(d.thread_num)}, {"by_name", std::move(thread_names)}}},
        {"dma", {{"total", change_json(d.dma_total)}}},
        {"gpu", {{"total", change_json(d.gpu_total)}}},
        {"js_heap_rule",
         {{"mode", mode},
          {"counts_anon_other", v.js_rule.counts_anon},
          {"reason", v.js_rule.reason}}},
        {"groups", std::move(groups)},
        {"verdicts", std::move(verdicts)},
        {"categories_known", v.categories_known},
        {"notes", verdict_notes(v)},
        {"leak", !v.flagged.empty()},
    };
}

}  // namespace memsnap
