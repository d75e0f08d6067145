#include "procfs/cgroup.h"

#include "procfs/file.h"

namespace memsnap {

std::string cgroup_path_of(std::string_view text) {
    std::string_view memory;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        std::size_t first = line.find(':');
        std::size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
        if (second == std::string_view::npos) continue;
        std::string_view id = line.substr(0, first);
        std::string_view controllers = line.substr(first + 1, second - first - 1);
        std::string_view path = line.substr(second + 1);
        if (id == "0" && controllers.empty()) return std::string(path);
        // "4:memory:/user.slice" or "7:cpu,memory:/x": the v1 hierarchy that holds `memory`.
        std::string_view rest = controllers;
        while (memory.empty() && !rest.empty()) {
            std::size_t comma = rest.find(',');
            if (rest.substr(0, comma) == "memory") memory = path;
            rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
        }
    }
    return std::string(memory);
}

std::string read_cgroup_path(const ProcRoot& root, int64_t pid) {
    std::string text;
    read_small_file(root, root.pid_path(pid, "cgroup"), text, 64 * 1024);
    return cgroup_path_of(text);
}

}  // namespace memsnap
