#include "procfs/rollup_files.h"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

// How many descriptors may be held: RLIMIT_NOFILE's soft limit, raised towards the hard one
// for kMaxHeld files (the soft limit stays where it was when the hard one allows no more),
// less kSpareFds for every other file the watch opens.
std::size_t descriptor_budget() {
    struct rlimit lim {};
    if (::getrlimit(RLIMIT_NOFILE, &lim) != 0) return 0;
    const rlim_t want = RollupFiles::kMaxHeld + RollupFiles::kSpareFds;
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < want) {
        struct rlimit raised = lim;
        raised.rlim_cur = lim.rlim_max == RLIM_INFINITY ? want : std::min<rlim_t>(want, lim.rlim_max);
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) lim = raised;
    }
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur <= RollupFiles::kSpareFds) return 0;
    const rlim_t room = lim.rlim_cur == RLIM_INFINITY ? want : lim.rlim_cur - RollupFiles::kSpareFds;
    return static_cast<std::size_t>(std::min<rlim_t>(room, RollupFiles::kMaxHeld));
}

}  // namespace

RollupFiles::RollupFiles(const ProcRoot& root) : root_(root) {
    if (root_.source().is_procfs()) budget_ = descriptor_budget();
}

RollupFiles::~RollupFiles() {
    for (const auto& [pid, h] : held_) ::close(h.fd);
}

int RollupFiles::open(int64_t pid) const {
    if (budget_ == 0) return -1;
    std::optional<std::string> path = root_.source().filesystem_path(root_.pid_path(pid, "smaps_rollup"));
    if (!path) return -1;
    try {
        return open_proc_file(*path);
    } catch (const Error&) {
        return -1;  // gone, not ours, or out of descriptors: read by path
    }
}

void RollupFiles::adopt(int64_t pid, uint64_t starttime, int fd) {
    if (fd < 0) return;
    if (held_.size() >= budget_ || !held_.emplace(pid, Held{fd, starttime}).second) ::close(fd);
}

void RollupFiles::drop(int64_t pid, uint64_t starttime) {
    auto it = held_.find(pid);
    if (it == held_.end() || it->second.starttime != starttime) return;
    ::close(it->second.fd);
    held_.erase(it);
}

std::optional<MemUsage> RollupFiles::read(int64_t pid, SmapsReader& reader) const {
    const int fd = held_.at(pid).fd;
    MemUsage total;
    bool any = false;
    reader.reread_record(fd, root_.display(root_.pid_path(pid, "smaps_rollup")), [&](const Mapping& m) {
        total += m.usage;
        any = true;
    });
    if (!any) return std::nullopt;
    return total;
}

}  // namespace memsnap
