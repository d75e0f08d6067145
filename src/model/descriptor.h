#pragma once
// Open descriptors: what readlink of /proc/PID/fd/N says, typed into the kinds a resource-leak
// report counts (socket, pipe, eventfd, ..., device, file), and the per-type summary.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/snapshot.h"

namespace memsnap {

// One open descriptor as procfs/fd.h reads it.
struct OpenFd {
    int64_t fd = 0;
    std::string target;     // the link text: "pipe:[123]", "/dev/dri/renderD128", ...
    std::string type;       // fd_type_of_link(target)
    bool operator==(const OpenFd&) const = default;
};

// The type of a descriptor from its link text: "socket" (socket:[N]), "pipe" (pipe:[N]),
// "eventfd", "eventpoll", "timerfd", "signalfd", "inotify", "dmabuf", "sync_file"
// (anon_inode:[KIND] or anon_inode:KIND), "anon_inode:KIND" for any other anonymous inode kind
// (pidfd, io_uring, ...), "dmabuf" also for /dmabuf:NAME, "device" for /dev/... (but /dev/shm/
// is a "file"), "file" for any other absolute path (memfd too), "other" for the rest
// (net:[N], mnt:[N], an empty link). Never fails.
std::string fd_type_of_link(std::string_view target);

// True for a DRM (or compute accelerator) device node whose fdinfo carries drm-* usage keys:
// /dev/dri/..., /dev/accel/....
bool is_drm_device(std::string_view path);

// True for a GPU device whose mappings are GPU memory mapped into the process (they stay in the
// dev row): /dev/kgsl* (Adreno), /dev/mali* (Mali), /dev/dri/* (DRM), /dev/nvidia* (NVIDIA).
bool is_gpu_device(std::string_view path);

// Counts `fds` by type. top_fd_type is the type with the most descriptors (ties: the first by
// name) and top_fd_num its count; both empty/zero when there are no descriptors.
FdSummary summarize_fds(const std::vector<OpenFd>& fds);

}  // namespace memsnap
