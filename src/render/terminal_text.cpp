#include "render/terminal_text.h"

#include <cstdint>

namespace memsnap {
namespace {

// The length of the well-formed UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no
// surrogates, nothing past U+10FFFF), 0 when the bytes there are not one.
std::size_t utf8_length(std::string_view s, std::size_t i) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t more = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the first continuation byte
    if (c >= 0xC2 && c <= 0xDF)
        more = 1;
    else if (c == 0xE0)
        more = 2, lo = 0xA0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
        more = 2;
    else if (c == 0xED)
        more = 2, hi = 0x9F;
    else if (c == 0xF0)
        more = 3, lo = 0x90;
    else if (c >= 0xF1 && c <= 0xF3)
        more = 3;
    else if (c == 0xF4)
        more = 3, hi = 0x8F;
    else
        return 0;
    if (i + more >= s.size()) return 0;
    for (std::size_t k = 1; k <= more; ++k) {
        const auto b = static_cast<unsigned char>(s[i + k]);
        if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) return 0;
    }
    return more + 1;
}

// A C1 control (U+0080..U+009F) is C2 80..C2 9F in UTF-8: terminals act on some of them (CSI).
bool is_c1(std::string_view s, std::size_t i, std::size_t len) {
    return len == 2 && static_cast<unsigned char>(s[i]) == 0xC2 &&
           static_cast<unsigned char>(s[i + 1]) <= 0x9F;
}

}  // namespace

bool is_terminal_safe(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            ++i;
            continue;
        }
        if (c < 0x80) return false;
        std::size_t len = utf8_length(text, i);
        if (len == 0 || is_c1(text, i, len)) return false;
        i += len;
    }
    return true;
}

std::string escape_for_terminal(std::string_view text) {
    if (is_terminal_safe(text)) return std::string(text);
    static constexpr char kHex[] = "0123456789abcdef";
    std::string out;
    out.reserve(text.size() + 8);
    auto hex_byte = [&](unsigned char b) {
        out += "\\x";
        out += kHex[b >> 4];
        out += kHex[b & 0xf];
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c >= 0x20 && c < 0x7f) {
            if (c == '\\') out += '\\';
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        if (c < 0x80) {
            switch (c) {
                case '\n':
                    out += "\\n";
                    break;
                case '\t':
                    out += "\\t";
                    break;
                case '\r':
                    out += "\\r";
                    break;
                default:
                    hex_byte(c);
            }
            ++i;
            continue;
        }
        std::size_t len = utf8_length(text, i);
        if (len == 0 || is_c1(text, i, len)) {
            // A C1 control is escaped byte by byte too: \xc2\x9b, the bytes that were there.
            std::size_t n = len == 0 ? 1 : len;
            for (std::size_t k = 0; k < n; ++k) hex_byte(static_cast<unsigned char>(text[i + k]));
            i += n;
            continue;
        }
        out.append(text.substr(i, len));
        i += len;
    }
    return out;
}

}  // namespace memsnap
