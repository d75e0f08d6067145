#include "formats/series_scan.h"

#include <charconv>
#include <cstring>

#include "model/category.h"

namespace memsnap {
namespace {

bool hex4(std::string_view s, std::size_t at, unsigned& out) {
    if (at + 4 > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = s[i];
        unsigned d = 0;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return false;
        out = out * 16 + d;
    }
    return true;
}

// The inside of a JSON string as nlohmann checks it: no raw control characters, only JSON's
// escapes (a \u surrogate only as a high-low pair), and well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF). Only called for strings with a byte that needs it.
bool valid_string_body(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20) return false;
        if (c == '\\') {
            if (i + 1 >= s.size()) return false;
            const char e = s[i + 1];
            if (e != 'u') {
                if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') return false;
                i += 2;
                continue;
            }
            unsigned cp = 0;
            if (!hex4(s, i + 2, cp)) return false;
            i += 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
            if (cp >= 0xD800 && cp <= 0xDBFF) {              // a high one needs its low one
                unsigned low = 0;
                if (i + 1 >= s.size() || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s, i + 2, low) ||
                    low < 0xDC00 || low > 0xDFFF)
                    return false;
                i += 6;
            }
            continue;
        }
        if (c < 0x80) {
            ++i;
            continue;
        }
        std::size_t more = 0;
        unsigned char lo = 0x80, hi = 0xBF;  // the range of the first continuation byte
        if (c >= 0xC2 && c <= 0xDF) more = 1;
        else if (c == 0xE0) more = 2, lo = 0xA0;
        else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) more = 2;
        else if (c == 0xED) more = 2, hi = 0x9F;
        else if (c == 0xF0) more = 3, lo = 0x90;
        else if (c >= 0xF1 && c <= 0xF3) more = 3;
        else if (c == 0xF4) more = 3, hi = 0x8F;
        else return false;
        if (i + more >= s.size()) return false;  // the sequence runs past the end
        for (std::size_t k = 1; k <= more; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return false;
        }
        i += more + 1;
    }
    return true;
}

// A minimal, strict JSON walker over one line: enough to skip any value and to read unsigned
// integers, strings without escapes and booleans where the series needs them. Any surprise
// makes it give up (false), never guess.
class Scanner {
public:
    explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

    bool at_end() {
        ws();
        return p_ == end_;
    }

    // Walks an object, calling on_member(key) positioned at each value; on_member must consume
    // the value and return false to give up.
    template <class F>
    bool object(F&& on_member) {
        ws();
        if (p_ == end_ || *p_ != '{') return false;
        ++p_;
        ws();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
            return true;
        }
        for (;;) {
            std::string_view key;
            bool escaped = false;
            if (!string(key, escaped)) return false;
            ws();
            if (p_ == end_ || *p_ != ':') return false;
            ++p_;
            if (!on_member(escaped ? std::string_view() : key)) return false;
            ws();
            if (p_ == end_) return false;
            if (*p_ == ',') {
                ++p_;
                ws();
                continue;
            }
            if (*p_ == '}') {
                ++p_;
                return true;
            }
            return false;
        }
    }

    bool uint(uint64_t& out) {
        ws();
        const char* start = p_;
        uint64_t v = 0;
        while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
            uint64_t d = static_cast<uint64_t>(*p_ - '0');
            if (v > (UINT64_MAX - d) / 10) return false;
            v = v * 10 + d;
            ++p_;
        }
        if (p_ == start) return false;
        if (*start == '0' && p_ - start > 1) return false;  // a leading zero is not JSON
        if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
        out = v;
        return true;
    }

    bool boolean(bool& out) {
        ws();
        if (literal("true")) return out = true, true;
        if (literal("false")) return out = false, true;
        return false;
    }

    bool plain_string(std::string_view& out) {
        bool escaped = false;
        return string(out, escaped) && !escaped;
    }

    bool skip(int depth = 0) {
        if (depth > 64) return false;
        ws();
        if (p_ == end_) return false;
        switch (*p_) {
            case '{':
                return object([&](std::string_view) { return skip(depth + 1); });
            case '[': {
                ++p_;
                ws();
                if (p_ != end_ && *p_ == ']') return ++p_, true;
                for (;;) {
                    if (!skip(depth + 1)) return false;
                    ws();
                    if (p_ == end_) return false;
                    if (*p_ == ',') {
                        ++p_;
                        continue;
                    }
                    if (*p_ == ']') return ++p_, true;
                    return false;
                }
            }
            case '"': {
                std::string_view s;
                bool escaped = false;
                return string(s, escaped);
            }
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

private:
    void ws() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
    }
    bool literal(const char* word) {
        std::size_t n = std::strlen(word);
        if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
        p_ += n;
        return true;
    }
    // A JSON number exactly as RFC 8259 spells it (no leading zeros, digits on both sides of the
    // point and after the exponent), and one a double can hold: what nlohmann accepts too.
    bool number() {
        const char* start = p_;
        if (p_ != end_ && *p_ == '-') ++p_;
        if (p_ == end_ || !is_digit(*p_)) return false;
        if (*p_ == '0') ++p_;
        else digits();
        bool fraction = false;
        if (p_ != end_ && *p_ == '.') {
            ++p_;
            if (!digits()) return false;
            fraction = true;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!digits()) return false;
            fraction = true;
        }
        if (!fraction) return true;
        double value = 0;
        return std::from_chars(start, p_, value).ec == std::errc();
    }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }
    bool digits() {
        const char* start = p_;
        while (p_ != end_ && is_digit(*p_)) ++p_;
        return p_ != start;
    }
    bool string(std::string_view& out, bool& escaped) {
        ws();
        if (p_ == end_ || *p_ != '"') return false;
        const char* start = ++p_;
        for (;;) {
            const char* q = static_cast<const char*>(std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_)));
            if (q == nullptr) return false;
            // Count the backslashes right before the quote: odd means it is escaped.
            std::size_t backslashes = 0;
            while (q - backslashes > start && q[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\') ++backslashes;
            if (std::memchr(p_, '\\', static_cast<std::size_t>(q - p_)) != nullptr) escaped = true;
            p_ = q + 1;
            if (backslashes % 2 == 0) {
                out = std::string_view(start, static_cast<std::size_t>(q - start));
                for (char c : out) {
                    const auto b = static_cast<unsigned char>(c);
                    if (b < 0x20 || b >= 0x80 || c == '\\') return valid_string_body(out);
                }
                return true;
            }
        }
    }

    const char* p_;
    const char* end_;
};

// "memsnap.snapshot/1" or "memsnap.snapshot/1.<minor>".
bool schema_ok(std::string_view s) {
    constexpr std::string_view kPrefix = "memsnap.snapshot/1";
    if (!s.starts_with(kPrefix)) return false;
    s.remove_prefix(kPrefix.size());
    return s.empty() || s.front() == '.';
}

}  // namespace

bool scan_series_sample(std::string_view line, SeriesSample& out) {
    out = SeriesSample{};
    Scanner sc(line);
    bool have_schema = false, have_time = false, have_pid = false, have_start = false;
    auto one = [&](const char* want, uint64_t& into) {
        return [&sc, want, &into](std::string_view key) {
            return key == want ? sc.uint(into) : sc.skip();
        };
    };
    auto two = [&](const char* want1, uint64_t& into1, const char* want2, uint64_t& into2) {
        return [&sc, want1, &into1, want2, &into2](std::string_view key) {
            if (key == want1) return sc.uint(into1);
            if (key == want2) return sc.uint(into2);
            return sc.skip();
        };
    };
    bool ok = sc.object([&](std::string_view key) {
        if (key == "schema") {
            std::string_view s;
            return have_schema = sc.plain_string(s) && schema_ok(s);
        }
        if (key == "time_ms" || key == "pid") {
            uint64_t v = 0;
            if (!sc.uint(v)) return false;
            (key == "pid" ? have_pid : have_time) = true;
            (key == "pid" ? out.pid : out.time_ms) = static_cast<int64_t>(v);
            return true;
        }
        if (key == "starttime") return have_start = sc.uint(out.starttime);
        if (key == "light") return sc.boolean(out.light);
        if (key == "categories") {
            return sc.object([&](std::string_view cat) {
                std::optional<Category> c = category_from_key(cat);
                if (!c) return sc.skip();
                const auto i = static_cast<std::size_t>(*c);
                return sc.object(two("pss", out.pss[i], "swap_pss", out.swap_pss[i]));
            });
        }
        if (key == "total") return sc.object(two("pss", out.total_pss, "swap_pss", out.total_swap_pss));
        if (key == "fd") return sc.object(one("num", out.fd_num));
        if (key == "thread") return sc.object(one("num", out.thread_num));
        if (key == "status") return sc.object(one("threads", out.status_threads));
        if (key == "dma") return sc.object(one("total", out.dma_total));
        if (key == "gpu") {
            return sc.object([&](std::string_view k) {
                if (k == "total") return sc.uint(out.gpu_total);
                if (k == "mapped") return sc.uint(out.gpu_mapped);
                return sc.skip();
            });
        }
        return sc.skip();
    });
    return ok && sc.at_end() && have_schema && have_time && have_pid && have_start;
}

}  // namespace memsnap
