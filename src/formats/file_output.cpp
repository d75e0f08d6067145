#include "formats/file_output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <csignal>

#include <cerrno>
#include <cstring>
#include <random>

#include "model/error.h"

namespace memsnap {
namespace {

[[noreturn]] void fail(const std::string& what, const std::string& path, int err) {
    throw Error(ErrorKind::Io, what + " " + path + ": " + std::strerror(err));
}

// Writes all of `data`, retrying on EINTR and short writes. Returns 0 or the errno.
int write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return errno;
        }
        if (n == 0) return EIO;
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return 0;
}

std::string random_suffix() {
    static constexpr char kChars[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    std::random_device rd;
    std::string s;
    for (int i = 0; i < 8; ++i) s += kChars[rd() % (sizeof kChars - 1)];
    return s;
}

// Holds SIGINT, SIGTERM, SIGHUP and SIGQUIT back while it lives, so that a kill arriving during
// a write or fsync acts only once the temporary file is renamed or removed.
class SignalsHeld {
  public:
    SignalsHeld() {
        sigset_t set;
        sigemptyset(&set);
        for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
        ::pthread_sigmask(SIG_BLOCK, &set, &old_);
    }
    ~SignalsHeld() { ::pthread_sigmask(SIG_SETMASK, &old_, nullptr); }
    SignalsHeld(const SignalsHeld&) = delete;
    SignalsHeld& operator=(const SignalsHeld&) = delete;

  private:
    sigset_t old_;
};

class Closer {
  public:
    explicit Closer(int fd) : fd_(fd) {}
    ~Closer() {
        if (fd_ >= 0) ::close(fd_);
    }
    Closer(const Closer&) = delete;
    Closer& operator=(const Closer&) = delete;
    int get() const { return fd_; }
    // Closes now and reports close's error (it may be the first to see a failed write-back).
    int close_now() {
        int rc = ::close(fd_);
        fd_ = -1;
        return rc == 0 ? 0 : errno;
    }

  private:
    int fd_;
};

}  // namespace

void write_file_atomically(const std::string& path, std::string_view content) {
    write_file_atomically(path, content, random_suffix);
}

void write_file_atomically(const std::string& path, std::string_view content,
                           SuffixSource suffix) {
    const std::string what = "cannot write";
    std::size_t slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
    if (base.empty() || base == "." || base == "..") fail(what, path, EISDIR);

    Closer dirfd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirfd.get() < 0) fail(what, path, errno);

    struct stat old {};
    bool exists = ::fstatat(dirfd.get(), base.c_str(), &old, AT_SYMLINK_NOFOLLOW) == 0;
    if (!exists && errno != ENOENT) fail(what, path, errno);
    if (exists && !S_ISREG(old.st_mode))
        throw Error(ErrorKind::Io, what + " " + path +
                                       ": exists and is not a regular file (a symlink, directory "
                                       "or device is never replaced)");

    // O_EXCL: never opens an existing file or follows a symlink planted under the name. The
    // name is ".BASE.tmp.XXXXXXXX", BASE cut so that it stays within NAME_MAX.
    SignalsHeld held;  // a SIGTERM now would leave the temporary file behind
    std::string tmp;
    int fd = -1;
    for (int attempt = 0; attempt < 100 && fd < 0; ++attempt) {
        std::string s = suffix();
        const std::size_t keep = NAME_MAX - 6 - std::min<std::size_t>(s.size(), NAME_MAX / 2);
        // Appended piece by piece: g++ 12 at -O3 raises a false -Wrestrict on "." + string&&.
        tmp.assign(1, '.');
        tmp.append(base, 0, keep).append(".tmp.").append(s);
        fd = ::openat(dirfd.get(), tmp.c_str(),
                      O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
        if (fd < 0 && errno != EEXIST) fail(what, path, errno);
    }
    if (fd < 0) fail(what, path, EEXIST);
    Closer file(fd);
    auto abandon = [&](int err) {
        ::unlinkat(dirfd.get(), tmp.c_str(), 0);
        fail(what, path, err);
    };
    if (exists) {
        if (::fchmod(fd, old.st_mode & 07777) != 0) abandon(errno);
        // Only root may give a file away; for anyone else this fails harmlessly when the owner
        // is someone else, and the file is then theirs, as any rewrite would make it.
        if (::fchown(fd, old.st_uid, old.st_gid) != 0 && errno != EPERM) abandon(errno);
    }
    if (int err = write_all(fd, content)) abandon(err);
    if (::fsync(fd) != 0) abandon(errno);
    if (int err = file.close_now()) abandon(err);
    if (::renameat(dirfd.get(), tmp.c_str(), dirfd.get(), base.c_str()) != 0) abandon(errno);
    // The rename is durable once the directory is: a failure here leaves the new file in place.
    if (::fsync(dirfd.get()) != 0 && errno != EINVAL) fail(what, path, errno);
}

void append_line(const std::string& path, std::string_view line) {
    const std::string what = "cannot append to";
    // Never through a symlink, as -o: one policy for every output file (README "Limits").
    int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW, 0666);
    if (fd < 0 && errno == ELOOP)
        throw Error(ErrorKind::Io, what + " " + path + ": a symbolic link (never followed)");
    if (fd < 0) fail(what, path, errno);
    Closer file(fd);
    struct stat st {};
    if (::fstat(fd, &st) != 0) fail(what, path, errno);
    if (!S_ISREG(st.st_mode)) {
        // A FIFO or terminal: nothing to repair or sync, one write is all we can do.
        if (int err = write_all(fd, line)) fail(what, path, err);
        return;
    }
    std::string data;
    if (st.st_size > 0) {
        // Read the last byte through a separate read-only descriptor (this one is write-only).
        int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY);
        char last = '\n';
        if (rfd >= 0) {
            if (::pread(rfd, &last, 1, st.st_size - 1) != 1) last = '\n';
            ::close(rfd);
        }
        if (last != '\n') data += '\n';
    }
    data += line;
    ssize_t n;
    do {
        n = ::write(fd, data.data(), data.size());
    } while (n < 0 && errno == EINTR);
    if (n < 0) fail(what, path, errno);
    if (static_cast<std::size_t>(n) != data.size()) {
        // Full disk or file size limit: take the partial line back if it is still the tail.
        struct stat now {};
        if (::fstat(fd, &now) == 0 && now.st_size == st.st_size + n)
            (void)::ftruncate(fd, st.st_size);
        throw Error(ErrorKind::Io,
                    what + " " + path + ": short write (disk full or file size limit reached)");
    }
    if (::fsync(fd) != 0 && errno != EINVAL) fail(what, path, errno);
    if (int err = file.close_now()) fail(what, path, err);
}

}  // namespace memsnap
