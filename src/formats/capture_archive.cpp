#include "formats/capture_archive.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <random>

#include "model/error.h"

namespace memsnap {

CaptureArchiveWriter::CaptureArchiveWriter(const std::string& path, bool gzip) : path_(path) {
    if (path == "-") {
        fd_ = STDOUT_FILENO;
    } else {
        std::random_device rd;
        for (int attempt = 0; fd_ < 0; ++attempt) {
            temp_ = path + ".tmp-" + std::to_string(rd() % 1000000);
            fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
            if (fd_ < 0 && (errno != EEXIST || attempt > 20))
                throw Error(ErrorKind::Io, "cannot write " + path + ": " + std::strerror(errno));
        }
    }
    a_ = archive_write_new();
    if (a_ == nullptr) fail("out of memory");
    if (archive_write_set_format_pax_restricted(a_) != ARCHIVE_OK ||
        (gzip && archive_write_add_filter_gzip(a_) != ARCHIVE_OK) ||
        archive_write_set_bytes_in_last_block(a_, 1) != ARCHIVE_OK ||
        archive_write_open_fd(a_, fd_) != ARCHIVE_OK)
        fail(archive_error_string(a_) ? archive_error_string(a_) : "libarchive failed");
}

CaptureArchiveWriter::~CaptureArchiveWriter() {
    if (a_ != nullptr) archive_write_free(a_);
    if (!temp_.empty() && !finished_) {
        if (fd_ >= 0) ::close(fd_);
        ::unlink(temp_.c_str());
    }
}

void CaptureArchiveWriter::fail(const std::string& what) const {
    throw Error(ErrorKind::Io, "cannot write " + path_ + ": " + what);
}

void CaptureArchiveWriter::header(const std::string& path, unsigned type, uint64_t size,
                                  const std::string& link, const CaptureTime& time) {
    archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, path.c_str());
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, type == AE_IFDIR ? 0555 : type == AE_IFLNK ? 0777 : 0444);
    archive_entry_set_size(e, static_cast<la_int64_t>(size));
    if (type == AE_IFLNK) archive_entry_set_symlink(e, link.c_str());
    archive_entry_set_mtime(e, time.wall_ms / 1000, (time.wall_ms % 1000) * 1000000);
    int r = archive_write_header(a_, e);
    archive_entry_free(e);
    if (r != ARCHIVE_OK && r != ARCHIVE_WARN) fail(archive_error_string(a_));
}

void CaptureArchiveWriter::data(const char* p, std::size_t n) {
    while (n > 0) {
        la_ssize_t w = archive_write_data(a_, p, n);
        if (w <= 0) fail(archive_error_string(a_) ? archive_error_string(a_) : "short write");
        p += w;
        n -= static_cast<std::size_t>(w);
    }
}

void CaptureArchiveWriter::add_dir(const std::string& path, const CaptureTime& time) {
    header(path, AE_IFDIR, 0, "", time);
}

void CaptureArchiveWriter::add(const CapturedFile& file) {
    if (file.symlink) {
        header(file.path, AE_IFLNK, 0, file.link, file.time);
        return;
    }
    header(file.path, AE_IFREG, file.data.size(), "", file.time);
    file.data.for_each_piece([&](const char* p, std::size_t n) { data(p, n); });
}

void CaptureArchiveWriter::add_text(const std::string& path, const std::string& text,
                                    const CaptureTime& time) {
    header(path, AE_IFREG, text.size(), "", time);
    data(text.data(), text.size());
}

void CaptureArchiveWriter::finish() {
    if (archive_write_close(a_) != ARCHIVE_OK) fail(archive_error_string(a_));
    if (temp_.empty()) {
        finished_ = true;
        return;
    }
    int synced = ::fsync(fd_);
    int closed = ::close(fd_);
    fd_ = -1;
    if (synced != 0 || closed != 0) fail(std::strerror(errno));
    if (::rename(temp_.c_str(), path_.c_str()) != 0) fail(std::strerror(errno));
    finished_ = true;
}

}  // namespace memsnap
