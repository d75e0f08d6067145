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
