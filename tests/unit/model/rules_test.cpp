// One example per rule of each rule set (src/model/rules/): a mapping name in, a row out, the
// expected row written from the upstream rule text (hiview memory_collector.cpp, libmeminfo
// androidprocheaps.cpp), not from memsnap's tables. The header line goes through the real smaps
// reader. A last case per set checks that every rule of its table has an example here, that the
// example is decided by that very rule, and that every rule names its source.
#include <doctest/doctest.h>

#include <set>
#include <string>
#include <vector>

#include "model/accumulate.h"
#include "model/rules/rule_set.h"
#include "procfs/smaps.h"

using namespace memsnap;

namespace {

using C = Category;

struct Example {
    std::string name;   // the mapping name as the kernel prints it ("" for an unnamed mapping)
    uint64_t inode;     // 0: anonymous
    Category expected;  // from the upstream text
    std::string rule;   // the pattern of the rule that decides it ("" for a fallback)
};

// Parses "start-end perms offset dev inode name" with the real reader, then classifies it.
Category classify_line(const RuleSet& rules, const Example& ex) {
    std::string header = "7f0000000000-7f0000001000 rw-p 00000000 " +
                         std::string(ex.inode ? "fd:01 " : "00:00 ") + std::to_string(ex.inode) +
                         (ex.name.empty() ? " " : "  " + ex.name);
    SmapsReader reader;
    Category c = C::GL;
    int seen = 0;
    reader.read_text(header + "\nRss: 4 kB\n", "example", [&](const Mapping& m) {
        c = classify_with(rules, m.name, m.inode);
        ++seen;
    });
    REQUIRE(seen == 1);
    return c;
}

// The first rule of `rules` that matches `ex` by pattern, as classify_with walks them: each rule
// alone in a set whose fallbacks give a row no name rule gives.
std::string deciding_rule(const RuleSet& rules, const Example& ex) {
    constexpr Category kNone = C::JsHeapInferred;
    for (const NameRule& rule : rules.rules) {
        if (classify_with(RuleSet{rules.id, rules.name, std::span(&rule, 1), rules.strip_deleted,
                                  rules.trim_trailing_spaces, rules.other_by_inode, kNone,
                                  kNone, kNone, kNone, false, false, {}, {}, {}, false},
                          ex.name, ex.inode) != kNone)
            return std::string(rule.pattern);
    }
    return "";
}

void check_set(const RuleSet& rules, const std::vector<Example>& examples) {
    std::set<std::string> exercised;
    for (const Example& ex : examples) {
        CAPTURE(ex.name);
        CHECK(category_info(classify_line(rules, ex)).key == category_info(ex.expected).key);
        CHECK(deciding_rule(rules, ex) == ex.rule);
        exercised.insert(ex.rule);
    }
    auto printed = [&](Category c) {
        for (const RowSpec& row : rules.rows)
            if (row.category == c) return true;
        return false;
    };
    for (Category c : {rules.named_anon, rules.named_file, rules.unnamed_anon, rules.unnamed_file})
        CHECK(printed(c));
    for (const NameRule& rule : rules.rules) {
        CAPTURE(rule.pattern);
        CHECK(printed(rule.category));  // a mapping never lands in a row the set does not print
        CHECK(exercised.count(std::string(rule.pattern)) == 1);
        CHECK(!rule.source.empty());
        CHECK(!rule.pattern.empty());  // classify_with() answers an empty name without the table
    }
}

}  // namespace

// hiview memory_collector.cpp: HIGH_PRIORITY_SUFFIX, HIGH_PRIORITY_PREFIX, SUFFIX, PREFIX; the
// "other" class split by inode in hidumper's memory_info.cpp.
TEST_CASE("hidumper: every rule, with today's hidumper rows") {
    check_set(hidumper_rule_set(), {
        {"/data/storage/el2/database/rdb/app.db-shm", 9, C::Db, ".db-shm"},
        {"/system/lib64/libace.z.so", 9, C::So, ".so"},
        {"/system/lib/ld-musl-aarch64.so.1", 9, C::So, ".so.1"},
        {"/system/fonts/HarmonyOS_Sans.ttf", 9, C::Ttf, ".ttf"},
        {"/data/app/el2/100/database/x/app.db", 9, C::Db, ".db"},
        // /data/storage is tried before the .hap suffix: the app's own package is ".hap".
        {"/data/storage/el1/bundle/entry.hap", 9, C::Hap, "/data/storage"},
        // Any other .hap/.hsp is "other": file-backed, so FilePage other.
        {"/system/app/Launcher/Launcher.hap", 9, C::FileOther, ".hap"},
        {"/system/app/shared/lib.hsp", 9, C::FileOther, ".hsp"},
        {"[anon:ld-musl-aarch64.so.1.bss]", 0, C::AnonOther, ".so.1.bss]"},
        {"[heap]", 0, C::NativeHeap, "[heap]"},
        {"[anon:native_heap:brk]", 0, C::NativeHeap, "[anon:native_heap:brk"},
        {"[anon:native_heap:jemalloc]", 0, C::NativeHeap, "[anon:native_heap:jemalloc]"},
        {"[anon:native_heap:jemalloc meta]", 0, C::NativeHeap, "[anon:native_heap:jemalloc meta]"},
        {"[anon:native_heap:jemalloc tsd]", 0, C::NativeHeap, "[anon:native_heap:jemalloc tsd]"},
        {"[anon:native_heap:dfmalloc data]", 0, C::NativeHeap, "[anon:native_heap:dfmalloc data]"},
        {"[anon:native_heap:dfmalloc meta]", 0, C::NativeHeap, "[anon:native_heap:dfmalloc meta]"},
        {"[anon:native_heap:meta]", 0, C::NativeHeap, "[anon:native_heap:meta]"},
        {"[anon:native_heap:mmap]", 0, C::NativeHeap, "[anon:native_heap:mmap]"},
        {"[anon:native_heap:musl]", 0, C::NativeHeap, "[anon:native_heap:"},
        {"[anon:libc_malloc]", 0, C::NativeHeap, "[anon:libc_malloc]"},
        {"[stack]", 0, C::Stack, "[stack]"},
        {"[anon:stack:1234]", 0, C::Stack, "[anon:stack"},
        {"[anon:signal_stack:1234]", 0, C::Stack, "[anon:signal_stack"},
        {"[anon:ArkTS Code]", 0, C::AnonOther, "[anon:ArkTS Code"},
        // A prefix without the closing bracket: any ArkTS Heap space.
        {"[anon:ArkTS Heap Old Space]", 0, C::ArkTsHeap, "[anon:ArkTS Heap"},
        {"[anon:ArkTs Static Object Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Object Space]"},
        {"[anon:ArkTs Static Humongous Object Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Humongous Object Space]"},
        {"[anon:ArkTs Static Non Movable Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Non Movable Space]"},
        {"[anon:JSVM_JIT]", 0, C::JsvmHeap, "[anon:JSVM"},
        {"[anon:JS_V8_HEAP]", 0, C::ArkWebJsHeap, "[anon:JS_V8_HEAP"},
        {"[anon:partition_alloc]", 0, C::ArkWebPaHeap, "[anon:partition_alloc"},
        {"[anon:kotlin heap]", 0, C::KotlinHeap, "[anon:kotlin heap"},
        {"[anon:hades-segment]", 0, C::RnHermesHeap, "[anon:hades-segment"},
        {"[anon:hermes-rt]", 0, C::RnHermesHeap, "[anon:hermes-rt"},
        {"[anon:hermes-free-heap]", 0, C::RnHermesHeap, "[anon:hermes-free-heap"},
        {"[anon:dart-newspace]", 0, C::DartHeap, "[anon:dart-"},
        {"[anon:regexp-backtrack-stack]", 0, C::DartHeap, "[anon:regexp-backtrack-stack"},
        {"[anon:test]", 0, C::DartHeap, "[anon:test"},
        {"[anon:FfiCallbackMetadata::TrampolinePage]", 0, C::DartHeap, "[anon:FfiCallbackMetadata::TrampolinePage"},
        {"[anon:guard:1234]", 0, C::Guard, "[anon:guard"},
        {"/dev/__parameters__/param_selinux", 9, C::Dev, "/dev/__parameters__/"},
        {"/dev/ashmem/dalvik (deleted)", 9, C::Dev, "/dev/"},
        {"/dmabuf:system", 9, C::Dmabuf, "/dmabuf"},
        {"/system/etc/zoneinfo/tzdata", 9, C::FileOther, "/"},
        // anon_inode:dmabuf is "other" here (memsnap's own rules call it dmabuf).
        {"anon_inode:dmabuf", 9, C::FileOther, "anon_inode"},
        {"[anon:v8]", 0, C::AnonOther, "[anon:v8"},
        {"[anon:dalvik-main space]", 0, C::AnonOther, "[anon:"},
        {"[contiguous]", 0, C::AnonOther, "[contiguous"},
        {"[copage]", 0, C::AnonOther, "[copage"},
        {"[file]", 0, C::AnonOther, "[file"},
        {"[guard]", 0, C::AnonOther, "[guard"},
        {"[io]", 0, C::AnonOther, "[io"},
        {"[kshare]", 0, C::AnonOther, "[kshare"},
        {"[prehistoric]", 0, C::AnonOther, "[prehistoric"},
        {"[reserve]", 0, C::AnonOther, "[reserve"},
        {"[shmm]", 0, C::AnonOther, "[shmm"},
        {"[unknown]", 0, C::AnonOther, "[unknown"},
        {"[vnodes]", 0, C::AnonOther, "[vnodes"},
        // Fallbacks and conflicts.
        {"[vdso]", 0, C::AnonOther, ""},
        {"", 0, C::AnonOther, ""},
        {"", 9, C::FileOther, ""},
        // Suffix before prefix: a .so under /data/storage is a .so, a .so under /dev/ too.
        {"/data/storage/el1/bundle/libs/arm64/libentry.so", 9, C::So, ".so"},
        {"/dev/shm/libx.so", 9, C::So, ".so"},
        // No " (deleted)" stripping: a replaced library is matched as "....so (deleted)".
        {"/system/lib64/libfoo.so (deleted)", 9, C::FileOther, "/"},
        // Exact names are prefixes in hiview: "[stack]" does not take "[stack:1234]".
        {"[stack:1234]", 0, C::AnonOther, ""},
        {"[anon:libc_malloc:x]", 0, C::AnonOther, "[anon:"},
        // Trailing white space is gone before matching (memory_utils.cpp reads lines so).
        {"/data/app/libtrail.so  ", 9, C::So, ".so"},
    });
}

// libmeminfo androidprocheaps.cpp: one if/else chain in this order.
TEST_CASE("dumpsys: every rule, with Android's heaps") {
    check_set(dumpsys_rule_set(), {
        {"[heap]", 0, C::NativeHeap, "[heap]"},
        {"[anon:libc_malloc]", 0, C::NativeHeap, "[anon:libc_malloc]"},
        {"[anon:scudo:primary]", 0, C::NativeHeap, "[anon:scudo:"},
        {"[anon:GWP-ASan Guard Page]", 0, C::NativeHeap, "[anon:GWP-ASan"},
        {"[stack]", 0, C::Stack, "[stack"},
        {"[anon:stack_and_tls:5678]", 0, C::Stack, "[anon:stack_and_tls:"},
        {"/system/lib64/libc.so", 9, C::So, ".so"},
        {"/system/framework/framework.jar", 9, C::Jar, ".jar"},
        {"/data/app/base.apk", 9, C::Apk, ".apk"},
        {"/system/fonts/Roboto-Regular.ttf", 9, C::Ttf, ".ttf"},
        {"/data/app/oat/arm64/base.odex", 9, C::Dex, ".odex"},
        // .dex anywhere in a name longer than 4: ART's extracted dex is a .dex, not Dalvik.
        {"[anon:dalvik-classes.dex extracted in memory from base.apk]", 0, C::Dex, ".dex"},
        {"/data/app/oat/arm64/base.vdex", 9, C::Dex, ".vdex"},
        {"/system/framework/arm64/boot.oat", 9, C::Oat, ".oat"},
        {"/system/framework/arm64/boot.art", 9, C::Art, ".art"},
        // The .art] suffix is tried before [anon:dalvik-.
        {"[anon:dalvik-/system/framework/boot.art]", 0, C::Art, ".art]"},
        {"/dev/kgsl-3d0", 9, C::GfxDev, "kgsl-3d0"},
        {"/dev/ashmem/CursorWindow: /data/x/app.db (deleted)", 9, C::Cursor, "/dev/ashmem/CursorWindow"},
        {"/dev/ashmem/jit-zygote-cache (deleted)", 9, C::DalvikOther, "/dev/ashmem/jit-zygote-cache"},
        {"/dev/ashmem/dalvik-indirect ref table (deleted)", 9, C::Ashmem, "/dev/ashmem"},
        {"/dev/__properties__/u:object_r:x:s0", 9, C::Dev, "/dev/"},
        {"/memfd:jit-cache (deleted)", 9, C::DalvikOther, "/memfd:jit-cache"},
        {"/memfd:jit-zygote-cache (deleted)", 9, C::DalvikOther, "/memfd:jit-zygote-cache"},
        {"/memfd:CursorWindow (deleted)", 9, C::Cursor, "/memfd:CursorWindow"},
        {"/memfd:wayland-shm (deleted)", 9, C::Memfd, "/memfd:"},
        {"[anon:dalvik-alloc space]", 0, C::DalvikHeap, "[anon:dalvik-alloc space"},
        {"[anon:dalvik-main space (region space)]", 0, C::DalvikHeap, "[anon:dalvik-main space"},
        {"[anon:dalvik-large object space allocation]", 0, C::DalvikHeap, "[anon:dalvik-large object space"},
        {"[anon:dalvik-free list large object space]", 0, C::DalvikHeap, "[anon:dalvik-free list large object space"},
        {"[anon:dalvik-non moving space]", 0, C::DalvikHeap, "[anon:dalvik-non moving space"},
        {"[anon:dalvik-zygote space]", 0, C::DalvikHeap, "[anon:dalvik-zygote space"},
        {"[anon:dalvik-LinearAlloc]", 0, C::DalvikOther, "[anon:dalvik-"},
        {"[anon:.bss]", 0, C::AnonOther, "[anon:"},
        // Named, nothing matched: Other mmap, anonymous or not; unnamed: Unknown.
        {"[vdso]", 0, C::OtherMmap, ""},
        {"/system/usr/icu/icudt72l.dat", 9, C::OtherMmap, ""},
        {"", 0, C::AnonOther, ""},
        {"", 9, C::AnonOther, ""},
        // " (deleted)" goes before matching; a bare ".dex" is not longer than 4.
        {"/data/local/tmp/libgone.so (deleted)", 9, C::So, ".so"},
        {".dex", 9, C::OtherMmap, ""},
    });
}

// memsnap: hidumper's rules (as above) plus the extensions listed in src/model/rules/memsnap.cpp.
TEST_CASE("memsnap: every rule, hidumper's plus the documented extensions") {
    check_set(memsnap_rule_set(), {
        {"/data/storage/el2/database/rdb/app.db-shm", 9, C::Db, ".db-shm"},
        {"/system/lib64/libace.z.so", 9, C::So, ".so"},
        {"/system/lib/ld-musl-aarch64.so.1", 9, C::So, ".so.1"},
        {"/usr/lib/x86_64-linux-gnu/libstdc++.so.6.0.30", 9, C::So, ".so.<digits>..."},
        {"/system/fonts/HarmonyOS_Sans.ttf", 9, C::Ttf, ".ttf"},
        {"/data/app/el2/100/database/x/app.db", 9, C::Db, ".db"},
        {"/data/app/base.apk", 9, C::Hap, ".apk"},
        {"/system/framework/framework.jar", 9, C::Hap, ".jar"},
        {"/data/dalvik-cache/classes.dex", 9, C::Hap, ".dex"},
        {"/data/app/oat/arm64/base.odex", 9, C::Hap, ".odex"},
        {"/data/app/oat/arm64/base.vdex", 9, C::Hap, ".vdex"},
        {"/system/framework/arm64/boot.oat", 9, C::Hap, ".oat"},
        {"/system/framework/arm64/boot.art", 9, C::Hap, ".art"},
        {"/data/storage/el1/bundle/entry.hap", 9, C::Hap, "/data/storage"},
        {"/system/app/Launcher/Launcher.hap", 9, C::FileOther, ".hap"},
        {"/system/app/shared/lib.hsp", 9, C::FileOther, ".hsp"},
        {"[anon:ld-musl-aarch64.so.1.bss]", 0, C::AnonOther, ".so.1.bss]"},
        {"[heap]", 0, C::NativeHeap, "[heap]"},
        {"[anon:native_heap:jemalloc]", 0, C::NativeHeap, "[anon:native_heap:"},
        {"[anon:libc_malloc]", 0, C::NativeHeap, "[anon:libc_malloc"},
        {"[anon:scudo:primary]", 0, C::NativeHeap, "[anon:scudo:"},
        {"[anon:GWP-ASan Guard Page]", 0, C::NativeHeap, "[anon:GWP-ASan"},
        {"[anon: glibc: malloc arena]", 0, C::NativeHeap, "[anon: glibc: malloc"},
        {"[anon: glibc: loader malloc]", 0, C::NativeHeap, "[anon: glibc: loader malloc"},
        {"[stack:1234]", 0, C::Stack, "[stack"},
        {"[anon:stack_and_tls:5678]", 0, C::Stack, "[anon:stack"},
        {"[anon:signal_stack:5678]", 0, C::Stack, "[anon:signal_stack"},
        {"[anon: glibc: pthread stack: 5678]", 0, C::Stack, "[anon: glibc: pthread stack"},
        {"[anon:ArkTS Code]", 0, C::AnonOther, "[anon:ArkTS Code"},
        {"[anon:ArkTS Heap]", 0, C::ArkTsHeap, "[anon:ArkTS Heap"},
        {"[anon:ArkTs Static Object Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Object Space]"},
        {"[anon:ArkTs Static Humongous Object Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Humongous Object Space]"},
        {"[anon:ArkTs Static Non Movable Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static Non Movable Space]"},
        {"[anon:ArkTs Static Young Space]", 0, C::ArkTsStaticHeap, "[anon:ArkTs Static"},
        {"[anon:JSVM_JIT]", 0, C::JsvmHeap, "[anon:JSVM"},
        {"[anon:JS_V8_HEAP]", 0, C::ArkWebJsHeap, "[anon:JS_V8_HEAP"},
        {"[anon:partition_alloc]", 0, C::ArkWebPaHeap, "[anon:partition_alloc"},
        {"[anon:kotlin heap]", 0, C::KotlinHeap, "[anon:kotlin heap"},
        {"[anon:hades-segment]", 0, C::RnHermesHeap, "[anon:hades-segment"},
        {"[anon:hermes-rt]", 0, C::RnHermesHeap, "[anon:hermes-rt"},
        {"[anon:hermes-free-heap]", 0, C::RnHermesHeap, "[anon:hermes-free-heap"},
        {"[anon:dart-newspace]", 0, C::DartHeap, "[anon:dart-"},
        {"[anon:regexp-backtrack-stack]", 0, C::DartHeap, "[anon:regexp-backtrack-stack"},
        {"[anon:test]", 0, C::DartHeap, "[anon:test"},
        {"[anon:FfiCallbackMetadata::TrampolinePage]", 0, C::DartHeap, "[anon:FfiCallbackMetadata::TrampolinePage"},
        {"[anon:dalvik-main space (region space)]", 0, C::DalvikHeap, "[anon:dalvik-"},
        {"[anon:guard:1234]", 0, C::Guard, "[anon:guard"},
        {"[anon: glibc: pthread guard]", 0, C::Guard, "[anon: glibc: pthread guard"},
        {"/dev/kgsl-3d0", 9, C::Dev, "/dev/"},
        {"/dmabuf:gralloc", 9, C::Dmabuf, "/dmabuf"},
        {"anon_inode:dmabuf", 9, C::Dmabuf, "anon_inode:dmabuf"},
        {"[vdso]", 0, C::AnonOther, ""},
        {"/system/etc/zoneinfo/tzdata", 9, C::FileOther, ""},
        {"", 0, C::AnonOther, ""},
        {"", 9, C::FileOther, ""},
        {"/tmp/lib old.so (deleted)", 9, C::So, ".so"},
        {" (deleted)", 9, C::FileOther, ""},
        {"/usr/lib/libfoo.so.x", 9, C::FileOther, ""},
        {"/usr/lib/libfoo.sox.1", 9, C::FileOther, ""},
        {"/data/app/libtrail.so  ", 9, C::So, ".so"},
        // "/dev" without the slash is not /dev/ (hidumper's pattern is "/dev/").
        {"/devices.txt", 9, C::FileOther, ""},
    });
}

// The .so bss rule (androidprocheaps.cpp: "bss section of a shared library"): an unnamed
// mapping that starts where the previous mapping ended, when that one was a .so, is a .so;
// the rule chains, and a gap or a non-.so neighbour breaks it.
TEST_CASE("dumpsys: unnamed mappings right after a .so are its bss") {
    const char* smaps =
        "1000-2000 r-xp 00000000 fd:01 9 /system/lib64/libfoo.so\nRss: 4 kB\n"
        "2000-3000 rw-p 00000000 00:00 0 \nRss: 8 kB\n"          // bss: .so
        "3000-4000 rw-p 00000000 00:00 0 \nRss: 16 kB\n"         // after a bss: .so too
        "5000-6000 rw-p 00000000 00:00 0 \nRss: 32 kB\n"         // a gap: Unknown
        "6000-7000 r--p 00000000 fd:01 9 /data/x.dat\nRss: 64 kB\n"
        "7000-8000 rw-p 00000000 00:00 0 \nRss: 128 kB\n";      // after Other mmap: Unknown
    for (RuleSetId id : {RuleSetId::Dumpsys, RuleSetId::Hidumper}) {
        MemoryAccumulator acc({.infer = false, .rules = id});
        SmapsReader reader;
        reader.read_text(smaps, "bss", [&](const Mapping& m) { acc.add(m); });
        acc.finish();
        if (id == RuleSetId::Dumpsys) {
            CHECK(acc.categories()[C::So].rss == 4 + 8 + 16);
            CHECK(acc.categories()[C::AnonOther].rss == 32 + 128);
            CHECK(acc.categories()[C::OtherMmap].rss == 64);
        } else {  // hidumper has no bss rule
            CHECK(acc.categories()[C::So].rss == 4);
            CHECK(acc.categories()[C::AnonOther].rss == 8 + 16 + 32 + 128);
        }
    }
}

// hidumper's memory_info.h NATIVE_HEAP_MAP: dfmalloc counts as jemalloc, meta is "musl heap",
// jemalloc tsd, other native_heap names and libc_malloc are in the row but in no sub-row.
TEST_CASE("hidumper: native heap sub-rows") {
    const RuleSet& h = hidumper_rule_set();
    CHECK(native_subname_with(h, "[heap]") == "heap");
    CHECK(native_subname_with(h, "[anon:native_heap:brk]") == "brk heap");
    CHECK(native_subname_with(h, "[anon:native_heap:jemalloc]") == "jemalloc heap");
    CHECK(native_subname_with(h, "[anon:native_heap:dfmalloc data]") == "jemalloc heap");
    CHECK(native_subname_with(h, "[anon:native_heap:jemalloc meta]") == "jemalloc meta");
    CHECK(native_subname_with(h, "[anon:native_heap:dfmalloc meta]") == "jemalloc meta");
    CHECK(native_subname_with(h, "[anon:native_heap:meta]") == "musl heap");
    CHECK(native_subname_with(h, "[anon:native_heap:mmap]") == "mmap heap");
    CHECK(native_subname_with(h, "[anon:native_heap:jemalloc tsd]") == "");
    CHECK(native_subname_with(h, "[anon:native_heap:musl]") == "");
    CHECK(native_subname_with(h, "[anon:libc_malloc]") == "");
    const RuleSet& m = memsnap_rule_set();
    CHECK(native_subname_with(m, "[anon:native_heap:meta]") == "musl heap");
    CHECK(native_subname_with(m, "[anon:native_heap:dfmalloc data]") == "jemalloc heap");
    CHECK(native_subname_with(m, "[anon:native_heap:jemalloc tsd]") == "jemalloc tsd");
    CHECK(native_subname_with(m, "[anon:native_heap:musl]") == "other");
    CHECK(native_subname_with(m, "[anon:libc_malloc]") == "libc malloc");
    CHECK(native_subname_with(m, "[anon:scudo:primary]") == "scudo");
    CHECK(native_subname_with(m, "[anon:GWP-ASan Guard Page]") == "gwp-asan");
    CHECK(native_subname_with(m, "[anon: glibc: malloc arena]") == "glibc malloc");
}

TEST_CASE("rule sets: names round-trip, and every row a set prints is a distinct category") {
    for (std::string_view name : rule_set_names()) {
        std::optional<RuleSetId> id = rule_set_from_name(name);
        REQUIRE(id.has_value());
        CHECK(rule_set(*id).name == name);
        std::set<Category> seen;
        for (const RowSpec& row : rule_set(*id).rows) {
            CAPTURE(row.name);
            CHECK(seen.insert(row.category).second);
        }
    }
    CHECK_FALSE(rule_set_from_name("Hidumper").has_value());
}

TEST_CASE("category keys round-trip and the table is in enum order") {
    const auto& table = category_table();
    for (std::size_t i = 0; i < table.size(); ++i) {
        CHECK(static_cast<std::size_t>(table[i].category) == i);
        CHECK(category_from_key(table[i].key) == table[i].category);
    }
    CHECK_FALSE(category_from_key("no_such_row").has_value());
}
