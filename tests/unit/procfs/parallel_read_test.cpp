// procfs/parallel_read.h: every item read once, by workers 0 to jobs - 1; with more than one
// job the items are read on started threads and the caller only waits (its own share made
// the listing slower: the header says how much), with one the caller reads them all.
#include "procfs/parallel_read.h"

#include <doctest/doctest.h>

#include <mutex>
#include <set>
#include <thread>
#include <vector>

using namespace memsnap;

namespace {

struct Calls {
    std::mutex m;
    std::vector<int> times;  // per item
    std::set<unsigned> workers;
    std::set<std::thread::id> threads;
};

void run(std::size_t items, unsigned jobs, Calls& c) {
    c.times.assign(items, 0);
    read_in_parallel(items, jobs, [&](std::size_t i, unsigned w) {
        std::lock_guard lock(c.m);
        ++c.times[i];
        c.workers.insert(w);
        c.threads.insert(std::this_thread::get_id());
    });
}

}  // namespace

TEST_CASE("several jobs: every item once, on started threads, never on the caller") {
    Calls c;
    run(2000, 3, c);
    for (int n : c.times) REQUIRE(n == 1);
    CHECK(c.threads.count(std::this_thread::get_id()) == 0);
    for (unsigned w : c.workers) CHECK(w < 3);
    CHECK(c.threads.size() == c.workers.size());  // one thread a worker
}

TEST_CASE("one job: the caller reads every item as worker 0") {
    Calls c;
    run(50, 1, c);
    for (int n : c.times) REQUIRE(n == 1);
    CHECK(c.threads == std::set<std::thread::id>{std::this_thread::get_id()});
    CHECK(c.workers == std::set<unsigned>{0});
}
