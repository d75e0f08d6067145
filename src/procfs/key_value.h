#pragma once
// The one scanner of the `Key: value` files: /proc/PID/status, /proc/meminfo and
// /proc/PID/fdinfo/N. Each line is split at its first ':' into a key and the value after it
// (untrimmed: status' Name keeps its spaces), blank lines are skipped, and every error names the
// file and the line ("<file>:<line>: what"). The files' own rules (units, which keys count, how
// often one may appear) stay with their parsers. Inline: the listing scans status once a
// process, and it was half of the listing's own CPU time before the scan was made byte by byte.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "model/error.h"

namespace memsnap {

// Without the spaces and tabs around it (and a CR at the end, as the kernel never writes one).
inline std::string_view trim_blanks(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r'))
        s.remove_suffix(1);
    return s;
}

// A decimal number that is all of `s`: no sign, no blanks, no unit.
inline bool parse_decimal(std::string_view s, uint64_t& out) {
    if (s.empty()) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc() && ptr == s.data() + s.size();
}

class KeyValueLines {
public:
    // `shape` is what a line should look like, for the error of a line without a key
    // ("Key: value kB"). Line numbers count every line of `text` from 1.
    KeyValueLines(std::string_view text, std::string_view display_name, std::string_view shape)
        : rest_(text), file_(display_name), shape_(shape) {}

    // Moves to the next line that is not blank; false after the last. Throws Malformed for a
    // line with no ':' or nothing before it.
    [[gnu::always_inline]] bool next() {
        // On locals, stored once: the members would be reloaded after every store otherwise.
        std::string_view rest = rest_;
        uint64_t line_no = line_no_;
        while (!rest.empty()) {
            const char* nl = static_cast<const char*>(std::memchr(rest.data(), '\n', rest.size()));
            const std::size_t len = nl ? static_cast<std::size_t>(nl - rest.data()) : rest.size();
            const std::string_view line = rest.substr(0, len);
            rest.remove_prefix(nl ? len + 1 : len);
            ++line_no;
            // A key starts with a letter: only a line that starts with a blank may be blank.
            if (line.empty() || ((line[0] == ' ' || line[0] == '\t' || line[0] == '\r') &&
                                 trim_blanks(line).empty()))
                continue;
            // The key is a short word: looked for byte by byte, not with a call.
            std::size_t colon = 0;
            while (colon < line.size() && line[colon] != ':') ++colon;
            rest_ = rest;
            line_no_ = line_no;
            if (colon == line.size() || colon == 0) fail_shape();
            key_ = line.substr(0, colon);
            value_ = line.substr(colon + 1);
            return true;
        }
        rest_ = rest;
        line_no_ = line_no;
        return false;
    }

    std::string_view key() const { return key_; }
    std::string_view value() const { return value_; }  // everything after the ':'
    uint64_t line_no() const { return line_no_; }

    // Throws the error of the current line: Malformed "<file>:<line>: what" (an error path:
    // out of line and cold, kept out of the scan's loop).
    [[noreturn, gnu::noinline, gnu::cold]] void fail(std::string_view what) const {
        throw malformed_line(file_, line_no_, what);
    }

private:
    [[noreturn, gnu::noinline, gnu::cold]] void fail_shape() const {
        fail("expected '" + std::string(shape_) + "'");
    }

    std::string_view rest_;
    std::string_view file_;
    std::string_view shape_;
    std::string_view key_, value_;
    uint64_t line_no_ = 0;
};

}  // namespace memsnap
