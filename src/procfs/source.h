#pragma once
// Where the procfs readers read from (DESIGN.md section 2): the live /proc or a directory tree
// laid out like it (the filesystem), or a tarball (`memsnap capture`'s or smemcap's) read in
// place, never unpacked. Paths are relative to the root ("42/smaps", "meminfo"); no reader knows
// which kind it reads.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/capture_manifest.h"

namespace memsnap {

// One open file of a source. read() hands over at most `n` bytes, 0 at the end; it throws
// Error (Io for a failed read, Malformed for a corrupt or truncated archive).
class SourceFile {
public:
    virtual ~SourceFile() = default;
    virtual std::size_t read(char* buf, std::size_t n) = 0;
};

// What a source says about the moment and machine its files come from. `time_source` names
// where the time came from ("capture manifest", "archive mtime"); empty for a live read.
struct SourceOrigin {
    std::string host;
    std::string time_source;
    std::optional<int64_t> archive_time_ms;  // one time for every file (smemcap: archive mtime)
};

class ProcSource {
public:
    virtual ~ProcSource() = default;
    // Opens the regular file at `path`. Throws Error: NotFound when there is none, Malformed
    // when it is not a regular file (a FIFO planted in a tree must never block us), Permission
    // or Io from the system.
    virtual std::unique_ptr<SourceFile> open(std::string_view path) const = 0;
    // The names in directory `path` ("" is the root), without "." and "..", in no order.
    // Errors as open(); NotFound also for a path that is not a directory.
    virtual std::vector<std::string> list(std::string_view path) const = 0;
    // The target of the symbolic link at `path`. NotFound when absent, Malformed when it is
    // not a symbolic link.
    virtual std::string read_link(std::string_view path) const = 0;
    virtual bool is_dir(std::string_view path) const = 0;
    // `path` as messages show it: "/proc/42/smaps", "cap.tar:42/smaps".
    virtual std::string display(std::string_view path) const = 0;
    // When the file at `path` was captured, if the source knows (a capture's manifest).
    virtual std::optional<CaptureTime> capture_time(std::string_view) const { return {}; }
    virtual SourceOrigin origin() const { return {}; }
    // The file's own path for what needs random access (an executable's ELF headers), when the
    // source is the filesystem; nullopt inside a tarball (a capture holds no executables).
    virtual std::optional<std::string> filesystem_path(std::string_view) const { return {}; }
    // False when reading from several threads at once would be slower than from one: a
    // tarball streams its large members from one forward cursor, in archive order.
    virtual bool reads_in_parallel() const { return true; }
    // True when the root is a procfs mount (statfs: PROC_SUPER_MAGIC), the live /proc or another
    // mount of it: its files are the kernel's, made anew at each read; never a captured tree.
    virtual bool is_procfs() const { return false; }
};

// The filesystem under `dir` (the live /proc, or a tree copied from one).
std::shared_ptr<const ProcSource> filesystem_source(std::string dir);

// The tar archive at `path` (plain or gzip-compressed: libarchive tells by content), or a
// smemcap tarball. Reads the archive's headers once (bounded: members, sizes, paths are checked;
// Error(Malformed, "ARCHIVE: member 'M': what is wrong") for a truncated or corrupt archive,
// '..' or absolute paths, symbolic links leading outside, duplicates, oversized members).
std::shared_ptr<const ProcSource> tarball_source(const std::string& path);

// A directory is read through the filesystem, a regular file as a tarball. NotFound when
// `path` does not exist.
std::shared_ptr<const ProcSource> open_source(const std::string& path);

}  // namespace memsnap
