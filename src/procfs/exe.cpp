#include "procfs/exe.h"

#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

constexpr std::size_t kMaxSections = 4096;
constexpr uint64_t kSectionHeaderSize = 64;  // sizeof(Elf64_Shdr): the table is at most 256 KiB
constexpr uint64_t kMaxNameTable = 1 << 20;

// Reads exactly `n` bytes at `off`; false on a short read or an error.
bool read_at(int fd, uint64_t off, void* buf, std::size_t n) {
    auto* p = static_cast<unsigned char*>(buf);
    while (n > 0) {
        ssize_t got = pread(fd, p, n, static_cast<off_t>(off));
        if (got <= 0) return false;
        p += got;
        off += static_cast<uint64_t>(got);
        n -= static_cast<std::size_t>(got);
    }
    return true;
}

struct Reader {
    bool little;
    uint64_t u(const unsigned char* p, int bytes) const {
        uint64_t v = 0;
        for (int i = 0; i < bytes; ++i) {
            int idx = little ? bytes - 1 - i : i;
            v = (v << 8) | p[idx];
        }
        return v;
    }
};

}  // namespace

bool elf_has_section(const std::string& path, std::string_view section) {
    int raw;
    try {
        raw = open_proc_file(path);
    } catch (const Error&) {
        return false;
    }
    FdGuard fd(raw);
    unsigned char eh[64];
    if (!read_at(fd.get(), 0, eh, sizeof eh)) return false;
    if (std::memcmp(eh, "\x7f" "ELF", 4) != 0 || eh[4] != 2 /* ELFCLASS64 */) return false;
    if (eh[5] != 1 && eh[5] != 2) return false;
    Reader r{eh[5] == 1};
    uint64_t shoff = r.u(eh + 0x28, 8);
    uint64_t shentsize = r.u(eh + 0x3a, 2);
    uint64_t shnum = r.u(eh + 0x3c, 2);
    uint64_t shstrndx = r.u(eh + 0x3e, 2);
    if (shoff == 0 || shentsize != kSectionHeaderSize || shnum == 0 || shnum > kMaxSections ||
        shstrndx >= shnum)
        return false;
    std::vector<unsigned char> headers(shnum * shentsize);
    if (!read_at(fd.get(), shoff, headers.data(), headers.size())) return false;
    const unsigned char* strhdr = headers.data() + shstrndx * shentsize;
    uint64_t stroff = r.u(strhdr + 0x18, 8);
    uint64_t strsize = r.u(strhdr + 0x20, 8);
    if (strsize == 0 || strsize > kMaxNameTable) return false;
    std::vector<char> names(strsize);
    if (!read_at(fd.get(), stroff, names.data(), names.size())) return false;
    for (uint64_t i = 0; i < shnum; ++i) {
        uint64_t name = r.u(headers.data() + i * shentsize, 4);
        if (name >= strsize) continue;
        std::size_t max = static_cast<std::size_t>(strsize - name);
        std::string_view s(names.data() + name, strnlen(names.data() + name, max));
        if (s == section) return true;
    }
    return false;
}

}  // namespace memsnap
