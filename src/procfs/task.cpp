#include "procfs/task.h"

#include <dirent.h>

#include <cerrno>
#include <string>
#include <vector>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {

ThreadSummary read_threads(const ProcRoot& root, int64_t pid) {
    std::string dir = root.pid_path(pid, "task");
    DIR* d = ::opendir(dir.c_str());
    if (d == nullptr) throw error_from_errno(errno, "cannot list", dir);
    std::vector<std::string> tids;
    errno = 0;
    while (dirent* e = ::readdir(d)) {
        if (e->d_name[0] != '.') tids.emplace_back(e->d_name);
    }
    int err = errno;
    ::closedir(d);
    if (err != 0) throw error_from_errno(err, "cannot list", dir);
    ThreadSummary s;
    std::string comm;
    for (const std::string& tid : tids) {
        try {
            read_small_file(dir + "/" + tid + "/comm", comm, 4096);
        } catch (const Error& e) {
            if (e.kind() == ErrorKind::NotFound) continue;  // the thread exited since readdir
            throw;
        }
        if (!comm.empty() && comm.back() == '\n') comm.pop_back();
        ++s.by_name[comm];
        ++s.num;
    }
    return s;
}

}  // namespace memsnap
