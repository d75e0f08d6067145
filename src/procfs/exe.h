#pragma once
// Reads the section headers of a process's executable (<pid>/exe, an ELF file) to recognise a Go
// binary by its .go.buildinfo section. Bounded reads: the ELF header, the section header table
// (at most 4096 entries of 40 or 64 bytes) and the section name table (at most 1 MiB).
#include <string>
#include <string_view>

namespace memsnap {

// True when the ELF file at `path` (32- or 64-bit, either byte order: a Go binary for armhf is
// ELF32) has a section named `section`. False when it is not readable, not a regular file, not
// ELF, or malformed: the caller only loses a hint, so no error is thrown.
bool elf_has_section(const std::string& path, std::string_view section);

}  // namespace memsnap
