#include "procfs/meminfo.h"

#include <charconv>

#include "model/error.h"
#include "model/mem_usage.h"
#include "procfs/file.h"
#include "procfs/key_value.h"

namespace memsnap {

std::optional<uint64_t> MemInfo::get(std::string_view key) const {
    for (const auto& [k, v] : entries) {
        if (k == key) return v;
    }
    return std::nullopt;
}

MemInfo parse_meminfo(std::string_view text, std::string_view display_name) {
    MemInfo info;
    KeyValueLines lines(text, display_name, "Key: value kB");
    while (lines.next()) {
        std::string_view value = lines.value();
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        uint64_t v = 0;
        auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), v);
        if (ec != std::errc() || ptr == value.data()) lines.fail("expected a number");
        if (v > kMaxCount) lines.fail("number out of range (more than 2^48)");
        // The counters without a unit are the HugePages_* counts; every other one is in kB.
        std::string_view rest(ptr, static_cast<std::size_t>(value.data() + value.size() - ptr));
        const bool count = lines.key().starts_with("HugePages_");
        if (count ? !rest.empty() : rest != " kB")
            lines.fail(count ? "expected a count and nothing after it"
                             : "expected 'kB' after the number (a line cut short?)");
        info.entries.emplace_back(std::string(lines.key()), v);
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
