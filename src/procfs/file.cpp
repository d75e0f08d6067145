#include "procfs/file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "model/error.h"

namespace memsnap {

int open_proc_file(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) throw error_from_errno(errno, "cannot open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw Error(ErrorKind::Malformed, path + ": not a regular file");
    }
    return fd;
}

int open_input_file(const std::string& path) {
    const bool is_stdin = path == "-";
    int fd = is_stdin ? STDIN_FILENO : ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
    if (fd < 0) throw file_error_from_errno(errno, "cannot open", path);
    struct stat st {};
    if (::fstat(fd, &st) != 0) {
        int err = errno;
        if (!is_stdin) ::close(fd);
        throw file_error_from_errno(err, "cannot read", is_stdin ? "standard input" : path);
    }
    const bool piped = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode) || ::isatty(fd) == 1;
    if (S_ISREG(st.st_mode) || (is_stdin && piped)) {
        if (!is_stdin) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) & ~O_NONBLOCK);
        return fd;
    }
    if (!is_stdin) ::close(fd);
    const char* kind = S_ISDIR(st.st_mode)    ? "a directory"
                       : S_ISFIFO(st.st_mode) ? "a FIFO"
                       : S_ISSOCK(st.st_mode) ? "a socket"
                                              : "a device";
    throw Error(ErrorKind::Malformed,
                (is_stdin ? std::string("standard input") : path) + ": " + kind +
                    ", not a file (memsnap reads regular files, and a pipe on standard input)");
}

FdGuard::~FdGuard() {
    if (fd_ >= 0) ::close(fd_);
}

void read_small_file(const std::string& path, std::string& out, std::size_t limit) {
    FdGuard fd(open_proc_file(path));
    out.clear();
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw error_from_errno(errno, "cannot read", path);
        }
        if (n == 0) break;
        if (out.size() + static_cast<std::size_t>(n) > limit) {
            throw Error(ErrorKind::Malformed,
                        path + ": larger than " + std::to_string(limit) + " bytes");
        }
        out.append(buf, static_cast<std::size_t>(n));
    }
}

void read_small_file(const ProcRoot& root, std::string_view path, std::string& out,
                     std::size_t limit) {
    std::unique_ptr<SourceFile> file = root.source().open(path);
    out.clear();
    char buf[8192];
    while (std::size_t n = file->read(buf, sizeof buf)) {
        if (out.size() + n > limit) {
            throw Error(ErrorKind::Malformed,
                        root.display(path) + ": larger than " + std::to_string(limit) + " bytes");
        }
        out.append(buf, n);
    }
}

}  // namespace memsnap
