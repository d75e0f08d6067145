#include "procfs/smaps.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

// Per-stream parsing state: the mapping being filled, its name (copied, since the buffer moves
// on before the mapping ends) and the line counter.
class SmapsParser {
public:
    SmapsParser(std::string_view display_name, MappingCallback on_mapping)
        : display_name_(display_name), on_mapping_(on_mapping) {}

    void line(const char* p, const char* end) {
        ++line_no_;
        if (p == end) return;  // tolerate blank lines
        char c = *p;
        if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
            header(p, end);
        } else {
            key_value(p, end);
        }
    }

    void finish() { flush(); }

    [[noreturn]] void fail(const char* what) const {
        throw Error(ErrorKind::Malformed,
                    std::string(display_name_) + ":" + std::to_string(line_no_) + ": " + what);
    }

    // Fails naming the line that has not been completed yet.
    [[noreturn]] void fail_next_line(const char* what) {
        ++line_no_;
        fail(what);
    }

private:
    void flush() {
        if (!have_mapping_) return;
        current_.name = name_;
        on_mapping_(current_);
        have_mapping_ = false;
    }

    static int hex_value(char c) {
        if (c >= '0' && c <= '9') return c - '0';
        if (c >= 'a' && c <= 'f') return c - 'a' + 10;
        if (c >= 'A' && c <= 'F') return c - 'A' + 10;
        return -1;
    }

    // Parses hex digits up to `stop`; fails on no digits, a bad digit or more than 64 bits.
    uint64_t hex(const char*& p, const char* end, char stop, const char* field) {
        uint64_t v = 0;
        const char* begin = p;
        while (p < end && *p != stop) {
            int d = hex_value(*p);
            if (d < 0 || (v >> 60) != 0) fail(field);
            v = (v << 4) | static_cast<uint64_t>(d);
            ++p;
        }
        if (p == begin || p == end) fail(field);
        ++p;  // the stop character
        return v;
    }

    void header(const char* p, const char* end) {
        flush();
        Mapping& m = current_;
        m = Mapping{};
        m.line = line_no_;
        m.start = hex(p, end, '-', "bad mapping header: expected start-end address");
        m.end = hex(p, end, ' ', "bad mapping header: expected start-end address");
        if (m.end < m.start) fail("bad mapping header: end address before start");
        if (end - p < 5 || p[4] != ' ') fail("bad mapping header: expected permissions");
        std::memcpy(m.perms, p, 4);
        p += 5;
        m.offset = hex(p, end, ' ', "bad mapping header: expected offset");
        // Device "major:minor": hex digits around one ':'.
        const char* dev = p;
        while (p < end && *p != ' ') ++p;
        if (p == end || p == dev || std::memchr(dev, ':', static_cast<std::size_t>(p - dev)) == nullptr)
            fail("bad mapping header: expected device major:minor");
        ++p;
        // Inode: decimal.
        const char* ino = p;
        uint64_t inode = 0;
        while (p < end && *p >= '0' && *p <= '9') {
            uint64_t d = static_cast<uint64_t>(*p - '0');
            if (inode > (UINT64_MAX - d) / 10) fail("bad mapping header: inode out of range");
            inode = inode * 10 + d;
            ++p;
        }
        if (p == ino || (p < end && *p != ' ')) fail("bad mapping header: expected inode");
        m.inode = inode;
        while (p < end && *p == ' ') ++p;
        name_.assign(p, static_cast<std::size_t>(end - p));  // reuses capacity: no allocation
        have_mapping_ = true;
    }

    void key_value(const char* p, const char* end) {
        const char* colon = static_cast<const char*>(std::memchr(p, ':', static_cast<std::size_t>(end - p)));
        if (colon == nullptr) fail("expected 'Key: value'");
        if (!have_mapping_) fail("'Key: value' line before any mapping header");
        uint64_t* field = field_for(std::string_view(p, static_cast<std::size_t>(colon - p)));
        if (field == nullptr) return;  // a key we do not use (VmFlags, THPeligible, ...)
        const char* q = colon + 1;
        while (q < end && (*q == ' ' || *q == '\t')) ++q;
        const char* digits = q;
        uint64_t v = 0;
        while (q < end && *q >= '0' && *q <= '9') {
            uint64_t d = static_cast<uint64_t>(*q - '0');
            if (v > (UINT64_MAX - d) / 10) fail("number out of range");
            v = v * 10 + d;
            ++q;
        }
        if (q == digits) fail("expected a number of kB");
        while (q < end && *q == ' ') ++q;
        if (q != end && !(end - q == 2 && q[0] == 'k' && q[1] == 'B')) fail("expected 'kB' after the number");
        *field = v;
    }

    uint64_t* field_for(std::string_view key) {
        MemUsage& u = current_.usage;
        switch (key.size()) {
            case 3:
                if (key == "Rss") return &u.rss;
                if (key == "Pss") return &u.pss;
                return nullptr;
            case 4:
                if (key == "Size") return &u.size;
                if (key == "Swap") return &u.swap;
                return nullptr;
            case 7:
                return key == "SwapPss" ? &u.swap_pss : nullptr;
            case 12:
                if (key == "Shared_Clean") return &u.shared_clean;
                if (key == "Shared_Dirty") return &u.shared_dirty;
                return nullptr;
            case 13:
                if (key == "Private_Clean") return &u.private_clean;
                if (key == "Private_Dirty") return &u.private_dirty;
                return nullptr;
            default:
                return nullptr;
        }
    }

    std::string_view display_name_;
    MappingCallback on_mapping_;
    Mapping current_;
    std::string name_;
    bool have_mapping_ = false;
    uint64_t line_no_ = 0;
};

// Feeds every complete line of [begin, end) to the parser; returns where the unfinished
// last line starts.
const char* feed_lines(SmapsParser& parser, const char* begin, const char* end) {
    const char* p = begin;
    for (;;) {
        const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        if (nl == nullptr) return p;
        parser.line(p, nl);
        p = nl + 1;
    }
}

}  // namespace

SmapsReader::SmapsReader() : buffer_(new char[kBufferSize]) {}

void SmapsReader::read_file(const std::string& path, MappingCallback on_mapping) {
    FdGuard fd(open_proc_file(path));
    read_fd(fd.get(), path, on_mapping);
}

void SmapsReader::read_fd(int fd, std::string_view display_name, MappingCallback on_mapping) {
    SmapsParser parser(display_name, on_mapping);
    char* buf = buffer_.get();
    std::size_t have = 0;  // bytes of an unfinished line kept at the start of the buffer
    for (;;) {
        if (have == kBufferSize) {
            parser.fail_next_line("line longer than 256 KiB");
        }
        ssize_t n = ::read(fd, buf + have, kBufferSize - have);
        if (n < 0) {
            if (errno == EINTR) continue;
            throw error_from_errno(errno, "cannot read", std::string(display_name));
        }
        if (n == 0) break;
        const char* end = buf + have + n;
        const char* rest = feed_lines(parser, buf, end);
        have = static_cast<std::size_t>(end - rest);
        std::memmove(buf, rest, have);
    }
    if (have > 0) parser.line(buf, buf + have);  // a last line with no newline
    parser.finish();
}

void SmapsReader::read_text(std::string_view text, std::string_view display_name,
                            MappingCallback on_mapping) {
    SmapsParser parser(display_name, on_mapping);
    const char* rest = feed_lines(parser, text.data(), text.data() + text.size());
    if (rest != text.data() + text.size()) parser.line(rest, text.data() + text.size());
    parser.finish();
}

}  // namespace memsnap
