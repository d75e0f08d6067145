#pragma once
// Readers for /proc/PID/fd/ (readlink of every entry) and /proc/PID/fdinfo/N (dmabuf and DRM
// usage keys). Called once per snapshot; nothing here runs per mapping.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/descriptor.h"
#include "procfs/process.h"

namespace memsnap {

// Every open descriptor of `pid`, by number: readdir of <pid>/fd, then readlink of each entry
// (read_fd_links). Errors: the directory cannot be listed -> from errno (NotFound, Permission,
// Io) naming it; an entry whose name is not a number -> Malformed "DIR: entry 'x' ...".
std::vector<OpenFd> read_fd_table(const ProcRoot& root, int64_t pid);

// readlink of <dir>/<n> (`dir` relative to `root`) for each of `fds`, typed with fd_type_of_link(). A descriptor that no
// longer exists (ENOENT: it was closed after readdir) is skipped, not an error. An entry that is
// not a symbolic link (a captured tree gone wrong) -> Malformed "PATH: not a symbolic link";
// other failures -> from errno naming the path.
std::vector<OpenFd> read_fd_links(const ProcRoot& root, const std::string& dir,
                                  const std::vector<int64_t>& fds);

// What memsnap uses of one fdinfo file. Sizes in bytes.
struct FdInfo {
    std::optional<uint64_t> ino;   // "ino:" (the file's inode; a dmabuf's buffer id)
    std::optional<uint64_t> size;  // "size:" (dmabuf)
    std::string exp_name;          // "exp_name:" (dmabuf exporter)
    bool drm = false;              // any drm-* key was seen
    std::string drm_driver;        // "drm-driver:"
    std::string drm_pdev;          // "drm-pdev:"
    std::string drm_client_id;     // "drm-client-id:"
    uint64_t drm_total = 0;        // sum over regions of drm-total-R (or drm-memory-R)
    uint64_t drm_resident = 0;     // sum over regions of drm-resident-R
};

// Parses fdinfo text (`key:<whitespace>value` lines, kernel Documentation/filesystems/proc.rst
// and gpu/drm-usage-stats.rst). Unknown keys are skipped. drm-total-R, drm-resident-R and the
// older drm-memory-R (an alias of drm-total-R: used for a region with no drm-total-R) take a
// number and an optional unit: none (bytes), KiB or MiB. A line with no ':', or a bad number or
// unit in a used key, throws Error(Malformed, "FILE:LINE: what is wrong").
FdInfo parse_fdinfo(std::string_view text, std::string_view display_name);

// Reads and parses `path` of `root`; errors as ProcSource::open (NotFound when the descriptor
// was closed) and parse_fdinfo.
FdInfo read_fdinfo(const ProcRoot& root, std::string_view path);

// A number and an optional unit as DRM usage keys write them ("12 KiB", "3 MiB", "4096"), in
// bytes; nullopt for anything else (or on overflow).
std::optional<uint64_t> parse_drm_size(std::string_view value);

}  // namespace memsnap
