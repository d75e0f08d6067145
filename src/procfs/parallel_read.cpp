#include "procfs/parallel_read.h"

#include <algorithm>
#include <atomic>
#include <system_error>
#include <thread>
#include <vector>

#include "procfs/process_list.h"

namespace memsnap {

unsigned parallel_read_jobs(const ProcRoot& root, std::size_t items, unsigned jobs) {
    // A tarball streams its members in archive order, which threads would break into many
    // re-reads of the archive.
    unsigned n = listing_jobs(jobs);
    if (!root.source().reads_in_parallel()) n = 1;
    return static_cast<unsigned>(std::min<std::size_t>(n, std::max<std::size_t>(items, 1)));
}

void read_in_parallel(std::size_t items, unsigned jobs,
                      FunctionRef<void(std::size_t, unsigned)> read) {
    if (jobs < 1) jobs = 1;
    std::atomic<std::size_t> next{0};
    auto work = [&](unsigned w) {
        for (std::size_t i; (i = next.fetch_add(1, std::memory_order_relaxed)) < items;) read(i, w);
    };
    if (jobs == 1) {
        work(0);
        return;
    }
    std::vector<std::jthread> threads;
    threads.reserve(jobs);
    for (unsigned w = 0; w < jobs; ++w) {
        try {
            threads.emplace_back(work, w);
        } catch (const std::system_error&) {
            break;  // no more threads to be had: those started do the work
        }
    }
    if (threads.empty()) work(0);
}  // the jthreads join here

}  // namespace memsnap
