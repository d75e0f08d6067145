#pragma once
// What `memsnap capture` holds of one process between reading it (procfs/capture.h) and writing
// it into the archive (formats/capture_archive.h): each file's bytes, or a link's target, and
// the time it was read.
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "model/capture_manifest.h"

namespace memsnap {

// The bytes of one file: in memory up to kMemoryLimit, the rest in an unlinked temporary file
// (in $TMPDIR, else /tmp), so a process with a huge smaps costs bounded memory.
class Spool {
public:
    static constexpr std::size_t kMemoryLimit = 4 << 20;
    Spool() = default;
    Spool(Spool&&) noexcept;
    Spool& operator=(Spool&&) noexcept;
    ~Spool();
    void append(const char* data, std::size_t n);
    uint64_t size() const { return size_; }
    // Hands the bytes over in order, in pieces.
    template <class F>
    void for_each_piece(F&& f) const;
    void for_each_piece_fn(void (*f)(void*, const char*, std::size_t), void* ctx) const;

private:
    std::string memory_;
    std::FILE* overflow_ = nullptr;
    uint64_t size_ = 0;
};

template <class F>
void Spool::for_each_piece(F&& f) const {
    for_each_piece_fn([](void* ctx, const char* p, std::size_t n) { (*static_cast<F*>(ctx))(p, n); },
                      &f);
}

struct CapturedFile {
    std::string path;  // relative to the root: "42/smaps"
    bool symlink = false;
    std::string link;  // a symlink's target
    Spool data;        // a file's bytes
    CaptureTime time;  // when it was read
};

struct CapturedProcess {
    int64_t pid = 0;
    std::vector<std::string> dirs;  // "42", "42/fd", "42/task/43", ... for the archive
    std::vector<CapturedFile> files;
};

// The clocks now (wall and CLOCK_MONOTONIC).
CaptureTime capture_time_now();

}  // namespace memsnap
