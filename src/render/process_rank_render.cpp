#include "render/process_rank_render.h"

#include <fmt/format.h>

#include "formats/json_text.h"
#include "render/diff_render.h"
#include "render/table.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

// "12345 kB" (the kernel's unit, as the tables print it), or KiB/MiB/GiB with --human.
std::string kb_text(uint64_t kb, bool human) { return format_kb(kb, human) + (human ? "" : " kB"); }

// Built by appending: g++ 12 -O3 raises a false -Wrestrict on "-" + std::string&&.
std::string signed_kb(int64_t kb, bool human) {
    std::string out(kb < 0 ? "-" : "+");
    out += kb_text(static_cast<uint64_t>(kb < 0 ? -kb : kb), human);
    return out;
}

uint64_t samples_of(const ProcessVerdict& v) { return v.process->totals.size(); }

nlohmann::ordered_json totals_json(const StreamTotals& t) {
    return {{"tick", t.tick},
            {"time_ms", t.time_ms},
            {"processes", t.processes},
            {"pss", t.pss},
            {"system", {{"total", t.system.total}, {"free", t.system.free}, {"available", t.system.available}}}};
}

std::string system_line(const ProcessStream& stream, bool human) {
    std::size_t gone = 0, came = 0;
    for (const ProcessSeries& p : stream.processes) {
        gone += p.gone.has_value();
        came += p.first_tick > stream.first.tick;
    }
    const int64_t pss_delta = static_cast<int64_t>(stream.last.pss) - static_cast<int64_t>(stream.first.pss);
    std::string out = fmt::format("system: processes {} -> {} ({} new, {} gone); their Pss + SwapPss {} -> {} ({})",
                                  stream.first.processes, stream.last.processes, came, gone,
                                  kb_text(stream.first.pss, human), kb_text(stream.last.pss, human),
                                  signed_kb(pss_delta, human));
    if (stream.last.system.total > 0)
        out += fmt::format("; MemAvailable {} -> {} of {}", kb_text(stream.first.system.available, human),
                           kb_text(stream.last.system.available, human),
                           kb_text(stream.last.system.total, human));
    return out + "\n";
}

}  // namespace

std::string render_process_ranking_text(const std::string& origin, const ProcessStream& stream,
                                        const std::vector<ProcessVerdict>& ranked, bool human) {
    std::size_t leaks = 0;
    for (const ProcessVerdict& v : ranked) leaks += v.leak;
    std::string out = fmt::format(
        "{}: {} processes over {} ticks ({}); {}\n", escape_for_terminal(origin),
        stream.processes.size(), stream.ticks,
        format_duration(stream.last.time_ms - stream.first.time_ms),
        leaks == 0 ? std::string("no process grew steadily past its thresholds")
                   : fmt::format("{} leaking, most certain first:", leaks));
    for (const ProcessVerdict& v : ranked) {
        if (!v.leak) break;
        const ProcessSeries& p = *v.process;
        const Verdicts& verdicts = v.verdicts();
        std::string what;
        for (const GroupGrowth& g : verdicts.flagged) {
            if (!what.empty()) what += "; ";
            what += verdict_headline(g, verdicts);  // says the series' shape
        }
        out += fmt::format("  {} {}: {} [{} samples, {} full; trend z {:.1f}{}]\n", p.key(),
                           escape_for_terminal(p.name), what, samples_of(v), p.full_samples,
                           v.certainty, p.gone ? fmt::format(", gone: {}", *p.gone) : std::string());
    }
    return out + system_line(stream, human);
}

namespace {

const ProcessGroupSeries& group_of(const GroupRanking& r, const ProcessVerdict& v) {
    return r.groups[static_cast<std::size_t>(v.process - r.series.data())];
}

// A group whose plain sum grew past the total threshold while its members did not: processes
// came (more workers, a restart that overlapped).
bool grew_by_arrivals(const GroupRanking& r, const ProcessVerdict& v) {
    if (v.leak) return false;
    const ProcessGroupSeries& g = group_of(r, v);
    if (g.came == 0 || g.last_sum <= g.first_sum) return false;
    const uint64_t grown = g.last_sum - g.first_sum;
    return grown >= r.total_threshold.absolute &&
           static_cast<double>(grown) >= r.total_threshold.percent / 100.0 * static_cast<double>(g.first_sum);
}

std::string members_text(const ProcessGroupSeries& g) {
    return fmt::format("{} process{}: {} -> {}, {} came, {} gone", g.processes,
                       g.processes == 1 ? "" : "es", g.first_members, g.last_members, g.came, g.gone);
}

std::string verdicts_text(const Verdicts& verdicts) {
    std::string what;
    for (const GroupGrowth& g : verdicts.flagged) {
        if (!what.empty()) what += "; ";
        what += verdict_headline(g, verdicts);
    }
    return what;
}

// The verdicts of one ranked process or group: group, delta, shape and headline of each.
nlohmann::ordered_json verdicts_json(const Verdicts& verdicts) {
    nlohmann::ordered_json out = nlohmann::ordered_json::array();
    for (const GroupGrowth& g : verdicts.flagged)
        out.push_back({{"group", std::string(group_key(g.group))},
                       {"delta", g.change.delta()},
                       {"shape", g.shape},
                       {"headline", verdict_headline(g, verdicts)}});
    return out;
}

nlohmann::ordered_json group_json(const GroupRanking& r, const ProcessVerdict& v) {
    const ProcessGroupSeries& g = group_of(r, v);
    nlohmann::ordered_json j;
    put_text(j, "group", g.key);
    if (g.uid) j["uid"] = *g.uid;
    j["processes"] = g.processes;
    j["members"] = {{"first", g.first_members}, {"last", g.last_members}, {"came", g.came}, {"gone", g.gone}};
    j["sum"] = {{"first", g.first_sum}, {"last", g.last_sum}};
    j["members_growth"] = g.members_growth;
    j["members_thread_growth"] = g.members_thread_growth;
    j["verdicts"] = verdicts_json(v.verdicts());
    j["certainty"] = v.certainty;
    j["samples"] = v.process->totals.size();
    return j;
}

}  // namespace

std::string render_group_ranking_text(const std::string& origin, const ProcessStream& stream,
                                      const GroupRanking& r, bool human) {
    std::size_t leaks = 0;
    for (const ProcessVerdict& v : r.ranked) leaks += v.leak;
    const std::string_view by = group_by_name(r.by);
    std::string out = fmt::format(
        "{}: {} processes in {} {}{} over {} ticks ({}); {}\n", escape_for_terminal(origin),
        stream.processes.size(), r.groups.size(), by, r.groups.size() == 1 ? "" : "s", stream.ticks,
        format_duration(stream.last.time_ms - stream.first.time_ms),
        leaks == 0 ? fmt::format("no {}'s processes grew steadily past the thresholds", by)
                   : fmt::format("{} growing, most certain first:", leaks));
    for (const ProcessVerdict& v : r.ranked) {
        if (!v.leak) break;
        const ProcessGroupSeries& g = group_of(r, v);
        out += fmt::format("  {} {} ({}): {} [{} samples; trend z {:.1f}]\n", by,
                           escape_for_terminal(g.key), members_text(g), verdicts_text(v.verdicts()),
                           v.process->totals.size(), v.certainty);
    }
    for (const ProcessVerdict& v : r.ranked) {
        if (!grew_by_arrivals(r, v)) continue;
        const ProcessGroupSeries& g = group_of(r, v);
        out += fmt::format("  {} {} ({}): Pss + SwapPss {} -> {} through processes that came; "
                           "its processes' own growth {}: not growth of a process\n",
                           by, escape_for_terminal(g.key), members_text(g), kb_text(g.first_sum, human),
                           kb_text(g.last_sum, human), signed_kb(g.members_growth, human));
    }
    return out + system_line(stream, human);
}

nlohmann::ordered_json group_ranking_to_json(const ProcessStream& stream, const GroupRanking& r) {
    nlohmann::ordered_json leaks = nlohmann::ordered_json::array();
    nlohmann::ordered_json arrivals = nlohmann::ordered_json::array();
    for (const ProcessVerdict& v : r.ranked) {
        if (v.leak) leaks.push_back(group_json(r, v));
        else if (grew_by_arrivals(r, v)) arrivals.push_back(group_json(r, v));
    }
    nlohmann::ordered_json out;
    out["group_by"] = group_by_name(r.by);
    out["groups"] = r.groups.size();
    out["processes"] = stream.processes.size();
    out["ticks"] = stream.ticks;
    out["leaks"] = std::move(leaks);
    out["arrivals"] = std::move(arrivals);
    out["system"] = {{"first", totals_json(stream.first)}, {"last", totals_json(stream.last)}};
    return out;
}

nlohmann::ordered_json process_ranking_to_json(const ProcessStream& stream,
                                               const std::vector<ProcessVerdict>& ranked) {
    nlohmann::ordered_json leaks = nlohmann::ordered_json::array();
    for (const ProcessVerdict& v : ranked) {
        if (!v.leak) break;
        const ProcessSeries& p = *v.process;
        nlohmann::ordered_json j;
        j["pid"] = p.pid;
        j["starttime"] = p.starttime;
        put_text(j, "name", p.name);
        j["verdicts"] = verdicts_json(v.verdicts());
        j["certainty"] = v.certainty;
        j["samples"] = samples_of(v);
        j["full_samples"] = p.full_samples;
        j["gone"] = p.gone ? nlohmann::ordered_json(*p.gone) : nlohmann::ordered_json(nullptr);
        leaks.push_back(std::move(j));
    }
    nlohmann::ordered_json out;
    out["processes"] = stream.processes.size();
    out["ticks"] = stream.ticks;
    out["leaks"] = std::move(leaks);
    out["system"] = {{"first", totals_json(stream.first)}, {"last", totals_json(stream.last)}};
    return out;
}

}  // namespace memsnap
