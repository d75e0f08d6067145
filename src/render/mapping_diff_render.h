#pragma once
// Rendering the mapping diff (diff/mapping_diff.h) under a diff report: which mappings make up
// each flagged group's growth and the total's, as text or as the "mappings" member of the
// diff JSON.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "diff/mapping_diff.h"

namespace memsnap {

struct MappingDiffOrigins {
    std::string before;  // "a.json", "app.ndjson:3": the samples the records came from
    std::string after;
};

// The text block: a blank line, a heading, then per list "native heap +48.0 MiB:" and its
// lines ("+48.0 MiB  3 new 64 MiB glibc arenas", "+2.0 MiB  libfoo.so .bss grown
// 7f3a00000000-7f3a00200000"), sizes in KiB/MiB/GiB, names escaped for the terminal.
std::string render_mapping_diff_text(const MappingDiff& d, const MappingDiffOrigins& origins);

// {"before": origin, "after": origin, "before_mappings": N, "after_mappings": N, "lists": [{
// "group": "native"|"js"|...|"total", "pss_total_delta": kB (Pss + SwapPss), "lines": [{"kind":
// "new"|"grown"|"shrunk"|"vanished", "label", "described", "category", "count",
// "pss_total_delta", "min_bytes", "max_bytes", "start", "end" (hex, when count is 1)}],
// "more_lines", "more_pss_total_delta"}]}; a label or origin that is not UTF-8 as
// formats/json_text.h says ("label_hex").
nlohmann::ordered_json mapping_diff_to_json(const MappingDiff& d,
                                            const MappingDiffOrigins& origins);

// "new", "grown", "shrunk", "vanished" (the JSON's "kind").
std::string_view mapping_kind_key(MappingChangeKind kind);

// What a list is about: "native heap", "JS heap", "graphics memory", "anon", ..., "total".
std::string_view mapping_list_words(const std::optional<Group>& group);

// "+48 MiB: 3 new 64 MiB glibc arenas" without the size in front: the words of one line, the
// label escaped for the terminal (render/terminal_text.h: plain ASCII for any bytes).
std::string mapping_change_words(const MappingChangeLine& line);

}  // namespace memsnap
