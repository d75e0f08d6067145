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
                                      "' (native, js, graphics, fd, thread)");
}

uint64_t pss(const Snapshot& s, Category c) {
    return s.categories[c].pss;
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

std::string thread_name_stem(std::string_view name) {
    std::size_t end = name.size();
    while (end > 0 && std::isdigit(static_cast<unsigned char>(name[end - 1]))) --end;
    if (end == name.size() || end == 0) return std::string(name);
    return std::string(name.substr(0, end)) + "*";
}

std::string_view group_key(Group g) {
    static constexpr std::array<std::string_view, kGroupCount> kKeys = {"native", "js", "graphics",
                                                                        "fd", "thread"};
    return kKeys[static_cast<std::size_t>(g)];
}

std::optional<Group> memory_group_of(Category c, const JsHeapRule& js_rule) {
    switch (c) {
        case Category::NativeHeap:
        case Category::NativeHeapInferred:
            return Group::Native;
        case Category::ArkTsHeap:
        case Category::ArkTsStaticHeap:
        case Category::JsHeapInferred:
        case Category::JavaHeapInferred:
        case Category::GoHeapInferred:
        // The heaps of the other managed runtimes hiview and Android name (model/rules/).
        case Category::JsvmHeap:
        case Category::ArkWebJsHeap:
        case Category::KotlinHeap:
        case Category::RnHermesHeap:
        case Category::DartHeap:
        case Category::DalvikHeap:
            return Group::Js;
        case Category::AnonOther:
            if (js_rule.counts_anon) return Group::Js;
            return std::nullopt;
        case Category::GL:
        case Category::Graph:
        case Category::Dmabuf:
        case Category::GfxDev:  // dumpsys's Gfx dev: GPU device mappings (kgsl-3d0)
            return Group::Graphics;
        default:
            return std::nullopt;
    }
}

bool group_is_memory(Group g) {
    return g == Group::Native || g == Group::Js || g == Group::Graphics;
}

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
        while (true) {
            std::size_t slash = values.find('/');
            std::string_view v = trim(values.substr(0, slash));
            std::string where = "--threshold " + std::string(item) + ": ";
            if (v.empty()) throw Error(ErrorKind::Usage, where + "missing value");
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
    std::string runtime;
    for (const Snapshot* s : {&after, &before}) {
        if (runtime.empty()) runtime = s->js_runtime;
        if (runtime.empty()) runtime = std::string(js_runtime_of_process(s->name));
    }
    const std::string& name = after.name.empty() ? before.name : after.name;
    if (!runtime.empty()) {
        rule.counts_anon = true;
        rule.reason = "js-heap auto: " + (name.empty() ? std::string("the process") : name) +
                      " is a JS runtime (" + runtime + "), AnonPage other counted as JS heap";
    } else {
        rule.reason = "js-heap auto: " + (name.empty() ? std::string("the process") : name) +
                      " is not a known JS runtime, named ArkTS heap only";
    }
    return rule;
}

std::array<uint64_t, kGroupCount> group_values(const Snapshot& s, const JsHeapRule& js_rule) {
    using C = Category;
    std::array<uint64_t, kGroupCount> v{};
    auto at = [&](Group g) -> uint64_t& { return v[static_cast<std::size_t>(g)]; };
    at(Group::Native) = pss(s, C::NativeHeap) + pss(s, C::NativeHeapInferred);
    at(Group::Js) = pss(s, C::ArkTsHeap) + pss(s, C::ArkTsStaticHeap) + pss(s, C::JsHeapInferred) +
                    pss(s, C::JavaHeapInferred) + pss(s, C::GoHeapInferred) +
                    (js_rule.counts_anon ? pss(s, C::AnonOther) : 0);
    // A buffer is not counted twice: GL or gpu.total, Graph + dmabuf rows or dma.total.
    at(Group::Graphics) = std::max(pss(s, C::GL), s.gpu.total) +
                          std::max(pss(s, C::Graph) + pss(s, C::Dmabuf), s.dma.total) + s.gpu.mapped;
    at(Group::Fd) = s.fd.num;
    at(Group::Thread) = thread_count(s);
    return v;
}

Verdicts judge(const Snapshot& a, const Snapshot& b, const SnapshotDiff& d,
               const Thresholds& thresholds, const JsHeapRule& js_rule) {
    Verdicts v;
    v.js_rule = js_rule;
    v.elapsed_ms = d.elapsed_ms;
    using C = Category;
    auto delta = [&](C c) { return d[c].pss.delta(); };
    const std::array<uint64_t, kGroupCount> before = group_values(a, js_rule);
    const std::array<uint64_t, kGroupCount> after = group_values(b, js_rule);
    auto change = [&](Group g) {
        return Change{before[static_cast<std::size_t>(g)], after[static_cast<std::size_t>(g)]};
    };

    GroupGrowth native{Group::Native, change(Group::Native), {}, false, 0, "", 0};
    Part np =
        largest({{"named", delta(C::NativeHeap)}, {"inferred", delta(C::NativeHeapInferred)}});
    if (np.name == "inferred") native.mostly = "inferred";

    GroupGrowth js{Group::Js, change(Group::Js), {}, false, 0, "", 0};
    Part jp = largest({{"named", delta(C::ArkTsHeap) + delta(C::ArkTsStaticHeap)},
                       {"inferred", delta(C::JsHeapInferred) + delta(C::JavaHeapInferred) +
                                        delta(C::GoHeapInferred)},
                       {"anon", js_rule.counts_anon ? delta(C::AnonOther) : 0}});
    if (jp.name != "named") js.mostly = std::string(jp.name);

    GroupGrowth graphics{Group::Graphics, change(Group::Graphics), {}, false, 0, "", 0};

    GroupGrowth fd{Group::Fd, change(Group::Fd), {}, false, 0, "", 0};
    for (const auto& [type, c] : d.fd_by_type) {
        if (c.delta() > fd.mostly_delta) fd.mostly = type, fd.mostly_delta = c.delta();
    }
    GroupGrowth thread{Group::Thread, change(Group::Thread), {}, false, 0, "", 0};
    std::map<std::string, int64_t> by_stem;  // pools number their threads: "worker-1", "worker-2"
    for (const auto& [name, c] : d.thread_by_name) by_stem[thread_name_stem(name)] += c.delta();
    for (const auto& [stem, grew] : by_stem) {
        if (grew > thread.mostly_delta) thread.mostly = stem, thread.mostly_delta = grew;
    }

    v.groups = {native, js, graphics, fd, thread};
    for (GroupGrowth& g : v.groups) {
        g.threshold = thresholds[g.group];
        int64_t grew = g.change.delta();
        if (grew <= 0) continue;
        auto pct = g.change.percent();
        bool abs_ok = static_cast<uint64_t>(grew) >= g.threshold.absolute;
        bool rel_ok = !pct || *pct >= g.threshold.percent;
        g.flagged = abs_ok && rel_ok;
        g.score = static_cast<double>(grew) /
                  static_cast<double>(std::max<uint64_t>(g.threshold.absolute, 1));
        if (g.flagged) v.flagged.push_back(g);
    }
    std::stable_sort(v.flagged.begin(), v.flagged.end(),
                     [](const GroupGrowth& x, const GroupGrowth& y) { return x.score > y.score; });
    return v;
}

}  // namespace memsnap
