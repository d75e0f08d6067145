#include "formats/snapshot_source.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <nlohmann/json.hpp>

#include "formats/snapshot_json.h"
#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

using nlohmann::json;

struct Line {
    uint64_t number;
    std::string_view text;
};

bool is_blank(std::string_view s) {
    return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

// The part of nlohmann's parse_error message worth showing ("syntax error while parsing ...").
// Input that stops mid-document (the error is at its end) is "truncated"; anything else is
// "not JSON", junk after a complete value too ("...; expected end of input"), even at the end.
std::string parse_error_text(const json::parse_error& e, bool at_end) {
    std::string_view what = e.what();
    std::size_t pos = what.find("syntax error");
    std::string text(pos == std::string_view::npos ? what : what.substr(pos));
    if (at_end && text.find("; expected end of input") == std::string::npos)
        return "truncated: the JSON ends before it is complete (" + text + ")";
    return "not JSON (" + text + ")";
}

// Any other nlohmann error while parsing, without its "[json.exception...]" prefix.
std::string other_error_text(const json::exception& e) {
    std::string_view what = e.what();
    std::size_t pos = what.find("] ");
    return "not JSON (" + std::string(pos == std::string_view::npos ? what : what.substr(pos + 2)) + ")";
}

uint64_t line_of_byte(std::string_view text, std::size_t byte) {
    if (byte > text.size()) byte = text.size();
    uint64_t line = 1;
    for (std::size_t i = 0; i < byte && i < text.size(); ++i) {
        if (text[i] == '\n' && i + 1 < byte) ++line;
    }
    return line;
}

std::string where(std::string_view file, uint64_t line) {
    return std::string(file) + ":" + std::to_string(line);
}

LoadedSnapshot parse_line(const Line& l, std::string_view file) {
    std::string at = where(file, l.number);
    json j;
    try {
        j = json::parse(l.text);
    } catch (const json::parse_error& e) {
        throw Error(ErrorKind::Malformed, at + ": " + parse_error_text(e, e.byte >= l.text.size()));
    } catch (const json::exception& e) {  // a number too large for a double (out_of_range.406)
        throw Error(ErrorKind::Malformed, at + ": " + other_error_text(e));
    }
    return LoadedSnapshot{snapshot_from_json(j, at), at};
}

std::vector<Line> split_lines(std::string_view text) {
    std::vector<Line> lines;
    uint64_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        lines.push_back(Line{++number, text.substr(start, end - start)});
        start = end + 1;
    }
    return lines;
}

bool is_lone_object(std::string_view line) {
    json j = json::parse(line, nullptr, /*allow_exceptions=*/false);
    return j.is_object();
}

}  // namespace

SnapshotSpec parse_snapshot_spec(std::string_view arg) {
    SnapshotSpec spec{std::string(arg), 0};
    if (arg == "-") return spec;
    std::size_t colon = arg.rfind(':');
    if (colon == std::string_view::npos || colon == 0 || colon + 1 == arg.size()) return spec;
    std::string_view digits = arg.substr(colon + 1);
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc() || ptr != digits.data() + digits.size()) return spec;
    struct stat st {};
    if (::stat(spec.path.c_str(), &st) == 0) return spec;  // a file really named "x:3"
    if (n == 0) throw Error(ErrorKind::Usage, std::string(arg) + ": lines are numbered from 1");
    spec.path = std::string(arg.substr(0, colon));
    spec.line = n;
    return spec;
}

std::vector<LoadedSnapshot> parse_snapshots(std::string_view text, std::string_view file,
                                            uint64_t line, bool first_and_last) {
    std::vector<Line> lines = split_lines(text);
    const Line* first = nullptr;
    for (const Line& l : lines) {
        if (!is_blank(l.text)) {
            first = &l;
            break;
        }
    }
    if (!first) throw Error(ErrorKind::Malformed, where(file, 1) + ": empty file, not a snapshot");

    if (!is_lone_object(first->text)) {
        // One JSON document, possibly over many lines.
        if (line > 1)
            throw Error(ErrorKind::Malformed,
                        where(file, line) + ": the file is one JSON document, not NDJSON lines");
        json j;
        try {
            j = json::parse(text);
        } catch (const json::parse_error& e) {
            bool at_end = is_blank(text.substr(std::min<std::size_t>(e.byte, text.size())));
            throw Error(ErrorKind::Malformed,
                        where(file, line_of_byte(text, e.byte)) + ": " + parse_error_text(e, at_end));
        } catch (const json::exception& e) {
            throw Error(ErrorKind::Malformed, where(file, first->number) + ": " + other_error_text(e));
        }
        std::vector<LoadedSnapshot> out;
        std::string at = where(file, first->number);
        if (j.is_array()) {
            if (j.empty()) throw Error(ErrorKind::Malformed, at + ": an empty array, no snapshot");
            for (std::size_t i = 0; i < j.size(); ++i) {
                std::string origin = std::string(file) + "[" + std::to_string(i) + "]";
                out.push_back(LoadedSnapshot{snapshot_from_json(j[i], origin), origin});
            }
        } else {
            out.push_back(LoadedSnapshot{snapshot_from_json(j, at), std::string(file)});
        }
        if (first_and_last && out.size() > 2) out.erase(out.begin() + 1, out.end() - 1);
        return out;
    }

    // NDJSON.
    if (line > 0) {
        if (line > lines.size())
            throw Error(ErrorKind::Malformed, where(file, line) + ": no such line (the file has " +
                                                  std::to_string(lines.size()) + ")");
        const Line& l = lines[line - 1];
        if (is_blank(l.text))
            throw Error(ErrorKind::Malformed, where(file, line) + ": blank line, not a snapshot");
        return {parse_line(l, file)};
    }
    std::vector<LoadedSnapshot> out;
    if (first_and_last) {
        const Line* last = nullptr;
        for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
            if (!is_blank(it->text)) {
                last = &*it;
                break;
            }
        }
        out.push_back(parse_line(*first, file));
        if (last != first) out.push_back(parse_line(*last, file));
        return out;
    }
    for (const Line& l : lines) {
        if (!is_blank(l.text)) out.push_back(parse_line(l, file));
    }
    return out;
}

std::vector<LoadedSnapshot> read_snapshots(const SnapshotSpec& spec, bool first_and_last) {
    bool is_stdin = spec.path == "-";
    std::string display = is_stdin ? "<stdin>" : spec.path;
    int fd = open_input_file(spec.path);
    std::string text;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            int err = errno;
            if (!is_stdin) ::close(fd);
            throw file_error_from_errno(err, "cannot read", display);
        }
        if (n == 0) break;
        if (text.size() + static_cast<std::size_t>(n) > kMaxSnapshotTextBytes) {
            if (!is_stdin) ::close(fd);
            throw Error(ErrorKind::Malformed,
                        display + ": larger than 32 MiB, more than memsnap reads whole (a long "
                                  "series is read line by line by `memsnap diff SERIES`)");
        }
        text.append(buf, static_cast<std::size_t>(n));
    }
    if (!is_stdin) ::close(fd);
    return parse_snapshots(text, display, spec.line, first_and_last);
}

}  // namespace memsnap
