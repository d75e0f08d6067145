#include "procfs/fd.h"

#include <stdint.h>

#include <algorithm>
#include <cerrno>

#include "model/error.h"
#include "model/mem_usage.h"
#include "procfs/file.h"
#include "procfs/key_value.h"

namespace memsnap {
namespace {

struct Region {
    std::string name;
    std::optional<uint64_t> total;   // drm-total-R
    std::optional<uint64_t> memory;  // drm-memory-R
};

}  // namespace

std::vector<OpenFd> read_fd_links(const ProcRoot& root, const std::string& dir,
                                  const std::vector<int64_t>& fds) {
    std::vector<OpenFd> out;
    out.reserve(fds.size());
    std::string path;
    for (int64_t fd : fds) {
        path = dir;
        path += '/';
        path += std::to_string(fd);
        OpenFd f;
        try {
            f.target = root.source().read_link(path);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::NotFound) continue;  // closed since readdir
            throw;
        }
        f.fd = fd;
        f.type = fd_type_of_link(f.target);
        out.push_back(std::move(f));
    }
    return out;
}

std::vector<OpenFd> read_fd_table(const ProcRoot& root, int64_t pid) {
    std::string dir = root.pid_path(pid, "fd");
    std::vector<int64_t> fds;
    for (const std::string& name : root.source().list(dir)) {
        uint64_t n = 0;
        if (!parse_decimal(name, n) || n > INT32_MAX)
            throw Error(ErrorKind::Malformed, root.display(dir) + ": entry '" + name +
                                                  "' is not a descriptor number");
        fds.push_back(static_cast<int64_t>(n));
    }
    std::sort(fds.begin(), fds.end());
    return read_fd_links(root, dir, fds);
}

std::optional<uint64_t> parse_drm_size(std::string_view value) {
    value = trim_blanks(value);
    std::size_t digits = 0;
    while (digits < value.size() && value[digits] >= '0' && value[digits] <= '9') ++digits;
    uint64_t n = 0;
    if (!parse_decimal(value.substr(0, digits), n)) return std::nullopt;
    std::string_view unit = trim_blanks(value.substr(digits));
    uint64_t mult = 1;
    if (unit == "KiB")
        mult = 1024;
    else if (unit == "MiB")
        mult = 1024 * 1024;
    else if (!unit.empty())
        return std::nullopt;
    if (n > kMaxCount * 1024 / mult) return std::nullopt;  // 2^48 kB: model/mem_usage.h
    return n * mult;
}

FdInfo parse_fdinfo(std::string_view text, std::string_view display_name) {
    FdInfo info;
    std::vector<Region> regions;
    auto region = [&](std::string_view name) -> Region& {
        for (Region& r : regions)
            if (r.name == name) return r;
        regions.push_back(Region{std::string(name), {}, {}});
        return regions.back();
    };
    KeyValueLines lines(text, display_name, "key: value");
    while (lines.next()) {
        std::string_view key = lines.key();
        std::string_view value = trim_blanks(lines.value());
        auto number = [&](std::optional<uint64_t>& out) {
            uint64_t n = 0;
            if (!parse_decimal(value, n))
                lines.fail(std::string(key) + ": expected a number, got '" + std::string(value) +
                           "'");
            out = n;
        };
        auto drm_size = [&]() {
            std::optional<uint64_t> n = parse_drm_size(value);
            if (!n)
                lines.fail(std::string(key) + ": expected a number of bytes, KiB or MiB, got '" +
                           std::string(value) + "'");
            return *n;
        };
        if (key == "ino") {
            number(info.ino);
        } else if (key == "size") {
            number(info.size);
            if (*info.size > kMaxCount * 1024) lines.fail("size: more than 2^58 bytes");
        } else if (key == "exp_name") {
            info.exp_name = std::string(value);
        } else if (key.starts_with("drm-")) {
            info.drm = true;
            if (key == "drm-driver") {
                info.drm_driver = std::string(value);
            } else if (key == "drm-pdev") {
                info.drm_pdev = std::string(value);
            } else if (key == "drm-client-id") {
                info.drm_client_id = std::string(value);
            } else if (key.starts_with("drm-total-")) {
                region(key.substr(10)).total = drm_size();
            } else if (key.starts_with("drm-memory-")) {
                region(key.substr(11)).memory = drm_size();
            } else if (key.starts_with("drm-resident-")) {
                info.drm_resident += drm_size();
                if (info.drm_resident > kMaxCount * 1024) lines.fail("drm-resident-* add up past 2^58 bytes");
            }
        }
    }
    for (const Region& r : regions) {
        info.drm_total += r.total.value_or(r.memory.value_or(0));
        if (info.drm_total > kMaxCount * 1024)
            throw Error(ErrorKind::Malformed, std::string(display_name) +
                                                  ": drm-total-* add up past 2^58 bytes");
    }
    return info;
}

FdInfo read_fdinfo(const ProcRoot& root, std::string_view path) {
    std::string text;
    read_small_file(root, path, text, 64 * 1024);
    return parse_fdinfo(text, root.display(path));
}

}  // namespace memsnap
