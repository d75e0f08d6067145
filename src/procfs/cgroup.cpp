#include "procfs/cgroup.h"

#include <optional>

#include "procfs/file.h"

namespace memsnap {

void for_each_cgroup_line(std::string_view text, FunctionRef<bool(const CgroupLine&)> on_line) {
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        std::size_t first = line.find(':');
        std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        const CgroupLine l{line.substr(0, first), line.substr(first + 1, second - first - 1),
                           line.substr(second + 1)};
        if (!on_line(l)) return;
    }
}

std::string cgroup_path_of(std::string_view text) {
    std::optional<std::string_view> unified;
    std::string_view memory;
    for_each_cgroup_line(text, [&](const CgroupLine& l) {
        if (l.id == "0" && l.controllers.empty()) {
            unified = l.path;
            return false;
        }
        // "4:memory:/user.slice" or "7:cpu,memory:/x": the v1 hierarchy that holds `memory`.
        std::string_view rest = l.controllers;
        while (memory.empty() && !rest.empty()) {
            std::size_t comma = rest.find(',');
            if (rest.substr(0, comma) == "memory") memory = l.path;
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
        return true;
    });
    return std::string(unified.value_or(memory));
}

std::string read_cgroup_path(const ProcRoot& root, int64_t pid) {
    std::string text;
    read_small_file(root, root.pid_path(pid, "cgroup"), text, 64 * 1024);
    return cgroup_path_of(text);
}

}  // namespace memsnap
