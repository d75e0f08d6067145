#pragma once
// Writes `memsnap capture`'s tarball: pax-restricted tar (plain ustar unless a name or link
// needs more), gzip-compressed on request, streamed to a file or standard output through
// libarchive. Files come from model/capture.h; the manifest is the last member.
#include <memory>
#include <string>

#include "model/capture.h"

struct archive;

namespace memsnap {

class CaptureArchiveWriter {
public:
    // `path` "-" is standard output; a file is written under a temporary name beside it and
    // renamed into place by finish(), so a capture cut short never leaves a half archive under
    // the name. Errors: Error(Io, "cannot write PATH: reason").
    CaptureArchiveWriter(const std::string& path, bool gzip);
    ~CaptureArchiveWriter();  // without finish(): the temporary file is removed
    CaptureArchiveWriter(const CaptureArchiveWriter&) = delete;
    CaptureArchiveWriter& operator=(const CaptureArchiveWriter&) = delete;

    void add_dir(const std::string& path, const CaptureTime& time);
    void add(const CapturedFile& file);
    void add_text(const std::string& path, const std::string& text, const CaptureTime& time);
    void finish();

private:
    void header(const std::string& path, unsigned type, uint64_t size, const std::string& link,
                const CaptureTime& time);
    void data(const char* p, std::size_t n);
    [[noreturn]] void fail(const std::string& what) const;

    std::string path_;
    std::string temp_;  // the file being written, renamed to path_ by finish()
    int fd_ = -1;
    struct archive* a_ = nullptr;
    bool finished_ = false;
};

}  // namespace memsnap
