#include "procfs/smaps.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cerrno>
#include <cstring>

#include "model/error.h"
#include "model/mem_usage.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

// Eight bytes at a time. The scanner only ever looks for the first byte of a kind, and a line
// always ends in '\n', so an 8-byte load may run past the line (up to kPadding bytes past the
// data: the buffer has that much slack) but a match past the '\n' is never used.
constexpr std::size_t kPadding = 64;
constexpr uint64_t kLowSeven = 0x7f7f7f7f7f7f7f7fULL;
constexpr uint64_t kHighBits = 0x8080808080808080ULL;
constexpr uint64_t every_byte(unsigned char c) {
    return 0x0101010101010101ULL * c;
}

uint64_t load8(const char* p) {
    uint64_t v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

// The high bit of each byte of `x` that is zero, and no other bit (exact: no carry between bytes).
uint64_t zero_bytes(uint64_t x) {
    return ~(((x & kLowSeven) + kLowSeven) | x | kLowSeven);
}

// Index of the first byte in memory order whose high bit is set in `mask` (mask != 0).
std::size_t first_byte(uint64_t mask) {
    if constexpr (std::endian::native == std::endian::little) {
        return static_cast<std::size_t>(__builtin_ctzll(mask)) / 8;
    } else {
        return static_cast<std::size_t>(__builtin_clzll(mask)) / 8;
    }
}

// True when some byte of `x` is below 0x20 (a '\n', a tab, a NUL...): exact for "any".
bool has_control(uint64_t x) {
    return ((x - every_byte(0x20)) & ~x & kHighBits) != 0;
}

// True when some byte of `x` is zero: exact for "any".
bool has_zero(uint64_t x) {
    return ((x - every_byte(1)) & ~x & kHighBits) != 0;
}

// The kernel prints a counter as the key and ':' padded to 16 bytes, the number right-aligned
// in 8, then " kB\n": 28 bytes. True when the line at p is laid out so and has a ':' in its
// first 16 bytes; then its first '\n' is p[27] and its first ':' comes before it, which is all
// a key we skip needs. Reads 28 bytes (a shorter line fails the test; the buffer is padded).
bool is_kernel_counter_line(const char* p) {
    if (std::memcmp(p + 24, " kB\n", 4) != 0) return false;
    uint64_t w0 = load8(p), w1 = load8(p + 8), w2 = load8(p + 16);
    if (has_control(w0) || has_control(w1) || has_control(w2)) return false;
    return has_zero(w0 ^ every_byte(':')) || has_zero(w1 ^ every_byte(':'));
}

// The first ':' or '\n' at or after p (the line's '\n' stops it).
const char* find_colon_or_newline(const char* p) {
    for (;; p += 8) {
        uint64_t w = load8(p);
        uint64_t m = zero_bytes(w ^ every_byte(':')) | zero_bytes(w ^ every_byte('\n'));
        if (m != 0) return p + first_byte(m);
    }
}

// The first '\n' at or after p.
const char* find_newline(const char* p) {
    for (;; p += 8) {
        uint64_t m = zero_bytes(load8(p) ^ every_byte('\n'));
        if (m != 0) return p + first_byte(m);
    }
}

// The high bit of each byte of `x` that is not zero (exact).
uint64_t nonzero_bytes(uint64_t x) {
    return (((x & kLowSeven) + kLowSeven) | x) & kHighBits;
}

// The first byte at or after p that is neither ' ' nor '\t' (the line's '\n' stops it).
// Skips spaces eight at a time; a tab (never in the kernel's output) steps one byte.
const char* skip_blanks(const char* p) {
    for (;;) {
        uint64_t m = nonzero_bytes(load8(p) ^ every_byte(' '));
        if (m == 0) {
            p += 8;
            continue;
        }
        p += first_byte(m);
        if (*p != '\t') return p;
        ++p;
    }
}

// The counter lines of a Linux 6.x smaps entry in the order the kernel prints them
// (fs/proc/task_mmu.c), each key padded as printed to 16 bytes, and the counter it fills (null:
// a key we skip). The parser expects them in this order; a line that is not the expected one is
// looked for further down, then parsed the general way: another order or another set of keys
// (older kernels, smaps_rollup) is just slower, never wrong.
struct KernelKey {
    const char* padded;  // 16 bytes: "Key:" and spaces
    uint64_t MemUsage::*field;
};
constexpr std::array<KernelKey, 22> kKernelKeys = {{
    {"Size:           ", &MemUsage::size},
    {"KernelPageSize: ", nullptr},
    {"MMUPageSize:    ", nullptr},
    {"Rss:            ", &MemUsage::rss},
    {"Pss:            ", &MemUsage::pss},
    {"Pss_Dirty:      ", nullptr},
    {"Shared_Clean:   ", &MemUsage::shared_clean},
    {"Shared_Dirty:   ", &MemUsage::shared_dirty},
    {"Private_Clean:  ", &MemUsage::private_clean},
    {"Private_Dirty:  ", &MemUsage::private_dirty},
    {"Referenced:     ", nullptr},
    {"Anonymous:      ", nullptr},
    {"KSM:            ", nullptr},
    {"LazyFree:       ", nullptr},
    {"AnonHugePages:  ", nullptr},
    {"ShmemPmdMapped: ", nullptr},
    {"FilePmdMapped:  ", nullptr},
    {"Shared_Hugetlb: ", nullptr},
    {"Private_Hugetlb:", nullptr},
    {"Swap:           ", &MemUsage::swap},
    {"SwapPss:        ", &MemUsage::swap_pss},
    {"Locked:         ", nullptr},
}};

// Per-stream parsing state: the mapping being filled, its name (copied, since the buffer moves
// on before the mapping ends) and the line counter.
//
// The hot path: a 60 000-mapping smaps is 1.5 million lines, most of them keys we skip. The
// scanner is handed only whole lines (a region whose last byte is '\n'), so every loop stops on
// the '\n' sentinel instead of checking an end pointer, and a line is walked once: no separate
// search for its end before parsing it.
class SmapsParser {
  public:
    SmapsParser(std::string_view display_name, MappingCallback on_mapping)
        : display_name_(display_name), on_mapping_(on_mapping) {}

    // Parses every line of [p, end); end[-1] must be '\n'.
    void lines(const char* p, const char* end) {
        while (p < end) {
            ++line_no_;
            char c = *p;
            if (c == '\n') {  // tolerate blank lines
                ++p;
            } else if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) {
                p = header(p, end);
            } else {
                p = key_value(p);
            }
        }
    }

    void finish() { flush(); }

    [[noreturn]] void fail(const char* what) const {
        throw malformed_line(display_name_, line_no_, what);
    }

    // Fails naming the line that has not been completed yet.
    [[noreturn]] void fail_next_line(const char* what) {
        ++line_no_;
        fail(what);
    }

  private:
    void flush() {
        if (!have_mapping_) return;
        // Each counter is at most 2^48 kB, and so is their sum over the file: what a format or
        // a diff adds up later never wraps (model/mem_usage.h).
        const MemUsage& u = current_.usage;
        for (uint64_t v : {u.size, u.rss, u.pss, u.shared_clean, u.shared_dirty, u.private_clean,
                           u.private_dirty, u.swap, u.swap_pss}) {
            if (__builtin_add_overflow(file_total_, v, &file_total_) || file_total_ > kMaxCount * 16)
                fail("the counters add up past 2^52 kB: not a real process");
        }
        current_.name = name_;
        on_mapping_(current_);
        have_mapping_ = false;
    }

    // The value of a hex digit (either case), -1 for any other byte.
    static int hex_value(char c) {
        static constexpr auto kTable = [] {
            std::array<signed char, 256> t{};
            for (int i = 0; i < 256; ++i) {
                t[i] = i >= '0' && i <= '9'   ? static_cast<signed char>(i - '0')
                       : i >= 'a' && i <= 'f' ? static_cast<signed char>(i - 'a' + 10)
                       : i >= 'A' && i <= 'F' ? static_cast<signed char>(i - 'A' + 10)
                                              : -1;
            }
            return t;
        }();
        return kTable[static_cast<unsigned char>(c)];
    }

    // Parses hex digits up to `stop` and steps over it; fails on no digits, a bad digit (the
    // line's '\n' included) or more than 64 bits.
    uint64_t hex(const char*& p, char stop, const char* field) {
        uint64_t v = 0;
        const char* begin = p;
        while (*p != stop) {
            int d = hex_value(*p);
            if (d < 0 || (v >> 60) != 0) fail(field);
            v = (v << 4) | static_cast<uint64_t>(d);
            ++p;
        }
        if (p == begin) fail(field);
        ++p;  // the stop character
        return v;
    }

    // Parses decimal digits; fails with `overflow` past 64 bits. Leaves p on the first
    // non-digit; `digits` tells whether there was any.
    uint64_t decimal(const char*& p, bool& digits, const char* overflow) {
        const char* begin = p;
        uint64_t v = 0;
        while (*p >= '0' && *p <= '9') {
            if (__builtin_mul_overflow(v, 10u, &v) ||
                __builtin_add_overflow(v, static_cast<uint64_t>(*p - '0'), &v))
                fail(overflow);
            ++p;
        }
        digits = p != begin;
        return v;
    }

    // Returns the start of the next line.
    const char* header(const char* p, const char* end) {
        flush();
        Mapping& m = current_;
        m = Mapping{};
        m.line = line_no_;
        m.start = hex(p, '-', "bad mapping header: expected start-end address");
        m.end = hex(p, ' ', "bad mapping header: expected start-end address");
        if (m.end < m.start) fail("bad mapping header: end address before start");
        for (int i = 0; i < 4; ++i)
            if (p[i] == '\n') fail("bad mapping header: expected permissions");
        if (p[4] != ' ') fail("bad mapping header: expected permissions");
        std::memcpy(m.perms, p, 4);
        p += 5;
        m.offset = hex(p, ' ', "bad mapping header: expected offset");
        // Device "major:minor": hex digits around one ':'.
        const char* dev = p;
        while (*p != ' ' && *p != '\n') ++p;
        if (*p == '\n' || p == dev ||
            std::memchr(dev, ':', static_cast<std::size_t>(p - dev)) == nullptr)
            fail("bad mapping header: expected device major:minor");
        ++p;
        // Inode: decimal.
        bool digits = false;
        m.inode = decimal(p, digits, "bad mapping header: inode out of range");
        if (!digits || (*p != ' ' && *p != '\n')) fail("bad mapping header: expected inode");
        while (*p == ' ') ++p;
        const char* nl =
            static_cast<const char*>(std::memchr(p, '\n', static_cast<std::size_t>(end - p)));
        name_.assign(p, static_cast<std::size_t>(nl - p));  // reuses capacity: no allocation
        have_mapping_ = true;
        next_key_ = 0;
        return nl + 1;
    }

    // Returns the start of the next line.
    const char* key_value(const char* p) {
        if (const char* next = kernel_counter_line(p)) return next;
        return any_key_value(p);
    }

    // The fast path for a counter line exactly as the kernel prints it: the 16-byte key field
    // of kKernelKeys (the expected one, else one further down), the number right-aligned in
    // 8 bytes, " kB\n". Returns the start of the next line, or nullptr to leave the line to
    // any_key_value(), which would read the same number from such a line. Reads 28 bytes from
    // p (a shorter line fails a comparison first; the buffer is padded).
    const char* kernel_counter_line(const char* p) {
        std::size_t i = next_key_;  // kKernelKeys.size() before the first header
        while (i < kKernelKeys.size() && std::memcmp(p, kKernelKeys[i].padded, 16) != 0) ++i;
        if (i == kKernelKeys.size()) return nullptr;
        next_key_ = i + 1;
        if (std::memcmp(p + 24, " kB\n", 4) != 0) return nullptr;
        uint64_t MemUsage::*field = kKernelKeys[i].field;
        if (field == nullptr) {
            // Skipped, as long as the line ends at p[27]: no '\n' in the number field.
            return has_control(load8(p + 16)) ? nullptr : p + 28;
        }
        const char* q = skip_blanks(p + 16);
        uint64_t v = 0;
        const char* digits = q;
        while (q < p + 24 && *q >= '0' && *q <= '9') v = v * 10 + static_cast<uint64_t>(*q++ - '0');
        if (q == digits || q != p + 24) return nullptr;  // at most 8 digits: no overflow
        current_.usage.*field = v;
        return p + 28;
    }

    // Any "Key: value" line. Returns the start of the next line.
    const char* any_key_value(const char* p) {
        const char* q = nullptr;  // after the key's ':'
        uint64_t* field = known_key(p, q);
        if (field == nullptr) {  // a key we do not use (VmFlags, THPeligible, ...)
            if (is_kernel_counter_line(p)) {
                if (!have_mapping_) fail("'Key: value' line before any mapping header");
                return p + 28;
            }
            const char* colon = find_colon_or_newline(p);
            if (*colon == '\n') fail("expected 'Key: value'");
            if (!have_mapping_) fail("'Key: value' line before any mapping header");
            return find_newline(colon) + 1;
        }
        if (!have_mapping_) fail("'Key: value' line before any mapping header");
        q = skip_blanks(q);
        bool digits = false;
        uint64_t v = decimal(q, digits, "number out of range");
        if (!digits) fail("expected a number of kB");
        if (v > kMaxCount) fail("number out of range (more than 2^48 kB)");
        if (std::memcmp(q, " kB\n", 4) == 0) {  // the kernel's layout
            q += 3;
        } else {
            // The kernel always writes the unit: a number without it was cut short.
            while (*q == ' ') ++q;
            // q[0] is not the '\n' or is, so q[1] is in the line or is its '\n'; likewise q[2].
            if (*q == '\n' || !(q[0] == 'k' && q[1] == 'B' && q[2] == '\n'))
                fail("expected 'kB' after the number");
            q += 2;
        }
        *field = v;
        return q + 1;
    }

    // The counter that a line beginning with "Key:" for one of the keys we add up fills, and
    // in `after` the position after the ':'; nullptr for any other line. May read 14 bytes
    // from p, past a short line (the buffer is padded); none of these keys contains a ':', so
    // the ':' matched is the line's first, as for any other key.
    uint64_t* known_key(const char* p, const char*& after) {
        MemUsage& u = current_.usage;
        auto is = [&]<std::size_t N>(const char(&key)[N]) {
            if (std::memcmp(p, key, N - 1) != 0) return false;
            after = p + (N - 1);
            return true;
        };
        switch (p[0]) {
            case 'R':
                if (is("Rss:")) return &u.rss;
                break;
            case 'P':
                if (is("Pss:")) return &u.pss;
                if (is("Private_Clean:")) return &u.private_clean;
                if (is("Private_Dirty:")) return &u.private_dirty;
                break;
            case 'S':
                if (is("Size:")) return &u.size;
                if (is("Swap:")) return &u.swap;
                if (is("SwapPss:")) return &u.swap_pss;
                if (is("Shared_Clean:")) return &u.shared_clean;
                if (is("Shared_Dirty:")) return &u.shared_dirty;
                break;
            default:
                break;
        }
        return nullptr;
    }

    std::string_view display_name_;
    MappingCallback on_mapping_;
    Mapping current_;
    std::string name_;
    bool have_mapping_ = false;
    std::size_t next_key_ = kKernelKeys.size();  // the kKernelKeys entry expected next
    uint64_t line_no_ = 0;
    uint64_t file_total_ = 0;  // every counter of every mapping so far, added up
};

// Feeds every complete line of [begin, end) to the parser; returns where the unfinished
// last line starts.
const char* feed_lines(SmapsParser& parser, const char* begin, const char* end) {
    const char* last_nl =
        static_cast<const char*>(::memrchr(begin, '\n', static_cast<std::size_t>(end - begin)));
    if (last_nl == nullptr) return begin;
    parser.lines(begin, last_nl + 1);
    return last_nl + 1;
}

// Streams the bytes `fill(dst, room)` hands over (0 at the end) through `buf` (kBufferSize
// bytes plus kPadding of slack) into the parser, whole lines at a time.
template <typename Fill>
void stream(SmapsParser& parser, char* buf, Fill fill) {
    std::size_t have = 0;  // bytes of an unfinished line kept at the start of the buffer
    for (;;) {
        if (have == SmapsReader::kBufferSize) {
            parser.fail_next_line("line longer than 256 KiB");
        }
        std::size_t n = fill(buf + have, SmapsReader::kBufferSize - have);
        if (n == 0) break;
        const char* end = buf + have + n;
        std::memset(buf + have + n, 0, kPadding);  // the slack a load may reach: never garbage
        const char* rest = feed_lines(parser, buf, end);
        have = static_cast<std::size_t>(end - rest);
        std::memmove(buf, rest, have);
    }
    if (have > 0) {  // a last line with no newline: give it one (have < kBufferSize here)
        buf[have] = '\n';
        std::memset(buf + have + 1, 0, kPadding);
        parser.lines(buf, buf + have + 1);
    }
    parser.finish();
}

}  // namespace

// Not zeroed: stream() zeroes the slack past the data it holds, so no load reads garbage, even
// to a memory checker, and a smaps_rollup read (the listing's, a kilobyte) touches one page of
// the 256 KiB instead of faulting in all 65 (a reader per thread, at every start).
SmapsReader::SmapsReader() : buffer_(new char[kBufferSize + kPadding]) {}

void SmapsReader::read_file(const std::string& path, MappingCallback on_mapping) {
    FdGuard fd(open_proc_file(path));
    read_fd(fd.get(), path, on_mapping);
}

void SmapsReader::read(const ProcRoot& root, std::string_view path, MappingCallback on_mapping) {
    std::unique_ptr<SourceFile> file = root.source().open(path);
    std::string display_name = root.display(path);
    SmapsParser parser(display_name, on_mapping);
    stream(parser, buffer_.get(),
           [&](char* dst, std::size_t room) -> std::size_t { return file->read(dst, room); });
}

void SmapsReader::read_fd(int fd, std::string_view display_name, MappingCallback on_mapping) {
    SmapsParser parser(display_name, on_mapping);
    stream(parser, buffer_.get(), [&](char* dst, std::size_t room) -> std::size_t {
        for (;;) {
            ssize_t n = ::read(fd, dst, room);
            if (n >= 0) return static_cast<std::size_t>(n);
            if (errno != EINTR)
                throw error_from_errno(errno, "cannot read", std::string(display_name));
        }
    });
}

void SmapsReader::reread_record(int fd, std::string_view display_name, MappingCallback on_mapping) {
    SmapsParser parser(display_name, on_mapping);
    off_t offset = 0;
    bool short_read = false;
    stream(parser, buffer_.get(), [&](char* dst, std::size_t room) -> std::size_t {
        if (short_read) return 0;
        for (;;) {
            ssize_t n = ::pread(fd, dst, room, offset);
            if (n >= 0) {
                offset += n;
                short_read = static_cast<std::size_t>(n) < room;
                return static_cast<std::size_t>(n);
            }
            if (errno != EINTR)
                throw error_from_errno(errno, "cannot read", std::string(display_name));
        }
    });
}

void SmapsReader::read_text(std::string_view text, std::string_view display_name,
                            MappingCallback on_mapping) {
    SmapsParser parser(display_name, on_mapping);
    stream(parser, buffer_.get(), [&](char* dst, std::size_t room) {
        std::size_t n = std::min(room, text.size());
        std::memcpy(dst, text.data(), n);
        text.remove_prefix(n);
        return n;
    });
}

}  // namespace memsnap
