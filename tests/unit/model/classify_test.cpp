// One case per category rule: a smaps header line in, a category out. The last case checks
// that every rule of the table (src/model/classify.cpp) is exercised here, so a rule added
// without a test fails the suite.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "model/classify.h"
#include "procfs/smaps.h"

using namespace memsnap;

namespace {

struct Example {
    const char* header;  // one smaps header line, as the kernel prints it
    Category expected;
    const char* rule;  // the rule pattern this example exercises ("" for the fallbacks)
};

const std::vector<Example>& examples() {
    using C = Category;
    static const std::vector<Example> list = {
        {"7f0000000000-7f0000001000 r-xp 00000000 fd:01 1234  /system/lib64/libace.z.so", C::So, ".so"},
        {"7f0000000000-7f0000001000 r-xp 00000000 fd:01 1234  /lib/ld-musl-aarch64.so.1", C::So, ".so.1"},
        {"7f0000000000-7f0000001000 r-xp 00000000 fd:01 1234  /usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", C::So, ".so.<digits>..."},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /system/fonts/HarmonyOS_Sans.ttf", C::Ttf, ".ttf"},
        {"7f0000000000-7f0000001000 rw-s 00000000 fd:01 1234  /data/storage/el2/database/app.db", C::Db, ".db"},
        {"7f0000000000-7f0000001000 rw-s 00000000 fd:01 1234  /data/app/rdb/app.db-shm", C::Db, ".db-shm"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /data/app/com.example-1/base.apk", C::Hap, ".apk"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /system/framework/framework.jar", C::Hap, ".jar"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /data/dalvik-cache/classes.dex", C::Hap, ".dex"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /data/app/oat/arm64/base.odex", C::Hap, ".odex"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /data/app/oat/arm64/base.vdex", C::Hap, ".vdex"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /system/framework/arm64/boot.oat", C::Hap, ".oat"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /system/framework/arm64/boot.art", C::Hap, ".art"},
        {"55d000000000-55d000100000 rw-p 00000000 00:00 0  [heap]", C::NativeHeap, "[heap]"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:native_heap:jemalloc]", C::NativeHeap, "[anon:native_heap:"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:libc_malloc]", C::NativeHeap, "[anon:libc_malloc"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:scudo:primary]", C::NativeHeap, "[anon:scudo:"},
        {"7f0000000000-7f0000001000 ---p 00000000 00:00 0  [anon:GWP-ASan Guard Page]", C::NativeHeap, "[anon:GWP-ASan"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon: glibc: malloc arena]", C::NativeHeap, "[anon: glibc: malloc"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon: glibc: loader malloc]", C::NativeHeap, "[anon: glibc: loader malloc"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:ArkTS Heap]", C::ArkTsHeap, "[anon:ArkTS Heap]"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:ArkTs Static Object Space]", C::ArkTsStaticHeap, "[anon:ArkTs Static"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:dalvik-main space (region space)]", C::DalvikHeap, "[anon:dalvik-"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:partition_alloc]", C::ArkWebPaHeap, "[anon:partition_alloc"},
        {"7f0000000000-7f0000001000 ---p 00000000 00:00 0  [anon:guard:1234]", C::Guard, "[anon:guard"},
        {"7f0000000000-7f0000001000 ---p 00000000 00:00 0  [anon: glibc: pthread guard]", C::Guard, "[anon: glibc: pthread guard"},
        {"7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0  [stack]", C::Stack, "[stack"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:stack_and_tls:5678]", C::Stack, "[anon:stack"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:signal_stack:5678]", C::Stack, "[anon:signal_stack"},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon: glibc: pthread stack: 5678]", C::Stack, "[anon: glibc: pthread stack"},
        {"7f0000000000-7f0000001000 rw-s 00000000 00:05 77  /dev/kgsl-3d0", C::Dev, "/dev"},
        {"7f0000000000-7f0000001000 rw-s 00000000 00:0d 88  /dmabuf:gralloc", C::Dmabuf, "/dmabuf"},
        {"7f0000000000-7f0000001000 rw-s 00000000 00:0d 88  anon_inode:dmabuf", C::Dmabuf, "anon_inode:dmabuf"},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /data/storage/el1/bundle/entry.hap", C::Hap, "/data/storage"},
        // Fallbacks: no rule matched.
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0  [anon:ld-musl-aarch64.so.1.bss]", C::AnonOther, ""},
        {"7f0000000000-7f0000001000 rw-p 00000000 00:00 0 ", C::AnonOther, ""},
        {"7f0000000000-7f0000001000 r--p 00000000 fd:01 1234  /system/etc/zoneinfo/tzdata", C::FileOther, ""},
        // Deleted files keep their rule; names with spaces are whole.
        {"7f0000000000-7f0000001000 r-xp 00000000 fd:01 1234  /tmp/lib old.so (deleted)", C::So, ".so"},
        {"7f0000000000-7f0000001000 rw-s 00000000 00:01 99  /memfd:wayland shm (deleted)", C::FileOther, ""},
    };
    return list;
}

// Parses the header with the real smaps reader, then classifies the mapping it produced.
Category classify_header(const std::string& header, std::string* name = nullptr) {
    SmapsReader reader;
    Category c = Category::GL;
    int seen = 0;
    reader.read_text(header + "\nRss: 4 kB\n", "example", [&](const Mapping& m) {
        c = classify_mapping(m.name, m.inode);
        if (name != nullptr) *name = std::string(m.name);
        ++seen;
    });
    REQUIRE(seen == 1);
    return c;
}

}  // namespace

TEST_CASE("each category rule classifies its example") {
    for (const Example& ex : examples()) {
        CAPTURE(ex.header);
        CHECK(category_info(classify_header(ex.header)).name ==
              category_info(ex.expected).name);
    }
}

TEST_CASE("every rule of the table has an example here") {
    std::set<std::string> exercised;
    for (const Example& ex : examples()) exercised.insert(ex.rule);
    for (const CategoryRule& rule : category_rules()) {
        CAPTURE(rule.pattern);
        CHECK(exercised.count(std::string(rule.pattern)) == 1);
        CHECK(!rule.source.empty());
        // classify_mapping() answers an empty name without the table: it relies on this.
        CHECK(!rule.pattern.empty());
    }
}

TEST_CASE("suffix rules win over prefix rules, as in hidumper") {
    // A library under /data/storage is a .so, not a .hap.
    CHECK(classify_header("7f0000000000-7f0000001000 r-xp 00000000 fd:01 1 /data/storage/el1/bundle/libs/libentry.so") == Category::So);
    // And a .so under /dev is a .so.
    CHECK(classify_header("7f0000000000-7f0000001000 r-xp 00000000 fd:01 1 /dev/shm/libx.so") == Category::So);
}

TEST_CASE("versioned .so needs digits after .so") {
    CHECK(classify_mapping("/usr/lib/libc.so.6", 5) == Category::So);
    CHECK(classify_mapping("/usr/lib/ld-linux-x86-64.so.2", 5) == Category::So);
    CHECK(classify_mapping("/usr/lib/libfoo.so.x", 5) == Category::FileOther);
    CHECK(classify_mapping("/usr/lib/libfoo.so.", 5) == Category::FileOther);
    CHECK(classify_mapping("/usr/lib/libfoo.sox.1", 5) == Category::FileOther);
    CHECK(classify_mapping("so.1", 5) == Category::FileOther);
}

TEST_CASE("anonymous versus file-backed fallback uses the inode") {
    CHECK(classify_mapping("/some/file", 0) == Category::AnonOther);
    CHECK(classify_mapping("", 7) == Category::FileOther);
    CHECK(classify_mapping("", 0) == Category::AnonOther);
    CHECK(classify_mapping(" (deleted)", 0) == Category::AnonOther);
    CHECK(classify_mapping(" (deleted)", 7) == Category::FileOther);
    CHECK(classify_mapping("[vdso]", 0) == Category::AnonOther);
}

TEST_CASE("native heap sub-rows follow hiview's prefix list") {
    CHECK(native_heap_subname("[heap]") == "heap");
    CHECK(native_heap_subname("[anon:native_heap:brk]") == "brk heap");
    CHECK(native_heap_subname("[anon:native_heap:jemalloc meta]") == "jemalloc meta");
    CHECK(native_heap_subname("[anon:native_heap:jemalloc tsd]") == "jemalloc tsd");
    CHECK(native_heap_subname("[anon:native_heap:jemalloc]") == "jemalloc heap");
    CHECK(native_heap_subname("[anon:native_heap:meta]") == "meta");
    CHECK(native_heap_subname("[anon:native_heap:mmap]") == "mmap heap");
    CHECK(native_heap_subname("[anon:native_heap:musl]") == "other");
    CHECK(native_heap_subname("[anon:libc_malloc]") == "libc malloc");
    CHECK(native_heap_subname("[anon:scudo:primary]") == "scudo");
    CHECK(native_heap_subname("[anon:GWP-ASan Guard Page]") == "gwp-asan");
    CHECK(native_heap_subname("[anon: glibc: malloc arena]") == "glibc malloc");
}

TEST_CASE("category keys round-trip and the table is in enum order") {
    const auto& table = category_table();
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(static_cast<std::size_t>(table[i].category) == i);
        CHECK(category_from_key(table[i].key) == table[i].category);
    }
    CHECK_FALSE(category_from_key("no_such_row").has_value());
}
