// The streaming smaps reader: header fields, counters, tolerance, and every malformed case.
#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include "model/error.h"
#include "procfs/smaps.h"

using namespace memsnap;

namespace {

struct Seen {
    std::string name;
    Mapping m;
};

std::vector<Seen> parse(const std::string& text) {
    SmapsReader reader;
    std::vector<Seen> out;
    reader.read_text(text, "test.smaps", [&](const Mapping& m) {
        out.push_back({std::string(m.name), m});
    });
    return out;
}

std::string error_of(const std::string& text) {
    try {
        parse(text);
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        return e.what();
    }
    return "no error";
}

const char* kTwoMappings =
    "55d5c8a4e000-55d5c8a6f000 rw-p 00000000 00:00 0                          [heap]\n"
    "Size:                132 kB\n"
    "KernelPageSize:        4 kB\n"
    "Rss:                  12 kB\n"
    "Pss:                  10 kB\n"
    "Pss_Dirty:            10 kB\n"
    "Shared_Clean:          1 kB\n"
    "Shared_Dirty:          2 kB\n"
    "Private_Clean:         3 kB\n"
    "Private_Dirty:         6 kB\n"
    "Referenced:           12 kB\n"
    "Swap:                  7 kB\n"
    "SwapPss:               5 kB\n"
    "THPeligible:           0\n"
    "VmFlags: rd wr mr mw me ac \n"
    "7f1c2a000000-7f1c2a021000 r-xp 0001a000 fe:00 2621445                    /usr/lib/my lib.so (deleted)\n"
    "Size:                132 kB\n"
    "Rss:                 100 kB\n"
    "Pss:                  50 kB\n";

}  // namespace

TEST_CASE("header fields and counters are read, unknown keys skipped, missing keys zero") {
    auto seen = parse(kTwoMappings);
    REQUIRE(seen.size() == 2);
    const Mapping& heap = seen[0].m;
    CHECK(seen[0].name == "[heap]");
    CHECK(heap.start == 0x55d5c8a4e000ULL);
    CHECK(heap.end == 0x55d5c8a6f000ULL);
    CHECK(std::string(heap.perms) == "rw-p");
    CHECK(heap.inode == 0);
    CHECK(heap.line == 1);
    CHECK(heap.usage.size == 132);
    CHECK(heap.usage.rss == 12);
    CHECK(heap.usage.pss == 10);
    CHECK(heap.usage.shared_clean == 1);
    CHECK(heap.usage.shared_dirty == 2);
    CHECK(heap.usage.private_clean == 3);
    CHECK(heap.usage.private_dirty == 6);
    CHECK(heap.usage.swap == 7);
    CHECK(heap.usage.swap_pss == 5);
    const Mapping& lib = seen[1].m;
    CHECK(seen[1].name == "/usr/lib/my lib.so (deleted)");
    CHECK(lib.offset == 0x1a000);
    CHECK(lib.inode == 2621445);
    CHECK(lib.line == 16);
    CHECK(lib.usage.pss == 50);
    CHECK(lib.usage.swap == 0);  // missing keys are zero
    CHECK(lib.usage.private_dirty == 0);
}

TEST_CASE("a last line without a newline still counts, blank input is no mapping") {
    auto seen = parse("00400000-00401000 r--p 00000000 00:00 0\nPss: 8 kB");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].m.usage.pss == 8);
    CHECK(seen[0].name.empty());
    CHECK(parse("").empty());
}

TEST_CASE("smaps_rollup has the same shape: one record") {
    auto seen = parse(
        "5583a8a2c000-7ffd5c5f4000 ---p 00000000 00:00 0                          [rollup]\n"
        "Rss:                3880 kB\nPss:                1718 kB\nPss_Anon:            300 kB\n");
    REQUIRE(seen.size() == 1);
    CHECK(seen[0].m.usage.pss == 1718);
    CHECK(seen[0].m.usage.rss == 3880);
}

TEST_CASE("malformed input names the file and the line") {
    CHECK(error_of("Pss: 4 kB\n") == "test.smaps:1: 'Key: value' line before any mapping header");
    CHECK(error_of("00400000-00401000 r--p 00000000 00:00 0\nPss 4 kB\n") ==
          "test.smaps:2: expected 'Key: value'");
    CHECK(error_of("00400000-00401000 r--p 00000000 00:00 0\nPss: four kB\n") ==
          "test.smaps:2: expected a number of kB");
    CHECK(error_of("00400000-00401000 r--p 00000000 00:00 0\nPss: 4 MB\n") ==
          "test.smaps:2: expected 'kB' after the number");
    CHECK(error_of("00400000-00401000 r--p 00000000 00:00 0\nRss: 18446744073709551616 kB\n") ==
          "test.smaps:2: number out of range");
    CHECK(error_of("00400000 r--p 00000000 00:00 0\n") ==
          "test.smaps:1: bad mapping header: expected start-end address");
    CHECK(error_of("00401000-00400000 r--p 00000000 00:00 0\n") ==
          "test.smaps:1: bad mapping header: end address before start");
    CHECK(error_of("00400000-00401000 r--p \n") ==
          "test.smaps:1: bad mapping header: expected offset");
    CHECK(error_of("00400000-00401000 r-- 00000000 00:00 0\n") ==
          "test.smaps:1: bad mapping header: expected permissions");
    CHECK(error_of("00400000-00401000 r--p 00000000 0000 0\n") ==
          "test.smaps:1: bad mapping header: expected device major:minor");
    CHECK(error_of("00400000-00401000 r--p 00000000 00:00 x /a\n") ==
          "test.smaps:1: bad mapping header: expected inode");
    CHECK(error_of("00400000-1000000000000000000 r--p 00000000 00:00 0\n") ==
          "test.smaps:1: bad mapping header: expected start-end address");
}

TEST_CASE("a stream larger than the buffer, delivered in odd-sized pieces, parses the same") {
    // Build ~1.5 MB of smaps text (several buffer refills), write it through a pipe in
    // 1000-byte pieces, and compare with parsing the text in one go.
    std::string text;
    for (int i = 0; i < 6000; ++i) {
        char hdr[128];
        std::snprintf(hdr, sizeof hdr, "%012x-%012x rw-p 00000000 00:00 0   [anon:n%d]\n",
                      0x10000 * i, 0x10000 * i + 0x1000, i);
        text += hdr;
        text += "Size:                  4 kB\nRss:                   4 kB\nPss:    " +
                std::to_string(i % 97) +
                " kB\nShared_Clean:          0 kB\nPrivate_Dirty:         4 kB\nVmFlags: rd wr mr\n";
    }
    REQUIRE(text.size() > 3 * SmapsReader::kBufferSize);
    auto expected = parse(text);
    REQUIRE(expected.size() == 6000);

    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread writer([&] {
        for (std::size_t off = 0; off < text.size(); off += 1000) {
            std::size_t n = std::min<std::size_t>(1000, text.size() - off);
            if (::write(fds[1], text.data() + off, n) != static_cast<ssize_t>(n)) break;
        }
        ::close(fds[1]);
    });
    SmapsReader reader;
    std::vector<Seen> got;
    reader.read_fd(fds[0], "pipe", [&](const Mapping& m) { got.push_back({std::string(m.name), m}); });
    writer.join();
    ::close(fds[0]);
    REQUIRE(got.size() == expected.size());
    uint64_t pss_sum = 0;
    for (std::size_t i = 0; i < got.size(); ++i) {
        CHECK(got[i].name == expected[i].name);
        CHECK(got[i].m.usage == expected[i].m.usage);
        CHECK(got[i].m.line == expected[i].m.line);
        pss_sum += got[i].m.usage.pss;
    }
    uint64_t want = 0;
    for (int i = 0; i < 6000; ++i) want += static_cast<uint64_t>(i % 97);
    CHECK(pss_sum == want);
}

TEST_CASE("a line longer than the buffer is an error, not unbounded memory") {
    // The reader stops before the writer is done: its writes then fail with EPIPE, not a signal.
    std::signal(SIGPIPE, SIG_IGN);
    std::string text = "00400000-00401000 r--p 00000000 00:00 0 /" +
                       std::string(SmapsReader::kBufferSize + 10, 'a') + "\n";
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    std::thread writer([&] {
        std::size_t off = 0;
        while (off < text.size()) {
            ssize_t n = ::write(fds[1], text.data() + off, text.size() - off);
            if (n <= 0) break;
            off += static_cast<std::size_t>(n);
        }
        ::close(fds[1]);
    });
    SmapsReader reader;
    std::string message;
    try {
        reader.read_fd(fds[0], "long.smaps", [](const Mapping&) {});
    } catch (const Error& e) {
        message = e.what();
    }
    ::close(fds[0]);
    writer.join();
    CHECK(message == "long.smaps:1: line longer than 256 KiB");
}

TEST_CASE("read_file refuses a FIFO and reports a missing file as NotFound") {
    char dir[] = "/tmp/memsnap-test-XXXXXX";
    REQUIRE(::mkdtemp(dir) != nullptr);
    std::string fifo = std::string(dir) + "/smaps";
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    SmapsReader reader;
    try {
        reader.read_file(fifo, [](const Mapping&) {});
        FAIL("a FIFO was read");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::Malformed);
        CHECK(std::string(e.what()) == fifo + ": not a regular file");
    }
    ::unlink(fifo.c_str());
    try {
        reader.read_file(fifo, [](const Mapping&) {});
        FAIL("a missing file was read");
    } catch (const Error& e) {
        CHECK(e.kind() == ErrorKind::NotFound);
    }
    ::rmdir(dir);
}

TEST_CASE("the kernel's exact layout and any other layout give the same counters") {
    // The reader has a fast path for counter lines laid out exactly as Linux 6.x prints them,
    // in the kernel's order; every other layout and order goes the general way. Both must agree.
    const std::string header = "00400000-00403000 rw-p 00000000 00:00 0\n";
    const std::string kernel = header +
                               "Size:                 12 kB\n"
                               "KernelPageSize:        4 kB\n"
                               "Rss:                   8 kB\n"
                               "Pss:                   6 kB\n"
                               "Pss_Dirty:             6 kB\n"
                               "Shared_Clean:          1 kB\n"
                               "Shared_Dirty:          2 kB\n"
                               "Private_Clean:         3 kB\n"
                               "Private_Dirty:  12345678 kB\n"
                               "Private_Hugetlb:       0 kB\n"
                               "Swap:           123456789 kB\n"  // 9 digits: wider than the field
                               "SwapPss:               5 kB\n"
                               "THPeligible:           0\n";
    const std::string other = header +
                              "SwapPss: 5 kB\n"  // reversed order, other padding, a tab
                              "Swap:\t123456789 kB\n"
                              "Private_Dirty: 12345678 kB\n"
                              "Private_Clean: 3 kB\n"
                              "Shared_Dirty: 2  kB\n"
                              "Shared_Clean: 1kB\n"  // no space; a missing unit is malformed
                              "Pss: 6 kB\n"
                              "Rss: 8 kB\n"
                              "Size: 12 kB\n";
    auto a = parse(kernel);
    auto b = parse(other);
    REQUIRE(a.size() == 1);
    REQUIRE(b.size() == 1);
    MemUsage want;
    want.size = 12;
    want.rss = 8;
    want.pss = 6;
    want.shared_clean = 1;
    want.shared_dirty = 2;
    want.private_clean = 3;
    want.private_dirty = 12345678;
    want.swap = 123456789;
    want.swap_pss = 5;
    CHECK(a[0].m.usage == want);
    CHECK(b[0].m.usage == want);
    // A kernel-layout line whose number field is broken is still an error, with its line.
    CHECK(error_of(header + "Size:                 12 kB\nRss:                 1 2 kB\n") ==
          "test.smaps:3: expected 'kB' after the number");
    CHECK(error_of(header + "Size:                 12 kB\nRss:            \nPss:   1 kB\n") ==
          "test.smaps:3: expected a number of kB");
}
