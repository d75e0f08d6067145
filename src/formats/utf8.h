#pragma once
// One UTF-8 rule shared by the JSON writers (formats/json_text.h) and the series scanner
// (formats/series_scan.h): where a well-formed sequence ends (RFC 3629).
#include <cstddef>
#include <string_view>

namespace memsnap {

// Length of the well-formed UTF-8 sequence that starts at s[i] (1 for ASCII), 0 when none does:
// no overlong forms, surrogates or values past U+10FFFF, nothing cut by the end of `s`.
std::size_t utf8_sequence_length(std::string_view s, std::size_t i);

}  // namespace memsnap
