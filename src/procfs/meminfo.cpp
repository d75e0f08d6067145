#include "procfs/meminfo.h"

#include <charconv>

#include "model/error.h"
#include "model/mem_usage.h"
#include "procfs/file.h"

namespace memsnap {

std::optional<uint64_t> MemInfo::get(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k == key) return v;
    }
    return std::nullopt;
}

MemInfo parse_meminfo(std::string_view text, std::string_view display_name) {
    MemInfo info;
    uint64_t line_no = 0;
    while (!text.empty()) {
        std::size_t nl = text.find('\n');
        std::string_view line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
        ++line_no;
        if (line.empty()) continue;
        auto fail = [&](const char* what) {
            throw Error(ErrorKind::Malformed, std::string(display_name) + ":" +
                                                  std::to_string(line_no) + ": " + what);
        };
        std::size_t colon = line.find(':');
        if (colon == std::string_view::npos || colon == 0) fail("expected 'Key: value kB'");
        std::string_view value = line.substr(colon + 1);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        uint64_t v = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || ptr == value.data()) fail("expected a number");
        if (v > kMaxCount) fail("number out of range (more than 2^48)");
        // The counters without a unit are the HugePages_* counts; every other one is in kB.
        std::string_view rest(ptr, static_cast<std::size_t>(value.data() + value.size() - ptr));
        const bool count = line.starts_with("HugePages_");
        if (count ? !rest.empty() : rest != " kB")
            fail(count ? "expected a count and nothing after it"
                       : "expected 'kB' after the number (a line cut short?)");
        info.entries.emplace_back(std::string(line.substr(0, colon)), v);
    }
    return info;
}

MemInfo read_meminfo(const ProcRoot& root) {
    std::string text;
    read_small_file(root, "meminfo", text);
    return parse_meminfo(text, root.display("meminfo"));
}

SystemMemory system_memory_of(const MemInfo& info) {
    SystemMemory system;
    system.total = info.get("MemTotal").value_or(0);
    system.free = info.get("MemFree").value_or(0);
    system.available = info.get("MemAvailable").value_or(0);
    return system;
}

SystemMemory read_system_memory(const ProcRoot& root) {
    try {
        return system_memory_of(read_meminfo(root));
    } catch (const Error& e) {
        if (e.kind() != ErrorKind::NotFound) throw;
    }
    return {};
}

}  // namespace memsnap
