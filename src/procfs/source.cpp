#include "procfs/source.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <cerrno>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

constexpr long kProcSuperMagic = 0x9fa0;  // linux/magic.h PROC_SUPER_MAGIC

// The files of procfs made by one seq_file record (fs/proc: ONE() and single_open() entries):
// a read hands all of the record that fits the buffer, so a read shorter than asked is the
// end of the file. smaps, maps, vmallocinfo and the like are many records: not these.
bool single_record(std::string_view path) {
    const std::size_t slash = path.rfind('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const std::string_view dir = slash == std::string_view::npos ? "" : path.substr(0, slash);
    for (std::string_view one : {"status", "stat", "statm", "smaps_rollup", "meminfo", "cgroup", "comm"})
        if (name == one) return true;
    return dir.ends_with("/fdinfo") || dir == "fdinfo";
}

class DescriptorFile final : public SourceFile {
public:
    // `single`: a single-record procfs file, whose short read is its end (no read of 0 bytes).
    DescriptorFile(int fd, std::string path, bool single = false)
        : fd_(fd), path_(std::move(path)), single_(single) {}
    std::size_t read(char* buf, std::size_t n) override {
        if (ended_) return 0;
        for (;;) {
            ssize_t got = ::read(fd_.get(), buf, n);
            if (got >= 0) {
                ended_ = single_ && static_cast<std::size_t>(got) < n;
                return static_cast<std::size_t>(got);
            }
            if (errno != EINTR) throw error_from_errno(errno, "cannot read", path_);
        }
    }

private:
    FdGuard fd_;
    std::string path_;
    bool single_ = false;
    bool ended_ = false;
};

class FilesystemSource final : public ProcSource {
public:
    explicit FilesystemSource(std::string dir) : dir_(std::move(dir)) {
        struct statfs fs {};
        procfs_ = ::statfs(dir_.c_str(), &fs) == 0 && fs.f_type == kProcSuperMagic;
    }

    bool is_procfs() const override { return procfs_; }

    std::unique_ptr<SourceFile> open(std::string_view path) const override {
        std::string full = display(path);
        // A procfs mount's single-record files are regular files (no FIFO can be planted
        // there): opened without open_proc_file()'s fstat, read without the read of 0 bytes.
        // Two system calls of the five a file costs, for each of a listing's two files a process.
        if (procfs_ && single_record(path)) {
            int fd = ::open(full.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
            if (fd < 0) throw error_from_errno(errno, "cannot open", full);
            return std::make_unique<DescriptorFile>(fd, std::move(full), true);
        }
        int fd = open_proc_file(full);
        return std::make_unique<DescriptorFile>(fd, std::move(full));
    }

    std::vector<std::string> list(std::string_view path) const override {
        std::string full = display(path);
        DIR* d = ::opendir(full.c_str());
        if (d == nullptr) throw error_from_errno(errno, "cannot list", full);
        std::vector<std::string> names;
        errno = 0;
        while (dirent* e = ::readdir(d)) {
            std::string_view name = e->d_name;
            if (name != "." && name != "..") names.emplace_back(name);
        }
        int err = errno;
        ::closedir(d);
        // A process that exits while a directory of it is listed: readdir fails (ENOENT) or
        // stops early; the callers' check that the process is still alive decides which.
        if (err != 0) throw error_from_errno(err, "cannot list", full);
        return names;
    }

    std::string read_link(std::string_view path) const override {
        std::string full = display(path);
        char buf[PATH_MAX + 1];
        ssize_t n = ::readlink(full.c_str(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINVAL) throw Error(ErrorKind::Malformed, full + ": not a symbolic link");
            throw error_from_errno(errno, "cannot read link", full);
        }
        return std::string(buf, static_cast<std::size_t>(n));
    }

    bool is_dir(std::string_view path) const override {
        struct stat st {};
        std::string full = display(path);
        return ::stat(full.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
    }

    std::optional<std::string> filesystem_path(std::string_view path) const override {
        return display(path);
    }

    std::string display(std::string_view path) const override {
        if (path.empty()) return dir_;
        std::string p = dir_;
        p += '/';
        p += path;
        return p;
    }

private:
    std::string dir_;
    bool procfs_ = false;
};

}  // namespace

std::shared_ptr<const ProcSource> filesystem_source(std::string dir) {
    return std::make_shared<FilesystemSource>(std::move(dir));
}

std::shared_ptr<const ProcSource> open_source(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) throw error_from_errno(errno, "cannot open", path);
    if (S_ISDIR(st.st_mode)) return filesystem_source(path);
    if (S_ISREG(st.st_mode)) return tarball_source(path);
    throw Error(ErrorKind::Usage, path + ": neither a directory nor a tarball");
}

}  // namespace memsnap
