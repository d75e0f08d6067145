#include "procfs/process.h"

#include <algorithm>
#include <cerrno>
#include <charconv>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {
namespace {

bool parse_pid(std::string_view s, int64_t& pid) {
    if (s.empty() || s.size() > 10) return false;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), pid);
    return ec == std::errc() && ptr == s.data() + s.size() && pid > 0;
}

// The Tgid of status (the process a thread belongs to); 0 when it cannot be read.
int64_t thread_group_of(const ProcRoot& root, int64_t pid) {
    std::string status;
    try {
        read_small_file(root, root.pid_path(pid, "status"), status, 64 * 1024);
    } catch (const Error&) {
        return 0;
    }
    std::size_t at = status.find("\nTgid:");
    if (at == std::string::npos) return 0;
    std::string_view v(status);
    v = v.substr(at + 6);
    v.remove_prefix(std::min(v.find_first_not_of(" \t"), v.size()));
    int64_t tgid = 0;
    auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), tgid);
    return ec == std::errc() ? tgid : 0;
}

}  // namespace

std::string live_thread_dir(const ProcRoot& root, int64_t pid) {
    std::vector<std::string> names;
    try {
        names = root.source().list(root.pid_path(pid, "task"));
    } catch (const Error&) {
        return "";
    }
    std::vector<int64_t> tids;
    for (const std::string& name : names) {
        int64_t tid = 0;
        if (!name.empty() && name[0] != '0' && parse_pid(name, tid) && tid != pid) tids.push_back(tid);
    }
    std::sort(tids.begin(), tids.end());
    for (int64_t tid : tids) {
        std::string status;
        try {
            read_small_file(root, root.pid_path(pid, "task/" + std::to_string(tid) + "/status"),
                            status, 64 * 1024);
        } catch (const Error&) {
            continue;  // that thread is gone too
        }
        // A live thread of a process with an address space: its status has VmSize.
        if (status.find("\nVmSize:") != std::string::npos) return "task/" + std::to_string(tid) + "/";
    }
    return "";
}

std::string ProcRoot::pid_path(int64_t pid, std::string_view file) const {
    std::string p = std::to_string(pid);
    p += '/';
    p += file;
    return p;
}

ProcRoot open_proc_root(const std::string& path) { return ProcRoot(open_source(path)); }

bool has_process(const ProcRoot& root, int64_t pid) {
    return root.source().is_dir(std::to_string(pid));
}

std::vector<int64_t> list_pids(const ProcRoot& root) {
    std::vector<int64_t> pids;
    for (const std::string& name : root.source().list("")) {
        int64_t pid = 0;
        // Only the kernel's spelling: "0123" in a captured tree would read /123 a second time.
        if (!name.empty() && name[0] != '0' && parse_pid(name, pid)) pids.push_back(pid);
    }
    std::sort(pids.begin(), pids.end());
    return pids;
}

int64_t resolve_process(const ProcRoot& root, std::string_view spec) {
    int64_t pid = 0;
    if (parse_pid(spec, pid)) {
        if (!has_process(root, pid))
            throw Error(ErrorKind::NotFound, "no process " + std::string(spec));
        // /proc/TID exists for every thread (unlisted): a thread is not the process it is in.
        if (int64_t tgid = thread_group_of(root, pid); tgid != 0 && tgid != pid)
            throw Error(ErrorKind::Usage, std::to_string(pid) + " is a thread of process " +
                                              std::to_string(tgid) + ": give " + std::to_string(tgid));
        return pid;
    }
    if (spec == "self") {
        std::string target;
        try {
            target = root.source().read_link("self");
        } catch (const Error&) {
        }
        if (!parse_pid(target, pid))
            throw Error(ErrorKind::NotFound, "no process 'self' under " + root.display(""));
        return pid;
    }
    if (spec.empty() || spec.find('/') != std::string_view::npos)
        throw Error(ErrorKind::Usage, "not a PID or process name: '" + std::string(spec) + "'");
    std::vector<int64_t> matches;
    std::string comm;
    for (int64_t p : list_pids(root)) {
        try {
            read_small_file(root, root.pid_path(p, "comm"), comm, 4096);
        } catch (const Error&) {
            continue;  // gone or unreadable: not a candidate
        }
        while (!comm.empty() && comm.back() == '\n') comm.pop_back();
        if (comm == spec) matches.push_back(p);
    }
    if (matches.empty())
        throw Error(ErrorKind::NotFound, "no process named '" + std::string(spec) + "'");
    if (matches.size() > 1) {
        std::string list;
        for (int64_t p : matches) list += (list.empty() ? "" : ", ") + std::to_string(p);
        throw Error(ErrorKind::Usage, "'" + std::string(spec) + "' matches " +
                                          std::to_string(matches.size()) +
                                          " processes: " + list + "; give a PID");
    }
    return matches.front();
}

}  // namespace memsnap
