#include "diff/verdict.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <map>

#include "model/error.h"
#include "model/runtime.h"

namespace memsnap {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// A non-negative decimal number and the rest of the text; false if none.
bool leading_number(std::string_view s, double& value, std::string_view& rest) {
    std::size_t i = 0;
    bool digits = false;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, digits = true;
    if (i < s.size() && s[i] == '.') {
        ++i;
        while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i, digits = true;
    }
    if (!digits) return false;
    std::string num(s.substr(0, i));
    auto [ptr, ec] = std::from_chars(num.data(), num.data() + num.size(), value);
    if (ec != std::errc() || ptr != num.data() + num.size() || !std::isfinite(value)) return false;
    rest = s.substr(i);
    return true;
}

Group group_from_key(std::string_view key) {
    for (std::size_t i = 0; i < kGroupCount; ++i) {
        if (group_key(static_cast<Group>(i)) == key) return static_cast<Group>(i);
    }
    throw Error(ErrorKind::Usage, "--threshold: unknown group '" + std::string(key) +
                                      "' (native, js, graphics, anon, file, shared, fd, "
                                      "thread, total)");
}

struct Part {
    std::string_view name;
    int64_t delta;
};

// The part with the largest growth, for the wording.
Part largest(std::initializer_list<Part> parts) {
    Part best{"", 0};
    for (const Part& p : parts) {
        if (p.delta > best.delta) best = p;
    }
    return best;
}

}  // namespace

uint64_t parse_size_kb(std::string_view text) {
    std::string_view s = trim(text);
    double value = 0;
    std::string_view rest;
    auto bad = [&]() -> Error {
        return Error(ErrorKind::Usage, "bad size '" + std::string(text) +
                                           "' (a number of kB, or with a unit: KiB, MiB, GiB)");
    };
    if (!leading_number(s, value, rest)) throw bad();
    std::string unit = lower(trim(rest));
    double kb;
    if (unit.empty() || unit == "k" || unit == "kb" || unit == "kib") {
        kb = value;
    } else if (unit == "b") {
        kb = std::ceil(value / 1024.0);
    } else if (unit == "m" || unit == "mb" || unit == "mib") {
        kb = value * 1024.0;
    } else if (unit == "g" || unit == "gb" || unit == "gib") {
        kb = value * 1024.0 * 1024.0;
    } else {
        throw bad();
    }
    if (kb > 9.0e18) throw bad();
    return static_cast<uint64_t>(std::llround(kb));
}

void apply_threshold_spec(std::string_view spec, Thresholds& t) {
    if (trim(spec).empty()) throw Error(ErrorKind::Usage, "--threshold: empty");
    while (!spec.empty()) {
        std::size_t comma = spec.find(',');
        std::string_view item = trim(spec.substr(0, comma));
        spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
        std::size_t eq = item.find('=');
        if (eq == std::string_view::npos)
            throw Error(ErrorKind::Usage, "--threshold: '" + std::string(item) +
                                              "' is not GROUP=VALUE (e.g. native=8MiB)");
        Group g = group_from_key(trim(item.substr(0, eq)));
        std::string_view values = item.substr(eq + 1);
        Threshold& th = t[g];
        for (int index = 0;; ++index) {
            std::size_t slash = values.find('/');
            std::string_view v = trim(values.substr(0, slash));
            std::string where = "--threshold " + std::string(item) + ": ";
            if (v.empty()) throw Error(ErrorKind::Usage, where + "missing value");
            // ABS/PCT: after the '/' only a percent; "js=8MiB/5" would set 5 kB silently.
            if (index > 0 && v.back() != '%')
                throw Error(ErrorKind::Usage, where + std::string(v) +
                                                  " what? After the '/' comes a percent (" +
                                                  std::string(v) + "%)");
            if (index > 1) throw Error(ErrorKind::Usage, where + "at most ABS/PCT");
            if (v.back() == '%') {
                double pct;
                std::string_view rest;
                if (!leading_number(v.substr(0, v.size() - 1), pct, rest) || !trim(rest).empty())
                    throw Error(ErrorKind::Usage, where + "bad percent '" + std::string(v) + "'");
                th.percent = pct;
            } else if (group_is_memory(g)) {
                try {
                    th.absolute = parse_size_kb(v);
                } catch (const Error& e) {
                    throw Error(ErrorKind::Usage, where + e.what());
                }
            } else {
                uint64_t n = 0;
                auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
                if (ec != std::errc() || ptr != v.data() + v.size())
                    throw Error(ErrorKind::Usage, where + "bad count '" + std::string(v) +
                                                      "' (a whole number, or a percent)");
                th.absolute = n;
            }
            if (slash == std::string_view::npos) break;
            values = values.substr(slash + 1);
        }
    }
}

JsHeapMode parse_js_heap_mode(std::string_view text) {
    if (text == "ark") return JsHeapMode::Ark;
    if (text == "anon") return JsHeapMode::Anon;
    if (text == "auto") return JsHeapMode::Auto;
    throw Error(ErrorKind::Usage, "--js-heap: '" + std::string(text) + "' (ark, anon or auto)");
}

JsHeapRule resolve_js_heap_rule(JsHeapMode mode, const Snapshot& before, const Snapshot& after) {
    JsHeapRule rule;
    rule.asked = mode;
    if (mode == JsHeapMode::Ark) {
        rule.reason = "js-heap ark: named ArkTS heap only";
        return rule;
    }
    if (mode == JsHeapMode::Anon) {
        rule.counts_anon = true;
        rule.reason = "js-heap anon: AnonPage other counted as JS heap";
        return rule;
    }
    // A JS runtime by its recorded runtime, its name or its mapped libraries; or, for one that
    // renamed itself (node's process.title) with no library to show, by the V8 heap pages it
    // maps: at least kV8PagesKb in js heap (inferred).
    constexpr uint64_t kV8PagesKb = 1024;  // four 256 KiB V8 pages
    std::string runtime;
    for (const Snapshot* s : {&after, &before}) {
        if (runtime.empty()) runtime = s->js_runtime;
        if (runtime.empty() && (!js_runtime_of_process(s->runtime).empty() || s->runtime == "jsvm"))
            runtime = s->runtime;
        if (runtime.empty()) runtime = std::string(js_runtime_of_process(s->name));
    }
    const bool v8_pages = after.categories[Category::JsHeapInferred].pss >= kV8PagesKb ||
                          before.categories[Category::JsHeapInferred].pss >= kV8PagesKb;
    const std::string& name = after.name.empty() ? before.name : after.name;
    const std::string who = name.empty() ? std::string("the process") : name;
    if (!runtime.empty()) {
        rule.counts_anon = true;
        rule.reason = "js-heap auto: " + who + " is a JS runtime (" + runtime +
                      "), AnonPage other counted as JS heap";
    } else if (v8_pages) {
        rule.counts_anon = true;
        rule.reason = "js-heap auto: " + who +
                      " maps V8 heap pages (js heap (inferred)): a JS runtime, AnonPage other "
                      "counted as JS heap";
    } else {
        rule.reason = "js-heap auto: " + (name.empty() ? std::string("the process") : name) +
                      " is not a known JS runtime, named ArkTS heap only";
    }
    return rule;
}

Verdicts judge(const Snapshot& a, const Snapshot& b, const SnapshotDiff& d,
               const Thresholds& thresholds, const JsHeapRule& js_rule) {
    Verdicts v;
    v.js_rule = js_rule;
    v.elapsed_ms = d.elapsed_ms;
    v.categories_known = !a.rollup && !b.rollup;
    v.runtime = b.runtime.empty() ? a.runtime : b.runtime;
    v.allocator = b.allocator.empty() ? a.allocator : b.allocator;
    v.mappings_known = v.categories_known && a.categories.total().mappings > 0 &&
                       b.categories.total().mappings > 0;
    const bool anon_is_js = js_rule.counts_anon;
    const std::array<uint64_t, kGroupCount> before = group_values(a, anon_is_js);
    const std::array<uint64_t, kGroupCount> after = group_values(b, anon_is_js);
    for (std::size_t i = 0; i < kGroupCount; ++i) {
        GroupGrowth& g = v.groups[i];
        g.group = static_cast<Group>(i);
        g.threshold = thresholds[g.group];
        // A light sample knows no categories: comparing them with a full one would read as
        // every row gone (or new).
        if (group_has_categories(g.group) && !v.categories_known) continue;
        g.change = Change{before[i], after[i]};
    }

    // What each memory group's growth is made of: the row that grew most and its shape.
    if (v.categories_known) {
        for (const CategoryInfo& info : category_table()) {
            const Category c = info.category;
            GroupGrowth& g = v.groups[static_cast<std::size_t>(group_of(c, anon_is_js))];
            const int64_t grew = static_cast<int64_t>(charged_kb(b.categories[c])) -
                                 static_cast<int64_t>(charged_kb(a.categories[c]));
            if (info.inferred && grew > 0) g.inferred_delta += grew;
            g.dirty_delta += static_cast<int64_t>(dirty_kb(b.categories[c])) -
                             static_cast<int64_t>(dirty_kb(a.categories[c]));
            if (grew <= 0 || grew <= g.top_row_delta) continue;
            g.top_row = c;
            g.top_row_delta = grew;
            g.new_mappings = static_cast<int64_t>(b.categories[c].mappings) -
                             static_cast<int64_t>(a.categories[c].mappings);
            g.size_delta = static_cast<int64_t>(b.categories[c].size) -
                           static_cast<int64_t>(a.categories[c].size);
        }
    }
    using C = Category;
    auto delta = [&](C c) {
        return static_cast<int64_t>(charged_kb(b.categories[c])) -
               static_cast<int64_t>(charged_kb(a.categories[c]));
    };
    GroupGrowth& native = v.groups[static_cast<std::size_t>(Group::Native)];
    Part np = largest({{"named", delta(C::NativeHeap) + delta(C::ArkWebPaHeap)},
                       {"inferred", delta(C::NativeHeapInferred)}});
    if (np.name == "inferred") native.mostly = "inferred";
    GroupGrowth& js = v.groups[static_cast<std::size_t>(Group::Js)];
    Part jp = largest({{"named", delta(C::ArkTsHeap) + delta(C::ArkTsStaticHeap) +
                                     delta(C::DalvikHeap)},
                       {"inferred", delta(C::JsHeapInferred) + delta(C::JavaHeapInferred) +
                                        delta(C::GoHeapInferred)},
                       {"anon", anon_is_js ? delta(C::AnonOther) : 0}});
    if (jp.name != "named") js.mostly = std::string(jp.name);

    GroupGrowth& fd = v.groups[static_cast<std::size_t>(Group::Fd)];
    for (const auto& [type, c] : d.fd_by_type) {
        if (c.delta() > fd.mostly_delta) fd.mostly = type, fd.mostly_delta = c.delta();
    }
    GroupGrowth& thread = v.groups[static_cast<std::size_t>(Group::Thread)];
    std::map<std::string, int64_t> by_stem;  // pools number their threads: "worker-1", "worker-2"
    for (const auto& [name, c] : d.thread_by_name) by_stem[thread_name_stem(name)] += c.delta();
    for (const auto& [stem, grew] : by_stem) {
        if (grew > thread.mostly_delta) thread.mostly = stem, thread.mostly_delta = grew;
    }

    for (GroupGrowth& g : v.groups) {
        int64_t grew = g.change.delta();
        if (grew <= 0) continue;
        auto pct = g.change.percent();
        bool abs_ok = static_cast<uint64_t>(grew) >= g.threshold.absolute;
        bool rel_ok = !pct || *pct >= g.threshold.percent;
        g.flagged = abs_ok && rel_ok;
        g.score = static_cast<double>(grew) /
                  static_cast<double>(std::max<uint64_t>(g.threshold.absolute, 1));
    }
    std::array<bool, kGroupCount> keep;
    keep.fill(true);
    select_verdicts(v, keep);
    return v;
}

void select_verdicts(Verdicts& v, const std::array<bool, kGroupCount>& keep) {
    v.flagged.clear();
    for (GroupGrowth& g : v.groups) g.v8_bookkeeping = g.clean_pages = false;
    GroupGrowth& js = v.groups[static_cast<std::size_t>(Group::Js)];
    GroupGrowth& native = v.groups[static_cast<std::size_t>(Group::Native)];
    const bool v8_heap = js.top_row == Category::JsHeapInferred ||
                         (v.js_rule.counts_anon && js.top_row == Category::AnonOther);
    if (v8_heap && js.flagged && keep[static_cast<std::size_t>(Group::Js)] && native.flagged &&
        static_cast<double>(native.change.delta()) <=
            kV8BookkeepingShare * static_cast<double>(js.change.delta())) {
        native.flagged = false;
        native.v8_bookkeeping = true;
    }
    GroupGrowth& file = v.groups[static_cast<std::size_t>(Group::File)];
    const bool other_memory = std::any_of(v.groups.begin(), v.groups.end(), [&](const GroupGrowth& g) {
        return g.flagged && group_has_categories(g.group) && g.group != Group::File &&
               keep[static_cast<std::size_t>(g.group)];
    });
    if (file.flagged && other_memory && v.categories_known &&
        file.dirty_delta < static_cast<int64_t>(file.threshold.absolute)) {
        file.flagged = false;
        file.clean_pages = true;
    }
    bool memory_named = false;
    for (const GroupGrowth& g : v.groups) {
        if (g.group == Group::Total || !g.flagged || !keep[static_cast<std::size_t>(g.group)])
            continue;
        v.flagged.push_back(g);
        if (group_is_memory(g.group)) memory_named = true;
    }
    const GroupGrowth& total = v.groups[static_cast<std::size_t>(Group::Total)];
    if (!memory_named && total.flagged && keep[static_cast<std::size_t>(Group::Total)])
        v.flagged.push_back(total);
    std::stable_sort(v.flagged.begin(), v.flagged.end(),
                     [](const GroupGrowth& x, const GroupGrowth& y) { return x.score > y.score; });
}

}  // namespace memsnap
