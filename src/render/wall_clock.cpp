#include "render/wall_clock.h"

#include <time.h>

#include <cstdlib>
#include <fmt/format.h>

namespace memsnap {
namespace {

bool local_tm(int64_t ms, struct tm& tm) {
    // Floor, so that a time before 1970 with milliseconds falls in the right second.
    const time_t t = static_cast<time_t>(ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000));
    return ::localtime_r(&t, &tm) != nullptr;
}

}  // namespace

std::string local_time_text(int64_t ms, const char* format) {
    struct tm tm {};
    if (!local_tm(ms, tm)) return "";
    char buf[96];
    return std::string(buf, std::strftime(buf, sizeof buf, format, &tm));
}

std::string local_zone_text(int64_t ms) {
    struct tm tm {};
    if (!local_tm(ms, tm)) return "";
    const long off = tm.tm_gmtoff;  // seconds east of UTC (glibc, musl, the BSDs)
    const long mag = std::labs(off);
    const std::string name = tm.tm_zone ? tm.tm_zone : "";
    if (off == 0 && (name == "UTC" || name == "GMT" || name == "Z" || name.empty())) return "UTC";
    std::string offset = fmt::format("UTC{}{:02}:{:02}", off < 0 ? '-' : '+', mag / 3600, mag / 60 % 60);
    if (mag % 60 != 0) offset += fmt::format(":{:02}", mag % 60);
    if (name.empty() || name[0] == '+' || name[0] == '-') return offset;
    return offset + " (" + name + ")";
}

}  // namespace memsnap
