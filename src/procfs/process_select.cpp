#include "procfs/process_select.h"

#include <sys/stat.h>

#include <algorithm>
#include <unordered_map>

#include "model/error.h"
#include "procfs/cgroup.h"
#include "procfs/file.h"
#include "procfs/parallel_read.h"
#include "procfs/status.h"

namespace memsnap {
namespace {

std::string normalise_cgroup(std::string path) {
    const std::string_view mount = "/sys/fs/cgroup";
    if (path.starts_with(mount) && (path.size() == mount.size() || path[mount.size()] == '/'))
        path.erase(0, mount.size());
    while (path.size() > 1 && path.back() == '/') path.pop_back();
    if (path.empty() || path.front() != '/') path.insert(path.begin(), '/');
    return path;
}

struct Candidate {
    LiveProcess process;
    int64_t ppid = 0;
    bool live = false;
    bool kernel_thread = false;
    uint64_t inode = 0;  // of its directory, when the root is a filesystem (0: not known)
};

// The inode of <pid>/ under a root on a filesystem (the live /proc, a tree), 0 otherwise.
uint64_t directory_inode(const ProcRoot& root, int64_t pid) {
    std::optional<std::string> dir = root.source().filesystem_path(std::to_string(pid));
    struct stat st {};
    if (!dir || ::stat(dir->c_str(), &st) != 0) return 0;
    return static_cast<uint64_t>(st.st_ino);
}

}  // namespace

bool in_cgroup(std::string_view text, std::string_view cgroup) {
    bool in = false;
    for_each_cgroup_line(text, [&](const CgroupLine& l) {
        in = cgroup == "/" || (l.path.starts_with(cgroup) &&
                               (l.path.size() == cgroup.size() || l.path[cgroup.size()] == '/'));
        return !in;
    });
    return in;
}

ProcessSelector::ProcessSelector(ProcessFilter filter) : filter_(std::move(filter)) {
    if (!filter_.cgroup.empty()) filter_.cgroup = normalise_cgroup(filter_.cgroup);
    if (!filter_.name_pattern.empty()) {
        regex_t re;
        int rc = ::regcomp(&re, filter_.name_pattern.c_str(), REG_EXTENDED | REG_NOSUB);
        if (rc != 0) {
            char msg[256];
            ::regerror(rc, &re, msg, sizeof msg);
            throw Error(ErrorKind::Usage, "--name '" + filter_.name_pattern + "': " + msg);
        }
        pattern_ = re;
    }
}

ProcessSelector::~ProcessSelector() {
    if (pattern_) ::regfree(&*pattern_);
}

std::vector<LiveProcess> ProcessSelector::list(const ProcRoot& root, unsigned jobs,
                                               std::optional<FunctionRef<bool(int64_t)>> vouched) {
    const std::vector<int64_t> pids = list_pids(root);
    std::vector<Candidate> found(pids.size());
    const bool filtered = pattern_ || filter_.uid || !filter_.cgroup.empty();
    // Reparenting changes a ppid while the directory stays: --children reads every stat.
    const bool cached = !filtered && !filter_.children;
    auto read_one = [&](std::size_t i, unsigned) {
        Candidate& c = found[i];
        const int64_t pid = pids[i];
        if (cached) {
            // known_ is only read while reading in parallel.
            auto it = known_.find(pid);
            const bool trusted = it != known_.end() && vouched && (*vouched)(pid);
            c.inode = trusted ? it->second.inode : directory_inode(root, pid);
            if (c.inode != 0 && it != known_.end() && it->second.inode == c.inode) {
                c.process = it->second.process;
                c.ppid = it->second.ppid;
                c.kernel_thread = it->second.kernel_thread;
                c.live = !c.kernel_thread;
                return;
            }
        }
        try {
            ProcessStat st = read_stat(root, root.pid_path(pid, "stat"));
            if (st.kernel_thread()) {
                c.kernel_thread = true;
                return;
            }
            c.process.pid = pid;
            c.process.starttime = st.starttime;
            c.process.comm = st.comm;
            c.ppid = st.ppid;
            c.live = true;
            c.process.named =
                std::find(filter_.pids.begin(), filter_.pids.end(), pid) != filter_.pids.end();
            bool match = filter_.all;
            if (!match && filtered) {
                match = true;
                if (pattern_) match = ::regexec(&*pattern_, st.comm.c_str(), 0, nullptr, 0) == 0;
                if (match && filter_.uid)
                    match = read_status(root, root.pid_path(pid, "status")).uid == *filter_.uid;
                if (match && !filter_.cgroup.empty()) {
                    std::string text;
                    read_small_file(root, root.pid_path(pid, "cgroup"), text, 64 * 1024);
                    match = in_cgroup(text, filter_.cgroup);
                }
            }
            c.process.selected = match || c.process.named;
        } catch (const Error&) {
            // Gone, or not ours to read: what was read stands (a live stat, not selected).
        }
    };
    read_in_parallel(pids.size(), parallel_read_jobs(root, pids.size(), jobs), read_one);
    if (cached) {
        // What this call saw, for the next: a PID no longer listed is forgotten.
        std::unordered_map<int64_t, Known> seen;
        seen.reserve(found.size());
        for (std::size_t i = 0; i < found.size(); ++i) {
            const Candidate& c = found[i];
            if (c.inode == 0 || (!c.live && !c.kernel_thread)) continue;
            seen.emplace(pids[i], Known{c.inode, c.process, c.ppid, c.kernel_thread});
        }
        known_ = std::move(seen);
    }
    if (filter_.children) {
        // Descendants: a child of a selected process is selected, down the tree (PIDs are
        // not ordered by ancestry, so walk the parent links of each process up to a match).
        std::unordered_map<int64_t, std::size_t> index;
        for (std::size_t i = 0; i < found.size(); ++i)
            if (found[i].live) index[found[i].process.pid] = i;
        for (Candidate& c : found) {
            if (!c.live || c.process.selected) continue;
            int64_t up = c.ppid;
            for (std::size_t depth = 0; up > 0 && depth < found.size(); ++depth) {
                auto it = index.find(up);
                if (it == index.end()) break;
                const Candidate& parent = found[it->second];
                if (parent.process.selected && &parent != &c) {
                    c.process.selected = true;
                    break;
                }
                up = parent.ppid;
            }
        }
    }
    std::vector<LiveProcess> out;
    out.reserve(found.size());
    for (Candidate& c : found)
        if (c.live) out.push_back(std::move(c.process));
    return out;
}

}  // namespace memsnap
