#pragma once
// Reads, for `memsnap capture`, exactly the files memsnap's readers use of one process (stat,
// status, comm, cmdline, cgroup, smaps or smaps_rollup, fd links, fdinfo of dmabuf/DRM descriptors,
// task/*/comm) as raw bytes, one right after the other, each with the time it was read. Never
// pagemap, mem or anything else large. The archive is written afterwards (formats/capture_archive.h).
#include <cstdint>

#include "model/capture.h"
#include "procfs/process.h"

namespace memsnap {

struct CaptureOptions {
    bool light = false;  // smaps_rollup instead of smaps
};

// Reads `path` of `root` whole (the Spool bounds memory, not a size limit), stamped with the
// time the read began. Errors as ProcSource::open.
CapturedFile capture_file(const ProcRoot& root, const std::string& path);

// Reads the files of `pid` under `root`. A part that does not exist while the process does
// (no fd/ in a tree) is left out. Throws Error naming the PID and file: NotFound when the
// process does not exist or exits while being read (stat is read again last, as
// collect_snapshot does), Permission with the same hint, Malformed for a bad stat.
CapturedProcess capture_process(const ProcRoot& root, int64_t pid, const CaptureOptions& options);

}  // namespace memsnap
