#pragma once
// What `watch PID` and the many-process watch share around their loop: the stop signal
// (SIGINT/SIGTERM, or a reader gone: SIGPIPE), the clocks, the cadence's sleep, and the output
// that writes whole lines with one write(2) each.
#include <cstdint>
#include <string>

namespace memsnap {

// Installs the SIGINT and SIGTERM handlers (without SA_RESTART, so a blocked write or sleep
// returns) that record the signal for stop_requested().
void install_stop_handlers();
// True once SIGINT/SIGTERM came, or a write found its reader gone (EPIPE).
bool stop_requested();

int64_t monotonic_ms();
// memsnap's own CPU time so far, user + system, every thread (CLOCK_PROCESS_CPUTIME_ID).
int64_t cpu_time_us();
// Sleeps until the monotonic time `deadline_ms`; false when a stop signal came first.
bool sleep_until(int64_t deadline_ms);

// Standard output (path "") or a file appended to: a symlink refused, never followed
// (Error Io); a torn last line, left by a watch killed mid-line, ended first so the next line
// stands on its own. A file we may write but not read (mode 0200) is appended to unchecked.
class WatchOutput {
  public:
    explicit WatchOutput(const std::string& path);
    ~WatchOutput();
    WatchOutput(const WatchOutput&) = delete;
    WatchOutput& operator=(const WatchOutput&) = delete;

    // True when the file already had something in it (a CSV header is then not written again).
    bool had_content() const { return had_content_; }
    // Writes `text` with write(2), retrying short writes, so a reader or a kill never sees more
    // than one torn line. False when a stop signal interrupted a blocked write or the reader
    // went away (EPIPE); Error Io on any other failure, naming the file.
    bool write(const std::string& text);

  private:
    int fd_;
    bool owned_ = false;
    bool had_content_ = false;
    std::string name_ = "standard output";
};

}  // namespace memsnap
