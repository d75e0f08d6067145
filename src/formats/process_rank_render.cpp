#include "formats/process_rank_render.h"

#include <fmt/format.h>

#include "formats/diff_render.h"
#include "formats/json_text.h"
#include "formats/table.h"
#include "formats/terminal_text.h"

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
    std::size_t gone = 0, came = 0;
    for (const ProcessSeries& p : stream.processes) {
        gone += p.gone.has_value();
        came += p.first_tick > stream.first.tick;
    }
    const int64_t pss_delta = static_cast<int64_t>(stream.last.pss) - static_cast<int64_t>(stream.first.pss);
    out += fmt::format("system: processes {} -> {} ({} new, {} gone); their Pss + SwapPss {} -> {} ({})",
                       stream.first.processes, stream.last.processes, came, gone,
                       kb_text(stream.first.pss, human), kb_text(stream.last.pss, human),
                       signed_kb(pss_delta, human));
    if (stream.last.system.total > 0)
        out += fmt::format("; MemAvailable {} -> {} of {}", kb_text(stream.first.system.available, human),
                           kb_text(stream.last.system.available, human),
                           kb_text(stream.last.system.total, human));
    out += "\n";
    return out;
}

nlohmann::ordered_json process_ranking_to_json(const ProcessStream& stream,
                                               const std::vector<ProcessVerdict>& ranked) {
    nlohmann::ordered_json leaks = nlohmann::ordered_json::array();
    for (const ProcessVerdict& v : ranked) {
        if (!v.leak) break;
        const ProcessSeries& p = *v.process;
        nlohmann::ordered_json verdicts = nlohmann::ordered_json::array();
        for (const GroupGrowth& g : v.verdicts().flagged)
            verdicts.push_back({{"group", std::string(group_key(g.group))},
                                {"delta", g.change.delta()},
                                {"shape", g.shape},
                                {"headline", verdict_headline(g, v.verdicts())}});
        nlohmann::ordered_json j;
        j["pid"] = p.pid;
        j["starttime"] = p.starttime;
        put_text(j, "name", p.name);
        j["verdicts"] = std::move(verdicts);
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
