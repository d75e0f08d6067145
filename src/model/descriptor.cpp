#include "model/descriptor.h"

namespace memsnap {
namespace {

// anon_inode kinds that get their own type (kernel: fs/eventfd.c, fs/eventpoll.c, fs/timerfd.c,
// fs/signalfd.c, fs/notify/inotify, drivers/dma-buf/dma-buf.c and sync_file.c).
constexpr std::string_view kAnonKinds[] = {"eventfd",  "eventpoll", "timerfd",  "signalfd",
                                           "inotify",  "dmabuf",    "sync_file"};

}  // namespace

std::string fd_type_of_link(std::string_view t) {
    if (t.starts_with("socket:")) return "socket";
    if (t.starts_with("pipe:")) return "pipe";
    if (t.starts_with("anon_inode:")) {
        std::string_view kind = t.substr(11);
        if (kind.size() >= 2 && kind.front() == '[' && kind.back() == ']')
            kind = kind.substr(1, kind.size() - 2);
        for (std::string_view k : kAnonKinds)
            if (kind == k) return std::string(k);
        return "anon_inode:" + std::string(kind);
    }
    if (t.starts_with("/dmabuf:") || t == "/dmabuf") return "dmabuf";
    if (t.starts_with("/dev/") && !t.starts_with("/dev/shm/")) return "device";
    if (t.starts_with("/")) return "file";
    return "other";
}

bool is_drm_device(std::string_view p) {
    return p.starts_with("/dev/dri/") || p.starts_with("/dev/accel/");
}

bool is_gpu_device(std::string_view p) {
    return p.starts_with("/dev/kgsl") || p.starts_with("/dev/mali") ||
           p.starts_with("/dev/dri/") || p.starts_with("/dev/nvidia");
}

FdSummary summarize_fds(const std::vector<OpenFd>& fds) {
    FdSummary s;
    s.num = fds.size();
    for (const OpenFd& f : fds) ++s.by_type[f.type];
    for (const auto& [type, n] : s.by_type) {
        if (n > s.top_fd_num) {  // strictly greater: the first name wins a tie
            s.top_fd_num = n;
            s.top_fd_type = type;
        }
    }
    return s;
}

}  // namespace memsnap
