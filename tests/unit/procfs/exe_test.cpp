// The bounded ELF section reader (procfs/exe): finds a named section, refuses what is not a
// plain ELF32 or ELF64 section table. The files are built here byte by byte from the gABI
// layouts (Elf64_Ehdr: e_shoff at 0x28, e_shentsize 0x3a, e_shnum 0x3c, e_shstrndx 0x3e;
// Elf64_Shdr 64 bytes: sh_name at 0, sh_offset at 0x18, sh_size at 0x20. Elf32_Ehdr: e_shoff at
// 0x20 (4 bytes), e_shentsize 0x2e, e_shnum 0x30, e_shstrndx 0x32; Elf32_Shdr 40 bytes: sh_name
// at 0, sh_offset at 0x10, sh_size at 0x14, 4 bytes each).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "procfs/exe.h"

using namespace memsnap;

namespace {

void put(std::vector<unsigned char>& b, std::size_t at, uint64_t v, int bytes) {
    for (int i = 0; i < bytes; ++i) b[at + i] = static_cast<unsigned char>(v >> (8 * i));
}

// A little-endian ELF file (ELFCLASS64, or ELFCLASS32 when `bits` is 32) with three sections
// (null, .shstrtab, `name`), whose section headers are `entsize` bytes apart.
std::vector<unsigned char> elf_with(const std::string& name, uint64_t entsize, int bits = 64) {
    const bool b32 = bits == 32;
    const int word = b32 ? 4 : 8;
    const std::string strtab = std::string("\0.shstrtab\0", 11) + name + '\0';
    const std::size_t stroff = 64, shoff = 256;
    std::vector<unsigned char> b(shoff + 3 * entsize, 0);
    b[0] = 0x7f, b[1] = 'E', b[2] = 'L', b[3] = 'F', b[4] = b32 ? 1 : 2, b[5] = 1 /* LE */;
    b[6] = 1;
    for (std::size_t i = 0; i < strtab.size(); ++i) b[stroff + i] = strtab[i];
    put(b, b32 ? 0x20 : 0x28, shoff, word);
    put(b, b32 ? 0x2e : 0x3a, entsize, 2);
    put(b, b32 ? 0x30 : 0x3c, 3, 2);
    put(b, b32 ? 0x32 : 0x3e, 1, 2);
    // Section 1: .shstrtab (name at 1), section 2: `name` (name at 11).
    put(b, shoff + entsize + 0, 1, 4);
    put(b, shoff + entsize + (b32 ? 0x10 : 0x18), stroff, word);
    put(b, shoff + entsize + (b32 ? 0x14 : 0x20), strtab.size(), word);
    put(b, shoff + 2 * entsize + 0, 11, 4);
    return b;
}

std::string write_temp(const std::vector<unsigned char>& bytes) {
    char path[] = "/tmp/memsnap-exe-test-XXXXXX";
    int fd = mkstemp(path);
    REQUIRE(fd >= 0);
    close(fd);
    std::ofstream(path, std::ios::binary)
        .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
    return path;
}

}  // namespace

TEST_CASE("an ELF64 file's section is found by name, and only that name") {
    std::string p = write_temp(elf_with(".go.buildinfo", 64));
    CHECK(elf_has_section(p, ".go.buildinfo"));
    CHECK(elf_has_section(p, ".shstrtab"));
    CHECK_FALSE(elf_has_section(p, ".go.buildinf"));
    CHECK_FALSE(elf_has_section(p, ".text"));
    unlink(p.c_str());
}

TEST_CASE("a section header size other than 64 bytes is refused, not allocated") {
    // The same table with headers 4096 bytes apart is self-consistent: a reader that trusts
    // e_shentsize finds the section (and would allocate up to 65535 x 4096 bytes for it).
    std::string p = write_temp(elf_with(".go.buildinfo", 4096));
    CHECK_FALSE(elf_has_section(p, ".go.buildinfo"));
    unlink(p.c_str());
    std::string q = write_temp(elf_with(".go.buildinfo", 32));
    CHECK_FALSE(elf_has_section(q, ".go.buildinfo"));
    unlink(q.c_str());
}

TEST_CASE("an ELF32 file (a Go binary for armhf) is read by its own layout") {
    std::string p = write_temp(elf_with(".go.buildinfo", 40, 32));
    CHECK(elf_has_section(p, ".go.buildinfo"));
    CHECK_FALSE(elf_has_section(p, ".text"));
    unlink(p.c_str());
    // ELF32 headers 64 bytes apart (the ELF64 size) are refused like any other wrong size.
    std::string q = write_temp(elf_with(".go.buildinfo", 64, 32));
    CHECK_FALSE(elf_has_section(q, ".go.buildinfo"));
    unlink(q.c_str());
}

TEST_CASE("what is not an ELF file is not read as one") {
    std::vector<unsigned char> b = elf_with(".go.buildinfo", 64);
    b[4] = 3;  // no such ELF class
    std::string p = write_temp(b);
    CHECK_FALSE(elf_has_section(p, ".go.buildinfo"));
    unlink(p.c_str());
    b[4] = 1;  // ELFCLASS32 with an ELF64 table: its fields are read where ELF32 has them
    std::string r = write_temp(b);
    CHECK_FALSE(elf_has_section(r, ".go.buildinfo"));
    unlink(r.c_str());
    std::string q = write_temp(std::vector<unsigned char>(10, 0x7f));  // shorter than a header
    CHECK_FALSE(elf_has_section(q, ".go.buildinfo"));
    unlink(q.c_str());
    CHECK_FALSE(elf_has_section("/nonexistent/memsnap-exe", ".go.buildinfo"));
}
