#include "render/mapping_diff_render.h"

#include <fmt/format.h>

#include <iterator>

#include "formats/json_text.h"
#include "render/terminal_text.h"

namespace memsnap {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;
constexpr uint64_t kGiB = 1024 * kMiB;

// A mapping's size: "64 MiB", "256 KiB", "1.5 MiB".
std::string size_words(uint64_t bytes) {
    auto unit = [&](uint64_t u, const char* name) {
        if (bytes % u == 0) return fmt::format("{} {}", bytes / u, name);
        return fmt::format("{:.1f} {}", static_cast<double>(bytes) / static_cast<double>(u), name);
    };
    if (bytes >= kGiB) return unit(kGiB, "GiB");
    if (bytes >= kMiB) return unit(kMiB, "MiB");
    if (bytes >= kKiB) return unit(kKiB, "KiB");
    return fmt::format("{} B", bytes);
}

// A Pss change in kB: "+48.0 MiB", "-512 KiB".
std::string signed_kb(int64_t kb) {
    const uint64_t mag = kb < 0 ? static_cast<uint64_t>(-kb) : static_cast<uint64_t>(kb);
    std::string s = mag < 1024 ? fmt::format("{} KiB", mag)
                    : mag < 1024 * 1024
                        ? fmt::format("{:.1f} MiB", static_cast<double>(mag) / 1024.0)
                        : fmt::format("{:.2f} GiB", static_cast<double>(mag) / (1024.0 * 1024.0));
    return fmt::format("{}{}", kb < 0 ? '-' : '+', s);
}

}  // namespace

std::string_view mapping_list_words(const std::optional<Group>& g) {
    if (!g) return "total";
    switch (*g) {
        case Group::Native:
            return "native heap";
        case Group::Js:
            return "JS heap";
        case Group::Graphics:
            return "graphics memory";
        default:
            return group_key(*g);
    }
}

std::string_view mapping_kind_key(MappingChangeKind k) {
    switch (k) {
        case MappingChangeKind::New:
            return "new";
        case MappingChangeKind::Grown:
            return "grown";
        case MappingChangeKind::Shrunk:
            return "shrunk";
        case MappingChangeKind::Vanished:
            return "vanished";
    }
    return "";
}

std::string mapping_change_words(const MappingChangeLine& l) {
    const std::string label = escape_for_terminal(l.label);
    const std::string sizes = l.min_bytes == l.max_bytes
                                  ? size_words(l.max_bytes)
                                  : size_words(l.min_bytes) + " to " + size_words(l.max_bytes);
    const std::string range = fmt::format("{:x}-{:x}", l.start, l.end);
    const bool one = l.count == 1;
    switch (l.kind) {
        case MappingChangeKind::New:
        case MappingChangeKind::Vanished: {
            std::string_view kind = mapping_kind_key(l.kind);
            if (one) return fmt::format("{} {} {}  {}", kind, sizes, label, range);
            if (l.described) return fmt::format("{} {} {} {}s", l.count, kind, sizes, label);
            return fmt::format("{} {} {} mappings of {}", l.count, kind, sizes, label);
        }
        case MappingChangeKind::Grown:
        case MappingChangeKind::Shrunk: {
            std::string_view verb = l.kind == MappingChangeKind::Grown ? "grown" : "shrunk";
            if (one) return fmt::format("{} {} (now {})  {}", label, verb, sizes, range);
            return fmt::format("{} {} {} ({} mappings)", label, l.described ? "pieces" : "mappings",
                               verb, l.count);
        }
    }
    return label;
}

std::string render_mapping_diff_text(const MappingDiff& d, const MappingDiffOrigins& origins) {
    std::string out;
    auto it = std::back_inserter(out);
    fmt::format_to(it, "\nmappings behind the growth (Pss + SwapPss; {} -> {} mappings, {} -> {}):\n",
                   d.before_mappings, d.after_mappings, escape_for_terminal(origins.before),
                   escape_for_terminal(origins.after));
    for (const MappingGroupDiff& g : d.groups) {
        fmt::format_to(it, "  {} {}:\n", mapping_list_words(g.group), signed_kb(g.pss_total_delta));
        if (g.lines.empty()) out += "    no mapping changed\n";
        for (const MappingChangeLine& l : g.lines)
            fmt::format_to(it, "    {:>11}  {}\n", signed_kb(l.pss_total_delta), mapping_change_words(l));
        if (g.more_lines != 0)
            fmt::format_to(it, "    {:>11}  {} more line{}\n", signed_kb(g.more_pss_total_delta),
                           g.more_lines, g.more_lines == 1 ? "" : "s");
    }
    return out;
}

nlohmann::ordered_json mapping_diff_to_json(const MappingDiff& d,
                                            const MappingDiffOrigins& origins) {
    using oj = nlohmann::ordered_json;
    oj lists = oj::array();
    for (const MappingGroupDiff& g : d.groups) {
        oj lines = oj::array();
        for (const MappingChangeLine& l : g.lines) {
            oj j{{"kind", mapping_kind_key(l.kind)}};
            put_text(j, "label", l.label);  // a name: any bytes (json_text.h)
            j.update(oj{{"described", l.described}, {"category", category_info(l.category).key},
                        {"count", l.count},         {"pss_total_delta", l.pss_total_delta},
                        {"min_bytes", l.min_bytes}, {"max_bytes", l.max_bytes}});
            if (l.count == 1) {
                j["start"] = fmt::format("{:x}", l.start);
                j["end"] = fmt::format("{:x}", l.end);
            }
            lines.push_back(std::move(j));
        }
        lists.push_back(oj{{"group", g.group ? group_key(*g.group) : std::string_view("total")},
                           {"pss_total_delta", g.pss_total_delta},
                           {"lines", std::move(lines)},
                           {"more_lines", g.more_lines},
                           {"more_pss_total_delta", g.more_pss_total_delta}});
    }
    oj out = oj::object();
    put_text(out, "before", origins.before);
    put_text(out, "after", origins.after);
    out.update(oj{{"before_mappings", d.before_mappings},
              {"after_mappings", d.after_mappings},
                  {"lists", std::move(lists)}});
    return out;
}

}  // namespace memsnap
