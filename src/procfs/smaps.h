#pragma once
// Streaming reader for /proc/PID/smaps and smaps_rollup (and any file in that format: a
// captured smaps, stdin). It calls back once per mapping and keeps no list of mappings.
//
//   SmapsReader reader;                         // owns one reusable 256 KiB buffer
//   reader.read_file("/proc/42/smaps", [&](const Mapping& m) { ... });
//
// Unknown keys are skipped and missing keys are zero (older kernels lack SwapPss, ...).
// Malformed input (a header that is not `start-end perms offset dev inode [name]`, a key line
// with no ':', a counter that is not a number or overflows 64 bits, a line longer than the
// buffer) throws Error(Malformed, "FILE:LINE: what is wrong").
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "model/function_ref.h"
#include "model/mapping.h"
#include "procfs/process.h"

namespace memsnap {

using MappingCallback = FunctionRef<void(const Mapping&)>;

class SmapsReader {
public:
    static constexpr std::size_t kBufferSize = 256 * 1024;

    SmapsReader();
    // Opens `path` (refusing FIFOs and other non-regular files) and streams it.
    void read_file(const std::string& path, MappingCallback on_mapping);
    // Opens `path` of `root` (a process's smaps, live or captured) and streams it; messages
    // name root.display(path).
    void read(const ProcRoot& root, std::string_view path, MappingCallback on_mapping);
    // Streams an already open descriptor (a pipe or stdin too); `display_name` is used in
    // messages. Does not close `fd`.
    void read_fd(int fd, std::string_view display_name, MappingCallback on_mapping);
    // Reads a held single-record seq file (smaps_rollup) again from its start, with pread(2):
    // seq_file makes the record anew at offset 0, and hands all of a record that fits the
    // buffer in one read, so a read shorter than the buffer is the whole file: one system
    // call. Errors as read_fd (ESRCH from a process gone or exec'd since the open: NotFound).
    void reread_record(int fd, std::string_view display_name, MappingCallback on_mapping);
    // Parses text held in memory (fuzzing, tests), copied through the same buffer: the same
    // line limit applies. `display_name` as above.
    void read_text(std::string_view text, std::string_view display_name,
                   MappingCallback on_mapping);

private:
    std::unique_ptr<char[]> buffer_;
};

}  // namespace memsnap
