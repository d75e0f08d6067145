#include "model/error.h"

#include <cerrno>
#include <cstring>

namespace memsnap {

Error error_from_errno(int err, const std::string& what, const std::string& path) {
    std::string msg = what + " " + path + ": " + std::strerror(err);
    switch (err) {
        case ENOENT:
        case ESRCH:
            return Error(ErrorKind::NotFound, msg);
        case EACCES:
        case EPERM:
            return Error(ErrorKind::Permission, msg);
        default:
            return Error(ErrorKind::Io, msg);
    }
}

Error malformed_line(std::string_view file, uint64_t line, std::string_view what) {
    std::string msg(file);
    msg += ':';
    msg += std::to_string(line);
    msg += ": ";
    msg += what;
    return Error(ErrorKind::Malformed, msg);
}

Error file_error_from_errno(int err, const std::string& what, const std::string& path) {
    return Error(ErrorKind::Io, what + " " + path + ": " + std::strerror(err));
}

}  // namespace memsnap
