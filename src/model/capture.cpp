#include "model/capture.h"

#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include "model/error.h"

namespace memsnap {

Spool::Spool(Spool&& o) noexcept
    : memory_(std::move(o.memory_)), overflow_(o.overflow_), size_(o.size_) {
    o.overflow_ = nullptr;
    o.size_ = 0;
}

Spool& Spool::operator=(Spool&& o) noexcept {
    if (this != &o) {
        if (overflow_) std::fclose(overflow_);
        memory_ = std::move(o.memory_);
        overflow_ = o.overflow_;
        size_ = o.size_;
        o.overflow_ = nullptr;
        o.size_ = 0;
    }
    return *this;
}

Spool::~Spool() {
    if (overflow_) std::fclose(overflow_);
}

void Spool::append(const char* data, std::size_t n) {
    size_ += n;
    std::size_t fits = std::min(n, kMemoryLimit - std::min(kMemoryLimit, memory_.size()));
    memory_.append(data, fits);
    data += fits;
    n -= fits;
    if (n == 0) return;
    if (overflow_ == nullptr) {
        const char* dir = std::getenv("TMPDIR");
        std::string tmpl = std::string(dir != nullptr && *dir != '\0' ? dir : "/tmp") +
                           "/memsnap-capture-XXXXXX";
        int fd = ::mkstemp(tmpl.data());
        if (fd < 0) throw error_from_errno(errno, "cannot create a temporary file in", tmpl);
        ::unlink(tmpl.c_str());
        overflow_ = ::fdopen(fd, "w+b");
        if (overflow_ == nullptr) {
            ::close(fd);
            throw error_from_errno(errno, "cannot open", tmpl);
        }
    }
    if (std::fwrite(data, 1, n, overflow_) != n)
        throw Error(ErrorKind::Io, std::string("cannot write a temporary file: ") + std::strerror(errno));
}

void Spool::for_each_piece_fn(void (*f)(void*, const char*, std::size_t), void* ctx) const {
    if (!memory_.empty()) f(ctx, memory_.data(), memory_.size());
    if (overflow_ == nullptr) return;
    std::rewind(overflow_);
    char buf[64 * 1024];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, overflow_)) f(ctx, buf, n);
    if (std::ferror(overflow_))
        throw Error(ErrorKind::Io, std::string("cannot read a temporary file: ") + std::strerror(errno));
}

CaptureTime capture_time_now() {
    using namespace std::chrono;
    CaptureTime t;
    t.wall_ms = duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
    timespec ts{};
    ::clock_gettime(CLOCK_MONOTONIC, &ts);
    t.monotonic_ns = static_cast<int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
    return t;
}

}  // namespace memsnap
