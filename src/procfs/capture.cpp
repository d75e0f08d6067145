#include "procfs/capture.h"

#include <memory>

#include "model/descriptor.h"
#include "model/error.h"
#include "procfs/status.h"

namespace memsnap {

namespace {

std::string pid_str(int64_t pid) { return std::to_string(pid); }

}  // namespace

CapturedFile capture_file(const ProcRoot& root, const std::string& path) {
    CapturedFile f;
    f.path = path;
    f.time = capture_time_now();
    std::unique_ptr<SourceFile> file = root.source().open(path);
    char buf[64 * 1024];
    while (std::size_t n = file->read(buf, sizeof buf)) f.data.append(buf, n);
    return f;
}

namespace {

std::string as_text(const Spool& s) {
    std::string out;
    s.for_each_piece([&](const char* p, std::size_t n) { out.append(p, n); });
    return out;
}

}  // namespace

CapturedProcess capture_process(const ProcRoot& root, int64_t pid, const CaptureOptions& options) {
    CapturedProcess cp;
    cp.pid = pid;
    const std::string dir = pid_str(pid);
    cp.dirs.push_back(dir);
    bool started = false;
    // A part the process has no file for (a tree without fd/): left out, as collect does.
    auto optional = [&](auto&& read) {
        try {
            read();
        } catch (const Error& e) {
            if (e.kind() != ErrorKind::NotFound || !has_process(root, pid)) throw;
        }
    };
    try {
        CapturedFile stat = capture_file(root, dir + "/stat");
        ProcessStat st = parse_stat(as_text(stat.data), root.display(stat.path));
        if (st.exiting())
            throw Error(ErrorKind::NotFound, "process " + dir + " has exited (or is exiting)");
        cp.files.push_back(std::move(stat));
        started = true;
        for (const char* name : {"status", "comm", "cmdline", "cgroup"})
            optional([&] { cp.files.push_back(capture_file(root, dir + "/" + name)); });
        cp.files.push_back(capture_file(root, dir + (options.light ? "/smaps_rollup" : "/smaps")));
        optional([&] {
            const std::string fd_dir = dir + "/fd";
            std::vector<std::string> names = root.source().list(fd_dir);
            cp.dirs.push_back(fd_dir);
            std::vector<std::string> fdinfo;
            for (const std::string& n : names) {
                CapturedFile link;
                link.path = fd_dir + "/" + n;
                link.symlink = true;
                link.time = capture_time_now();
                try {
                    link.link = root.source().read_link(link.path);
                } catch (const Error& e) {
                    if (e.kind() == ErrorKind::NotFound) continue;  // closed since the listing
                    throw;
                }
                // The descriptors whose fdinfo memsnap reads (collect.cpp): dmabuf and DRM.
                if (fd_type_of_link(link.link) == "dmabuf" || is_drm_device(link.link))
                    fdinfo.push_back(n);
                cp.files.push_back(std::move(link));
            }
            if (!fdinfo.empty()) cp.dirs.push_back(dir + "/fdinfo");
            for (const std::string& n : fdinfo) {
                try {
                    cp.files.push_back(capture_file(root, dir + "/fdinfo/" + n));
                } catch (const Error& e) {
                    if (e.kind() != ErrorKind::NotFound) throw;  // closed since readlink
                }
            }
        });
        optional([&] {
            const std::string task_dir = dir + "/task";
            std::vector<std::string> tids = root.source().list(task_dir);
            cp.dirs.push_back(task_dir);
            for (const std::string& tid : tids) {
                if (tid[0] == '.') continue;
                try {
                    CapturedFile comm = capture_file(root, task_dir + "/" + tid + "/comm");
                    cp.dirs.push_back(task_dir + "/" + tid);
                    cp.files.push_back(std::move(comm));
                } catch (const Error& e) {
                    if (e.kind() != ErrorKind::NotFound) throw;  // the thread exited
                }
            }
        });
        // smaps of a process that exited mid-read ends early: check it is still the same one.
        std::string again;
        {
            CapturedFile after = capture_file(root, dir + "/stat");
            again = as_text(after.data);
        }
        ProcessStat st2 = parse_stat(again, root.display(dir + "/stat"));
        if (st2.exiting() || st2.starttime != st.starttime)
            throw Error(ErrorKind::NotFound, "process " + dir + " exited while being read");
    } catch (const Error& e) {
        if (std::string_view(e.what()).starts_with("process ")) throw;
        if (e.kind() == ErrorKind::NotFound)
            throw Error(ErrorKind::NotFound,
                        started ? "process " + dir + " exited while being read (" + e.what() + ")"
                                : "no process " + dir + " (" + e.what() + ")");
        if (e.kind() == ErrorKind::Permission)
            throw Error(ErrorKind::Permission,
                        std::string(e.what()) +
                            " (reading another user's process needs the same user or root, and "
                            "is limited by kernel.yama.ptrace_scope)");
        throw;
    }
    return cp;
}

}  // namespace memsnap
