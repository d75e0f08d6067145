#pragma once
// LineReader: the lines of a file or standard input (a pipe too), read through one reused
// buffer, for the series readers (formats/series.h, formats/process_stream.h). A line longer
// than kMaxSnapshotTextBytes is Error(Malformed, "FILE:N: ..."): memory stays bounded.
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <string>
#include <string_view>

#include "formats/snapshot_source.h"
#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {

class LineReader {
public:
    explicit LineReader(const std::string& path)
        : name_(path == "-" ? "<stdin>" : path), fd_(open_input_file(path)), owned_(path != "-") {}
    ~LineReader() {
        if (owned_) ::close(fd_);
    }
    LineReader(const LineReader&) = delete;
    LineReader& operator=(const LineReader&) = delete;

    // The next line without its newline (and CR); false at the end.
    bool next(std::string_view& line) {
        std::size_t scanned = start_;
        for (;;) {
            std::size_t nl = buf_.find('\n', scanned);
            if (nl != std::string::npos) {
                std::size_t begin = start_;
                start_ = nl + 1;
                return give(line, begin, nl);
            }
            if (buf_.size() - start_ > kMaxSnapshotTextBytes)
                throw malformed_line(name_, line_no_ + 1,
                                     "a line longer than 32 MiB, not a snapshot");
            if (eof_) {
                if (start_ == buf_.size()) return false;
                std::size_t begin = start_;
                start_ = buf_.size();
                return give(line, begin, buf_.size());
            }
            buf_.erase(0, start_);  // only when the buffer holds no whole line: amortised
            start_ = 0;
            scanned = buf_.size();
            fill();
        }
    }
    // Everything not read yet (bounded like one line: a document read whole).
    void rest(std::string& out) {
        std::string_view line;
        while (next(line)) {
            out.append(line);
            out += '\n';
            if (out.size() > kMaxSnapshotTextBytes)
                throw Error(ErrorKind::Malformed,
                            name_ + ": larger than 32 MiB, more than memsnap reads whole (a long "
                                    "series is NDJSON, one snapshot per line)");
        }
    }
    uint64_t line_no() const { return line_no_; }
    const std::string& name() const { return name_; }
    // Whether the last line given ended in "\r\n" (its CR removed).
    bool stripped_cr() const { return stripped_cr_; }

private:
    bool give(std::string_view& line, std::size_t begin, std::size_t end) {
        ++line_no_;
        line = std::string_view(buf_.data() + begin, end - begin);
        stripped_cr_ = !line.empty() && line.back() == '\r';
        if (stripped_cr_) line.remove_suffix(1);
        return true;
    }
    void fill() {
        char chunk[65536];
        for (;;) {
            ssize_t n = ::read(fd_, chunk, sizeof chunk);
            if (n < 0 && errno == EINTR) continue;
            if (n < 0) throw file_error_from_errno(errno, "cannot read", name_);
            if (n == 0) eof_ = true;
            buf_.append(chunk, static_cast<std::size_t>(n));
            return;
        }
    }

    std::string name_;
    int fd_;
    bool owned_;
    std::string buf_;        // text read, unread from start_ on
    std::size_t start_ = 0;  // where the line after the last one given starts
    bool eof_ = false;
    bool stripped_cr_ = false;
    uint64_t line_no_ = 0;
};

}  // namespace memsnap
