#include "procfs/source.h"

#include <dirent.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

class DescriptorFile final : public SourceFile {
public:
    DescriptorFile(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
    std::size_t read(char* buf, std::size_t n) override {
        for (;;) {
            ssize_t got = ::read(fd_.get(), buf, n);
            if (got >= 0) return static_cast<std::size_t>(got);
            if (errno != EINTR) throw error_from_errno(errno, "cannot read", path_);
        }
    }

private:
    FdGuard fd_;
    std::string path_;
};

class FilesystemSource final : public ProcSource {
public:
    explicit FilesystemSource(std::string dir) : dir_(std::move(dir)) {}

    std::unique_ptr<SourceFile> open(std::string_view path) const override {
        std::string full = display(path);
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
