#pragma once
// Readers for /proc/PID/status and /proc/PID/stat.
#include <cstdint>
#include <string>
#include <string_view>

#include "model/snapshot.h"
#include "procfs/process.h"

namespace memsnap {

// Parses status text (`Key:\tvalue` lines). Fills Name (unescaped: the kernel writes a
// backslash in it as \\ and a newline as \n), Pid, Uid (real), VmPeak, VmSize,
// VmHWM, VmRSS, RssAnon, RssFile, RssShmem, VmSwap, Threads; missing keys stay zero. A line
// with no ':' or a bad number in a used field throws Error(Malformed, "FILE:LINE: ...").
ProcessStatus parse_status(std::string_view text, std::string_view display_name);
// Reads and parses `path` of `root`; errors as ProcSource::open and parse_status.
ProcessStatus read_status(const ProcRoot& root, std::string_view path);

// The fields of /proc/PID/stat that memsnap uses.
struct ProcessStat {
    int64_t pid = 0;
    std::string comm;
    char state = '?';        // R, S, D, Z (zombie), X (dead), ...
    int64_t ppid = 0;        // field 4: the parent's PID (watch --children walks it)
    uint64_t flags = 0;      // field 9: the kernel's PF_* flags of the main thread
    uint64_t starttime = 0;  // field 22, clock ticks after boot

    // True once the process is exiting or has exited: its address space is being torn down
    // (PF_EXITING is set before the kernel frees the mm), so its smaps is empty or truncated.
    bool exiting() const;
    // True for a kernel thread (PF_KTHREAD): no address space of its own.
    bool kernel_thread() const { return (flags & 0x00200000) != 0; }  // include/linux/sched.h
};

// Parses stat text `pid (comm) state ...` (comm may hold spaces and parentheses). Too few
// fields or a bad number throws Error(Malformed, "FILE:1: ...").
ProcessStat parse_stat(std::string_view text, std::string_view display_name);
ProcessStat read_stat(const ProcRoot& root, std::string_view path);

}  // namespace memsnap
