// `--rules memsnap` (the default): hidumper's current rows and names (hidumper.cpp, same
// sources MC:n, MU:n, MI:n), in hidumper's order, plus memsnap's extensions, each marked EXT
// with its source:
//   EXT-DELETED   a trailing " (deleted)" is dropped before matching, as Android does
//                 (libmeminfo androidprocheaps.cpp APH:49-53): a library replaced on disk while
//                 mapped is still a library.
//   EXT-SOVER     versioned shared libraries (libc.so.6, libstdc++.so.6.0.30): hidumper knows
//                 ".so" and ".so.1" only (shared/reference/categories.md D).
//   EXT-AOSP      Android names onto the nearest row: allocators (APH:58-62), [stack:TID]
//                 (APH:64), app code (.apk .jar .dex .odex .vdex .oat .art: ".hap"), ART's
//                 heaps [anon:dalvik- (APH:135) as their own "dalvik heap" row.
//   EXT-GLIBC     glibc 2.39+ glibc.mem.decorate_maps names (malloc/arena.c, malloc/malloc.c,
//                 elf/dl-minimal-malloc.c, nptl/allocatestack.c).
//   EXT-OLDHD     hidumper's older memory_filter.cpp prefixes, wider than today's:
//                 "[anon:libc_malloc" and "[anon:ArkTs Static" (any static space).
//   EXT-KERNEL    anon_inode:dmabuf is a mapped dmabuf (drivers/dma-buf/dma-buf.c).
// Shape inference (model/shape_rules.h) adds the "(inferred)" rows on kernels without names.
#include <array>

#include "model/rules/rule_set.h"

namespace memsnap {
namespace {

using C = Category;
using K = MatchKind;

constexpr std::array kRules = {
    NameRule{K::Suffix, ".db-shm", C::Db, "MC:77"},
    NameRule{K::Suffix, ".so", C::So, "MC:78"},
    NameRule{K::Suffix, ".so.1", C::So, "MC:79"},
    NameRule{K::VersionedSoSuffix, ".so.<digits>...", C::So, "EXT-SOVER: libc.so.6"},
    NameRule{K::Suffix, ".ttf", C::Ttf, "MC:80"},
    NameRule{K::Suffix, ".db", C::Db, "MC:81"},
    NameRule{K::Suffix, ".apk", C::Hap, "EXT-AOSP: APH:74 .apk, nearest row .hap"},
    NameRule{K::Suffix, ".jar", C::Hap, "EXT-AOSP: APH:71 .jar, nearest row .hap"},
    NameRule{K::Suffix, ".dex", C::Hap, "EXT-AOSP: APH:81 .dex, nearest row .hap"},
    NameRule{K::Suffix, ".odex", C::Hap, "EXT-AOSP: APH:80 .odex, nearest row .hap"},
    NameRule{K::Suffix, ".vdex", C::Hap, "EXT-AOSP: APH:85 .vdex, nearest row .hap"},
    NameRule{K::Suffix, ".oat", C::Hap, "EXT-AOSP: APH:96 .oat, nearest row .hap"},
    NameRule{K::Suffix, ".art", C::Hap, "EXT-AOSP: APH:99 .art, nearest row .hap"},
    NameRule{K::Prefix, "/data/storage", C::Hap, "MC:85"},
    NameRule{K::Suffix, ".hap", C::FileOther, "MC:89 (other)"},
    NameRule{K::Suffix, ".hsp", C::FileOther, "MC:90 (other)"},
    NameRule{K::Suffix, ".so.1.bss]", C::AnonOther, "MC:91 (other)"},
    NameRule{K::Prefix, "[heap]", C::NativeHeap, "MC:25"},
    NameRule{K::Prefix, "[anon:native_heap:", C::NativeHeap, "MC:26-34 (every native_heap: name)"},
    NameRule{K::Prefix, "[anon:libc_malloc", C::NativeHeap, "MC:35 [anon:libc_malloc]; EXT-OLDHD prefix"},
    NameRule{K::Prefix, "[anon:scudo:", C::NativeHeap, "EXT-AOSP: APH:60"},
    NameRule{K::Prefix, "[anon:GWP-ASan", C::NativeHeap, "EXT-AOSP: APH:62"},
    NameRule{K::Prefix, "[anon: glibc: malloc", C::NativeHeap, "EXT-GLIBC: malloc, malloc arena"},
    NameRule{K::Prefix, "[anon: glibc: loader malloc", C::NativeHeap, "EXT-GLIBC: ld.so's malloc"},
    NameRule{K::Prefix, "[stack", C::Stack, "MC:36 [stack]; EXT-AOSP: APH:64 [stack:TID]"},
    NameRule{K::Prefix, "[anon:stack", C::Stack, "MC:37 (and AOSP stack_and_tls)"},
    NameRule{K::Prefix, "[anon:signal_stack", C::Stack, "MC:38"},
    NameRule{K::Prefix, "[anon: glibc: pthread stack", C::Stack, "EXT-GLIBC: thread stacks"},
    NameRule{K::Prefix, "[anon:ArkTS Code", C::AnonOther, "MC:39 (other)"},
    NameRule{K::Prefix, "[anon:ArkTS Heap", C::ArkTsHeap, "MC:40"},
    NameRule{K::Prefix, "[anon:ArkTs Static Object Space]", C::ArkTsStaticHeap, "MC:41"},
    NameRule{K::Prefix, "[anon:ArkTs Static Humongous Object Space]", C::ArkTsStaticHeap, "MC:42"},
    NameRule{K::Prefix, "[anon:ArkTs Static Non Movable Space]", C::ArkTsStaticHeap, "MC:43"},
    NameRule{K::Prefix, "[anon:ArkTs Static", C::ArkTsStaticHeap, "EXT-OLDHD: any other static space"},
    NameRule{K::Prefix, "[anon:JSVM", C::JsvmHeap, "MC:44"},
    NameRule{K::Prefix, "[anon:JS_V8_HEAP", C::ArkWebJsHeap, "MC:45"},
    NameRule{K::Prefix, "[anon:partition_alloc", C::ArkWebPaHeap, "MC:46"},
    NameRule{K::Prefix, "[anon:kotlin heap", C::KotlinHeap, "MC:47"},
    NameRule{K::Prefix, "[anon:hades-segment", C::RnHermesHeap, "MC:48"},
    NameRule{K::Prefix, "[anon:hermes-rt", C::RnHermesHeap, "MC:49"},
    NameRule{K::Prefix, "[anon:hermes-free-heap", C::RnHermesHeap, "MC:50"},
    NameRule{K::Prefix, "[anon:dart-", C::DartHeap, "MC:51"},
    NameRule{K::Prefix, "[anon:regexp-backtrack-stack", C::DartHeap, "MC:52"},
    NameRule{K::Prefix, "[anon:test", C::DartHeap, "MC:53"},
    NameRule{K::Prefix, "[anon:FfiCallbackMetadata::TrampolinePage", C::DartHeap, "MC:54"},
    NameRule{K::Prefix, "[anon:dalvik-", C::DalvikHeap, "EXT-AOSP: APH:135 ART's heaps"},
    NameRule{K::Prefix, "[anon:guard", C::Guard, "MC:55"},
    NameRule{K::Prefix, "[anon: glibc: pthread guard", C::Guard, "EXT-GLIBC: stack guards"},
    NameRule{K::Prefix, "/dev/", C::Dev, "MC:56-57"},
    NameRule{K::Prefix, "/dmabuf", C::Dmabuf, "MC:58"},
    NameRule{K::Prefix, "anon_inode:dmabuf", C::Dmabuf, "EXT-KERNEL: a mapped dmabuf"},
    // MC:59-73 send every other name to "other", which is also where an unmatched name goes:
    // they change nothing, so the hot path does not walk them.
};

constexpr std::array kRows = {
    RowSpec{C::GL, "GL", true},
    RowSpec{C::Graph, "Graph", true},
    RowSpec{C::ArkTsHeap, "ark ts heap", true},
    RowSpec{C::JsHeapInferred, "js heap (inferred)", false},
    RowSpec{C::JavaHeapInferred, "java heap (inferred)", false},
    RowSpec{C::GoHeapInferred, "go heap (inferred)", false},
    RowSpec{C::ArkTsStaticHeap, "arkts-static heap", true},
    RowSpec{C::Guard, "guard", true},
    RowSpec{C::NativeHeap, "native heap", true},
    RowSpec{C::NativeHeapInferred, "native heap (inferred)", false},
    RowSpec{C::Hap, ".hap", true},
    RowSpec{C::AnonOther, "AnonPage other", true},
    RowSpec{C::Stack, "stack", true},
    RowSpec{C::StackInferred, "stack (inferred)", false},
    RowSpec{C::Db, ".db", true},
    RowSpec{C::So, ".so", true},
    RowSpec{C::Dev, "dev", true},
    RowSpec{C::Dmabuf, "dmabuf", true},
    RowSpec{C::Ttf, ".ttf", true},
    RowSpec{C::JsvmHeap, "jsvm heap", false},
    RowSpec{C::ArkWebJsHeap, "arkweb-js heap", false},
    RowSpec{C::ArkWebPaHeap, "arkweb-pa heap", true},
    RowSpec{C::KotlinHeap, "kotlin heap", false},
    RowSpec{C::RnHermesHeap, "rn-hermes heap", false},
    RowSpec{C::DartHeap, "dart heap", false},
    RowSpec{C::DalvikHeap, "dalvik heap", false},
    RowSpec{C::FileOther, "FilePage other", true},
};

constexpr std::array kNativeSub = {
    NativeSubRule{"[heap]", "heap", "MC:25, MIH:110"},
    NativeSubRule{"[anon:native_heap:brk", "brk heap", "MC:26, MIH:113"},
    NativeSubRule{"[anon:native_heap:jemalloc]", "jemalloc heap", "MC:27, MIH:112"},
    NativeSubRule{"[anon:native_heap:jemalloc meta]", "jemalloc meta", "MC:28, MIH:111"},
    NativeSubRule{"[anon:native_heap:jemalloc tsd]", "jemalloc tsd", "MC:29 (hidumper prints no sub-row)"},
    NativeSubRule{"[anon:native_heap:dfmalloc data]", "jemalloc heap", "MC:30"},
    NativeSubRule{"[anon:native_heap:dfmalloc meta]", "jemalloc meta", "MC:31"},
    NativeSubRule{"[anon:native_heap:meta]", "musl heap", "MC:32, MIH:114"},
    NativeSubRule{"[anon:native_heap:mmap]", "mmap heap", "MC:33, MIH:115"},
    NativeSubRule{"[anon:native_heap:", "other", "MC:34 (hidumper prints no sub-row)"},
    NativeSubRule{"[anon:libc_malloc", "libc malloc", "MC:35 (hidumper prints no sub-row)"},
    NativeSubRule{"[anon:scudo:", "scudo", "EXT-AOSP"},
    NativeSubRule{"[anon:GWP-ASan", "gwp-asan", "EXT-AOSP"},
    NativeSubRule{"[anon: glibc:", "glibc malloc", "EXT-GLIBC"},
};

constexpr RuleSet kSet{
    .id = RuleSetId::Memsnap,
    .name = "memsnap",
    .rules = kRules,
    .strip_deleted = true,         // EXT-DELETED
    .trim_trailing_spaces = true,  // MU:226
    .other_by_inode = true,        // MI:191-220
    .named_anon = C::AnonOther,
    .named_file = C::FileOther,
    .unnamed_anon = C::AnonOther,
    .unnamed_file = C::FileOther,
    .so_bss = false,
    .infer = true,
    .rows = kRows,
    .native_sub = kNativeSub,
    .native_order = {},  // every sub-row, largest Pss first
    .hidumper_layout = false,
};

}  // namespace

const RuleSet& memsnap_rule_set() { return kSet; }

}  // namespace memsnap
