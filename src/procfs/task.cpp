#include "procfs/task.h"

#include <string>
#include <vector>

#include "model/error.h"
#include "procfs/file.h"

namespace memsnap {

ThreadSummary read_threads(const ProcRoot& root, int64_t pid) {
    std::string dir = root.pid_path(pid, "task");
    std::vector<std::string> tids = root.source().list(dir);
    std::erase_if(tids, [](const std::string& t) { return t[0] == '.'; });
    ThreadSummary s;
    std::string comm;
    for (const std::string& tid : tids) {
        try {
            read_small_file(root, dir + "/" + tid + "/comm", comm, 4096);
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
