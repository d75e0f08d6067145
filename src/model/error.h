#pragma once
// The one error type of memsnap. Readers throw it with a kind and a one-line message that
// names the file, line or PID; src/cli maps the kind to an exit code (see man/memsnap.1).
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

namespace memsnap {

enum class ErrorKind {
    Usage,       // bad arguments: exit 2
    NotFound,    // no such process, or it went away while being read: exit 3
    Permission,  // not allowed to read a process's files: exit 4
    Malformed,   // an input file is not what it claims to be: exit 5
    Io,          // any other system error (full disk, ...): exit 6
};

// Why a process was left out of a listing, a capture or an exporter's sample: "gone",
// "permission denied", "malformed", "error".
constexpr std::string_view skip_reason(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::NotFound:
            return "gone";
        case ErrorKind::Permission:
            return "permission denied";
        case ErrorKind::Malformed:
            return "malformed";
        default:
            return "error";
    }
}

class Error : public std::runtime_error {
public:
    Error(ErrorKind kind, const std::string& message) : std::runtime_error(message), kind_(kind) {}
    ErrorKind kind() const { return kind_; }

private:
    ErrorKind kind_;
};

// The Error of a malformed line of an input file: Malformed, "FILE:LINE: what" (lines count
// from 1). Every line-based reader names a bad line this way.
Error malformed_line(std::string_view file, uint64_t line, std::string_view what);

// Builds the Error for a failed system call on `path` from its errno: ENOENT/ESRCH -> NotFound,
// EACCES/EPERM -> Permission, anything else -> Io. `what` says what was being done ("open").
Error error_from_errno(int err, const std::string& what, const std::string& path);

// The same for a file the user named (a diff input, --smaps FILE, an output file): always
// Io, since exit codes 3 and 4 are about processes, not files.
Error file_error_from_errno(int err, const std::string& what, const std::string& path);

}  // namespace memsnap
