#pragma once
// Wall-clock text for a person: a Unix time in ms, in the local time zone (the TZ variable, else
// /etc/localtime, as localtime_r(3) reads them), and the name of that zone ("UTC+01:00 (CET)").
// Used by the chart's time axis and the report. Returns "" for a time the C library cannot convert.
#include <cstdint>
#include <string>

namespace memsnap {

// strftime(3) of `ms` in local time with `format` (e.g. "%H:%M:%S").
std::string local_time_text(int64_t ms, const char* format);

// The local zone in force at `ms`: "UTC+05:30 (IST)", "UTC-08:00 (PST)"; "UTC" for UTC itself;
// the offset alone when the zone's abbreviation is itself numeric (tzdata's "+0530" style).
std::string local_zone_text(int64_t ms);

}  // namespace memsnap
