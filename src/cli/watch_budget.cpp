#include "cli/watch_budget.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "model/error.h"

namespace memsnap {

int64_t fitting_interval_ms(int64_t cost_ms) {
    const int64_t need = cost_ms + (cost_ms + 3) / 4;
    for (int64_t decade = 10;; decade *= 10) {
        for (int64_t step : {1, 2, 5})
            if (step * decade >= need) return step * decade;
        if (decade > INT64_MAX / 100) return INT64_MAX;
    }
}

double parse_budget(const std::string& text) {
    std::string_view s = text;
    if (!s.empty() && s.back() == '%') s.remove_suffix(1);
    double pct = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), pct);
    if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(pct) || pct <= 0 ||
        pct > 100)
        throw Error(
            ErrorKind::Usage,
            "--budget '" + text + "': a percentage of one CPU above 0 and at most 100 (e.g. 5%)");
    return pct / 100;
}

namespace {
std::string ms_text(int64_t ms) {
    return ms % 1000 == 0 && ms >= 1000 ? fmt::format("{}s", ms / 1000) : fmt::format("{}ms", ms);
}
}  // namespace

std::string OverrunReport::overran(int64_t cost_ms, int64_t missed, bool light, int64_t sample_no) {
    ++overruns_;
    missed_ += missed;
    worst_ms_ = std::max(worst_ms_, cost_ms);
    if (overruns_ > 1) return "";
    return fmt::format(
        "sample {} took {} ms, longer than the {} interval ({} tick(s) skipped; the "
        "cadence is kept, missed ticks are not sampled late). --interval {} fits{}. "
        "Further overruns are counted in the summary.",
        sample_no, cost_ms, ms_text(interval_ms_), missed, ms_text(fitting_interval_ms(cost_ms)),
        light ? ""
              : "; --light reads smaps_rollup only, --budget PCT reads full "
                "smaps only when the rollup moved");
}

std::string OverrunReport::summary(int64_t samples) const {
    if (overruns_ == 0) return "";
    return fmt::format(
        "{} of {} samples overran the {} interval ({} tick(s) skipped; the slowest "
        "took {} ms: --interval {} fits)",
        overruns_, samples, ms_text(interval_ms_), missed_, worst_ms_,
        ms_text(fitting_interval_ms(worst_ms_)));
}

bool SampleBudget::want_full(int64_t tick, int64_t elapsed_ms, const Seen& now) const {
    if (last_full_tick_ < 0) return true;
    if (static_cast<double>(cpu_us_) > fraction_ * static_cast<double>(elapsed_ms) * 1000.0)
        return false;
    const uint64_t moved = now.pss_kb > last_full_.pss_kb ? now.pss_kb - last_full_.pss_kb
                                                          : last_full_.pss_kb - now.pss_kb;
    return moved >= kMoveKb || now.fds != last_full_.fds || now.threads != last_full_.threads ||
           tick - last_full_tick_ >= kEveryTicks;
}

std::string SampleBudget::summary(const std::string& pct_text, int64_t watched_ms,
                                  int64_t interval_ms) const {
    std::string out = fmt::format(
        "--budget {}: {} full reads, {} rollup-only looks; the reads cost {:.1f} % of one CPU over "
        "the watch",
        pct_text, full_reads_, rollup_reads_,
        100.0 * static_cast<double>(cpu_us_) /
            (1000.0 * static_cast<double>(std::max<int64_t>(watched_ms, 1))));
    if (rollup_reads_ > 0) {
        const double look_ms =
            static_cast<double>(look_cpu_us_) / 1000.0 / static_cast<double>(rollup_reads_);
        if (look_ms > fraction_ * static_cast<double>(interval_ms)) {
            const auto fits = static_cast<int64_t>(std::ceil(look_ms / fraction_));
            out += fmt::format(
                " (a rollup look alone costs {:.1f} ms, more than the budget's share of "
                "a {} tick: no room for full reads; --interval {} fits)",
                look_ms, ms_text(interval_ms), ms_text(fitting_interval_ms(fits)));
        }
    }
    return out;
}

void SampleBudget::read_full(int64_t tick, const Seen& seen) {
    ++full_reads_;
    last_full_tick_ = tick;
    last_full_ = seen;
}

SampleBudget::Seen seen_of(const Snapshot& s) {
    return {s.total().pss + s.total().swap_pss, s.fd.num, s.thread.num};
}

}  // namespace memsnap
