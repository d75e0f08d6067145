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

// Where the fields memsnap reads sit in an ELF header and a section header (the System V gABI's
// Elf32_Ehdr/Elf32_Shdr and Elf64_Ehdr/Elf64_Shdr).
struct Layout {
    int word;  // bytes of an address or offset: 4 or 8
    std::size_t shoff, shentsize, shnum, shstrndx;  // in the ELF header
    uint64_t section_header_size;  // sizeof(ElfN_Shdr): the table is at most 4096 of them
    std::size_t sh_offset, sh_size;  // in a section header (sh_name is at 0, 4 bytes)
};
constexpr Layout kElf32{4, 0x20, 0x2e, 0x30, 0x32, 40, 0x10, 0x14};
constexpr Layout kElf64{8, 0x28, 0x3a, 0x3c, 0x3e, 64, 0x18, 0x20};

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
    if (std::memcmp(eh, "\x7f" "ELF", 4) != 0) return false;
    if (eh[4] != 1 /* ELFCLASS32 */ && eh[4] != 2 /* ELFCLASS64 */) return false;
    if (eh[5] != 1 && eh[5] != 2) return false;
    const Layout& l = eh[4] == 1 ? kElf32 : kElf64;
    Reader r{eh[5] == 1};
    uint64_t shoff = r.u(eh + l.shoff, l.word);
    uint64_t shentsize = r.u(eh + l.shentsize, 2);
    uint64_t shnum = r.u(eh + l.shnum, 2);
    uint64_t shstrndx = r.u(eh + l.shstrndx, 2);
    if (shoff == 0 || shentsize != l.section_header_size || shnum == 0 || shnum > kMaxSections ||
        shstrndx >= shnum)
        return false;
    std::vector<unsigned char> headers(shnum * shentsize);
    if (!read_at(fd.get(), shoff, headers.data(), headers.size())) return false;
    const unsigned char* strhdr = headers.data() + shstrndx * shentsize;
    uint64_t stroff = r.u(strhdr + l.sh_offset, l.word);
    uint64_t strsize = r.u(strhdr + l.sh_size, l.word);
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
