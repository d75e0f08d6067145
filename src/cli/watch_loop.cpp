#include "cli/watch_loop.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "model/error.h"

namespace memsnap {
namespace {

volatile std::sig_atomic_t g_stop_signal = 0;
void on_stop_signal(int sig) { g_stop_signal = sig; }

}  // namespace

void install_stop_handlers() {
    struct sigaction sa {};
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    ::sigaction(SIGINT, &sa, nullptr);
    ::sigaction(SIGTERM, &sa, nullptr);
}

bool stop_requested() { return g_stop_signal != 0; }

int64_t monotonic_ms() {
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000 + ts.tv_nsec / 1000000;
}

int64_t cpu_time_us() {
    timespec ts{};
    ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<int64_t>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

bool sleep_until(int64_t deadline_ms) {
    timespec ts{};
    ts.tv_sec = deadline_ms / 1000;
    ts.tv_nsec = (deadline_ms % 1000) * 1000000;
    while (g_stop_signal == 0) {
        int rc = ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        if (rc != EINTR) return g_stop_signal == 0;
    }
    return false;
}

WatchOutput::WatchOutput(const std::string& path) : fd_(STDOUT_FILENO) {
    if (path.empty()) return;
    // Read-write only to look at the last byte below; every write still appends.
    const int flags = O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY | O_NOFOLLOW;
    fd_ = ::open(path.c_str(), O_RDWR | flags, 0644);
    if (fd_ < 0 && errno == EACCES) fd_ = ::open(path.c_str(), O_WRONLY | flags, 0644);
    if (fd_ < 0 && errno == ELOOP)
        throw Error(ErrorKind::Io, "cannot open " + path + ": a symbolic link (never followed)");
    if (fd_ < 0) throw file_error_from_errno(errno, "cannot open", path);
    owned_ = true;
    name_ = path;
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && st.st_size > 0) {
        had_content_ = true;
        char last = '\n';
        if (::pread(fd_, &last, 1, st.st_size - 1) == 1 && last != '\n') write("\n");
    }
}

WatchOutput::~WatchOutput() {
    if (owned_) ::close(fd_);
}

bool WatchOutput::write(const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(fd_, p, left);
        if (n < 0) {
            if (errno == EINTR && g_stop_signal == 0) continue;
            if (errno == EINTR) return false;
            if (errno == EPIPE) {
                g_stop_signal = SIGPIPE;
                return false;
            }
            throw Error(ErrorKind::Io, "cannot write " + name_ + ": " + std::strerror(errno));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}

}  // namespace memsnap
