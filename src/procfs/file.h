#pragma once
// Opening and slurping the small text files of /proc (status, stat, meminfo, fdinfo, comm), on
// the filesystem or through a ProcRoot's source (procfs/source.h).
#include <cstddef>
#include <string>
#include <string_view>

#include "procfs/process.h"

namespace memsnap {

// Opens `path` read-only for procfs-style reading. Refuses anything but a regular file (a FIFO
// planted in a captured tree must never block us). Throws Error from the errno (NotFound,
// Permission, Io) or Malformed for a non-regular file. Returns the descriptor.
int open_proc_file(const std::string& path);

// Opens a file the user named as input (a diff input, --smaps FILE), "-" for standard input.
// Only a regular file is read, or on standard input also a pipe, socket or terminal: a FIFO
// (which may never see a writer), a device (/dev/zero never ends) or a directory is
// Error(Malformed, "PATH: a directory/FIFO/device, not a file ..."); the open never blocks.
// Open errors are Error(Io, "cannot open PATH: reason"), never process errors.
// Returns the descriptor, blocking; STDIN_FILENO for "-" (not to be closed).
int open_input_file(const std::string& path);

// Owns a descriptor; closes it on destruction.
class FdGuard {
public:
    explicit FdGuard(int fd) : fd_(fd) {}
    ~FdGuard();
    FdGuard(const FdGuard&) = delete;
    FdGuard& operator=(const FdGuard&) = delete;
    int get() const { return fd_; }

private:
    int fd_;
};

// Reads all of a small file (at most `limit` bytes, else Malformed "larger than ...") into
// `out`, replacing its content. Errors as open_proc_file, plus Io for read failures.
void read_small_file(const std::string& path, std::string& out, std::size_t limit = 1 << 20);
// The same through `root`'s source, `path` relative to the root; messages name
// root.display(path).
void read_small_file(const ProcRoot& root, std::string_view path, std::string& out,
                     std::size_t limit = 1 << 20);

}  // namespace memsnap
