// `--rules hidumper`: today's `hidumper --mem PID` rows, which hidumper takes from hiview's
// memory collector since hidumper commit 6ad4365 (2024-12-19).
//
// Sources, named once (commits read for this table):
//   MC:n   openharmony/hiviewdfx_hiview c5bc8942, interfaces/inner_api/unified_collection/
//          utility/src/memory_collector.cpp line n: MapNameToMemoryType() tries
//          HIGH_PRIORITY_SUFFIX_LIST (76-82), HIGH_PRIORITY_PREFIX_LIST (84-86), SUFFIX_LIST
//          (88-92), PREFIX_LIST (24-74) in that order (lines 152-176); TYPE_TO_CLASS_MAP (94-149)
//          turns the item type into the row ("class"); an unlisted type is "other".
//   MU:n   the same commit, framework/native/unified_collection/collector/impl/memory/utils/
//          memory_utils.cpp line n (226: every line loses its trailing white space).
//   MI:n   openharmony/hiviewdfx_hidumper 90a6dbfa, frameworks/native/src/executor/memory/
//          memory_info.cpp line n, and MIH:n its header memory_info.h: MEMORY_CLASS_VEC (class
//          names, MIH:97-101), MEMORY_PRINT_ORDER_VEC (MIH:102-106), NATIVE_HEAP_TAG and
//          NATIVE_HEAP_MAP (MIH:107-116); "other" is split by inode into AnonPage other and
//          FilePage other (MI:191-220); FilePage other is always printed (MI:187).
// Deliberate differences (README "Rule sets", man page): a mapping name ending in "B" is a name,
// not a value line (MU:100 reads it as "Key: value kB"); inodes are compared in 64 bits (MI:201
// keeps 32, so inode 2^32 counts as anonymous).
#include <array>

#include "model/rules/rule_set.h"

namespace memsnap {
namespace {

using C = Category;
using K = MatchKind;

constexpr std::array kRules = {
    // HIGH_PRIORITY_SUFFIX_LIST
    NameRule{K::Suffix, ".db-shm", C::Db, "MC:77 ENTITY_DB_SHM -> MEMORY_CLASS_DB (MC:96)"},
    NameRule{K::Suffix, ".so", C::So, "MC:78 ENTITY_SO -> MEMORY_CLASS_SO (MC:99)"},
    NameRule{K::Suffix, ".so.1", C::So, "MC:79 ENTITY_SO1 -> MEMORY_CLASS_SO (MC:100)"},
    NameRule{K::Suffix, ".ttf", C::Ttf, "MC:80 ENTITY_TTF -> MEMORY_CLASS_TTF (MC:101)"},
    NameRule{K::Suffix, ".db", C::Db, "MC:81 ENTITY_DB -> MEMORY_CLASS_DB (MC:95)"},
    // HIGH_PRIORITY_PREFIX_LIST
    NameRule{K::Prefix, "/data/storage", C::Hap, "MC:85 ENTITY_DATA_STORAGE -> MEMORY_CLASS_HAP (MC:104)"},
    // SUFFIX_LIST
    NameRule{K::Suffix, ".hap", C::FileOther, "MC:89 ENTITY_HAP -> MEMORY_CLASS_OTHER (MC:97)"},
    NameRule{K::Suffix, ".hsp", C::FileOther, "MC:90 ENTITY_HSP -> MEMORY_CLASS_OTHER (MC:98)"},
    NameRule{K::Suffix, ".so.1.bss]", C::AnonOther, "MC:91 TYPE_ANON_BSS -> MEMORY_CLASS_OTHER (MC:111)"},
    // PREFIX_LIST
    NameRule{K::Prefix, "[heap]", C::NativeHeap, "MC:25 TYPE_HEAP -> NATIVE_HEAP (MC:127)"},
    NameRule{K::Prefix, "[anon:native_heap:brk", C::NativeHeap, "MC:26 -> NATIVE_HEAP (MC:112)"},
    NameRule{K::Prefix, "[anon:native_heap:jemalloc]", C::NativeHeap, "MC:27 -> NATIVE_HEAP (MC:113)"},
    NameRule{K::Prefix, "[anon:native_heap:jemalloc meta]", C::NativeHeap, "MC:28 -> NATIVE_HEAP (MC:114)"},
    NameRule{K::Prefix, "[anon:native_heap:jemalloc tsd]", C::NativeHeap, "MC:29 -> NATIVE_HEAP (MC:115)"},
    NameRule{K::Prefix, "[anon:native_heap:dfmalloc data]", C::NativeHeap, "MC:30 as JEMALLOC -> NATIVE_HEAP (MC:113)"},
    NameRule{K::Prefix, "[anon:native_heap:dfmalloc meta]", C::NativeHeap, "MC:31 as JEMALLOC_META -> NATIVE_HEAP (MC:114)"},
    NameRule{K::Prefix, "[anon:native_heap:meta]", C::NativeHeap, "MC:32 -> NATIVE_HEAP (MC:116)"},
    NameRule{K::Prefix, "[anon:native_heap:mmap]", C::NativeHeap, "MC:33 -> NATIVE_HEAP (MC:117)"},
    NameRule{K::Prefix, "[anon:native_heap:", C::NativeHeap, "MC:34 NATIVE_HEAP_OTHER -> NATIVE_HEAP (MC:118)"},
    NameRule{K::Prefix, "[anon:libc_malloc]", C::NativeHeap, "MC:35 TYPE_MALLOC -> NATIVE_HEAP (MC:130)"},
    NameRule{K::Prefix, "[stack]", C::Stack, "MC:36 TYPE_STACK -> STACK (MC:134)"},
    NameRule{K::Prefix, "[anon:stack", C::Stack, "MC:37 ANON_STACK -> STACK (MC:120)"},
    NameRule{K::Prefix, "[anon:signal_stack", C::Stack, "MC:38 ANON_SIGNAL_STACK -> STACK (MC:119)"},
    NameRule{K::Prefix, "[anon:ArkTS Code", C::AnonOther, "MC:39 ANON_ARKTS_CODE -> OTHER (MC:108)"},
    NameRule{K::Prefix, "[anon:ArkTS Heap", C::ArkTsHeap, "MC:40 ANON_ARKTS_HEAP -> ARK_TS_HEAP (MC:109)"},
    NameRule{K::Prefix, "[anon:ArkTs Static Object Space]", C::ArkTsStaticHeap, "MC:41 ANON_ARK_OBJECT -> ARK_STATIC_HEAP (MC:140)"},
    NameRule{K::Prefix, "[anon:ArkTs Static Humongous Object Space]", C::ArkTsStaticHeap, "MC:42 -> ARK_STATIC_HEAP (MC:141)"},
    NameRule{K::Prefix, "[anon:ArkTs Static Non Movable Space]", C::ArkTsStaticHeap, "MC:43 -> ARK_STATIC_HEAP (MC:142)"},
    NameRule{K::Prefix, "[anon:JSVM", C::JsvmHeap, "MC:44 ANON_JSVM_V8 -> JSVM_V8 (MC:143)"},
    NameRule{K::Prefix, "[anon:JS_V8_HEAP", C::ArkWebJsHeap, "MC:45 ANON_ARKWEB_V8 -> ARKWEB_V8 (MC:144)"},
    NameRule{K::Prefix, "[anon:partition_alloc", C::ArkWebPaHeap, "MC:46 ANON_ARKWEB_PA -> ARKWEB_PA (MC:145)"},
    NameRule{K::Prefix, "[anon:kotlin heap", C::KotlinHeap, "MC:47 ANON_KMP_HEAP -> KMP_HEAP (MC:146)"},
    NameRule{K::Prefix, "[anon:hades-segment", C::RnHermesHeap, "MC:48 -> RN_HERMES (MC:147)"},
    NameRule{K::Prefix, "[anon:hermes-rt", C::RnHermesHeap, "MC:49 -> RN_HERMES (MC:147)"},
    NameRule{K::Prefix, "[anon:hermes-free-heap", C::RnHermesHeap, "MC:50 -> RN_HERMES (MC:147)"},
    NameRule{K::Prefix, "[anon:dart-", C::DartHeap, "MC:51 -> FLUTTER_DART (MC:148)"},
    NameRule{K::Prefix, "[anon:regexp-backtrack-stack", C::DartHeap, "MC:52 -> FLUTTER_DART (MC:148)"},
    NameRule{K::Prefix, "[anon:test", C::DartHeap, "MC:53 -> FLUTTER_DART (MC:148)"},
    NameRule{K::Prefix, "[anon:FfiCallbackMetadata::TrampolinePage", C::DartHeap, "MC:54 -> FLUTTER_DART (MC:148)"},
    NameRule{K::Prefix, "[anon:guard", C::Guard, "MC:55 ANON_GUARD -> GUARD (MC:110)"},
    NameRule{K::Prefix, "/dev/__parameters__/", C::Dev, "MC:56 DEV_PARAMETER -> DEV (MC:102)"},
    NameRule{K::Prefix, "/dev/", C::Dev, "MC:57 DEV_OTHER -> DEV (MC:103)"},
    NameRule{K::Prefix, "/dmabuf", C::Dmabuf, "MC:58 ENTITY_DMABUF -> DMABUF (MC:105)"},
    NameRule{K::Prefix, "/", C::FileOther, "MC:59 ENTITY_OTHER -> OTHER (MC:106)"},
    NameRule{K::Prefix, "anon_inode", C::AnonOther, "MC:60 ANON_INODE -> OTHER (MC:107)"},
    NameRule{K::Prefix, "[anon:v8", C::AnonOther, "MC:61 ANON_V8 -> OTHER (MC:121)"},
    NameRule{K::Prefix, "[anon:", C::AnonOther, "MC:62 ANONYMOUS_OTHER -> OTHER (MC:122)"},
    NameRule{K::Prefix, "[contiguous", C::AnonOther, "MC:63 -> OTHER (MC:123)"},
    NameRule{K::Prefix, "[copage", C::AnonOther, "MC:64 -> OTHER (MC:124)"},
    NameRule{K::Prefix, "[file", C::AnonOther, "MC:65 -> OTHER (MC:125)"},
    NameRule{K::Prefix, "[guard", C::AnonOther, "MC:66 TYPE_GUARD -> OTHER (MC:126)"},
    NameRule{K::Prefix, "[io", C::AnonOther, "MC:67 -> OTHER (MC:128)"},
    NameRule{K::Prefix, "[kshare", C::AnonOther, "MC:68 -> OTHER (MC:129)"},
    NameRule{K::Prefix, "[prehistoric", C::AnonOther, "MC:69 -> OTHER (MC:131)"},
    NameRule{K::Prefix, "[reserve", C::AnonOther, "MC:70 -> OTHER (MC:132)"},
    NameRule{K::Prefix, "[shmm", C::AnonOther, "MC:71 -> OTHER (MC:133)"},
    NameRule{K::Prefix, "[unknown", C::AnonOther, "MC:72 -> OTHER (MC:135)"},
    NameRule{K::Prefix, "[vnodes", C::AnonOther, "MC:73 -> OTHER (MC:136)"},
};

// MEMORY_PRINT_ORDER_VEC (MIH:102-106), after GL and Graph (the "graph" class comes first in
// MemoryClass order and is printed as two rows, MI:552-574); FilePage other last (MI:187).
constexpr std::array kRows = {
    RowSpec{C::GL, "GL", true},
    RowSpec{C::Graph, "Graph", true},
    RowSpec{C::ArkTsHeap, "ark ts heap", false},
    RowSpec{C::ArkTsStaticHeap, "arkts-static heap", false},
    RowSpec{C::Guard, "guard", false},
    RowSpec{C::NativeHeap, "native heap", false},
    RowSpec{C::Hap, ".hap", false},
    RowSpec{C::AnonOther, "AnonPage other", false},
    RowSpec{C::Stack, "stack", false},
    RowSpec{C::Db, ".db", false},
    RowSpec{C::So, ".so", false},
    RowSpec{C::Dev, "dev", false},
    RowSpec{C::Dmabuf, "dmabuf", false},
    RowSpec{C::Ttf, ".ttf", false},
    RowSpec{C::JsvmHeap, "jsvm heap", false},
    RowSpec{C::ArkWebJsHeap, "arkweb-js heap", false},
    RowSpec{C::ArkWebPaHeap, "arkweb-pa heap", false},
    RowSpec{C::KotlinHeap, "kotlin heap", false},
    RowSpec{C::RnHermesHeap, "rn-hermes heap", false},
    RowSpec{C::DartHeap, "dart heap", false},
    RowSpec{C::FileOther, "FilePage other", true},
};

// NATIVE_HEAP_MAP (MIH:109-116) over the PREFIX_LIST types (MC:25-35): the types it does not
// list (jemalloc tsd, native_heap other, libc_malloc) are in the native heap row but no sub-row.
constexpr std::array kNativeSub = {
    NativeSubRule{"[heap]", "heap", "MC:25 TYPE_HEAP -> \"heap\" (MIH:110)"},
    NativeSubRule{"[anon:native_heap:brk", "brk heap", "MC:26 -> \"brk heap\" (MIH:113)"},
    NativeSubRule{"[anon:native_heap:jemalloc]", "jemalloc heap", "MC:27 -> \"jemalloc heap\" (MIH:112)"},
    NativeSubRule{"[anon:native_heap:jemalloc meta]", "jemalloc meta", "MC:28 -> \"jemalloc meta\" (MIH:111)"},
    NativeSubRule{"[anon:native_heap:jemalloc tsd]", "", "MC:29, not in NATIVE_HEAP_MAP"},
    NativeSubRule{"[anon:native_heap:dfmalloc data]", "jemalloc heap", "MC:30 JEMALLOC -> \"jemalloc heap\""},
    NativeSubRule{"[anon:native_heap:dfmalloc meta]", "jemalloc meta", "MC:31 JEMALLOC_META -> \"jemalloc meta\""},
    NativeSubRule{"[anon:native_heap:meta]", "musl heap", "MC:32 NATIVE_HEAP_META -> \"musl heap\" (MIH:114)"},
    NativeSubRule{"[anon:native_heap:mmap]", "mmap heap", "MC:33 -> \"mmap heap\" (MIH:115)"},
    NativeSubRule{"[anon:native_heap:", "", "MC:34 NATIVE_HEAP_OTHER, not in NATIVE_HEAP_MAP"},
    NativeSubRule{"[anon:libc_malloc]", "", "MC:35 TYPE_MALLOC, not in NATIVE_HEAP_MAP"},
};

// NATIVE_HEAP_TAG (MIH:107-108): the sub-rows printed, in this order, when they have mappings.
constexpr std::array<std::string_view, 6> kNativeOrder = {
    "heap", "jemalloc meta", "jemalloc heap", "brk heap", "musl heap", "mmap heap"};

constexpr RuleSet kSet{
    .id = RuleSetId::Hidumper,
    .name = "hidumper",
    .rules = kRules,
    .strip_deleted = false,        // matched on the name as printed: "x.so (deleted)" is other
    .trim_trailing_spaces = true,  // MU:226
    .other_by_inode = true,        // MI:191-220
    .named_anon = C::AnonOther,    // MC:175 TYPE_OTHER -> OTHER (MC:137)
    .named_file = C::FileOther,
    .unnamed_anon = C::AnonOther,
    .unnamed_file = C::FileOther,
    .so_bss = false,
    .infer = false,
    .rows = kRows,
    .native_sub = kNativeSub,
    .native_order = kNativeOrder,
    .hidumper_layout = true,
};

// `hidumper --mem-smaps -v` lists the mappings class by class: hiview groups them in a
// std::map keyed by MemoryClass (MU:168, AssembleMemoryDetails), whose order is the enum's
// (hiview c5bc8942 interfaces/inner_api/unified_collection/resource/memory.h:64-84), and hidumper
// 90a6dbfa parse_smaps_info.cpp:169-199 (GetSmapsData) walks them so, skipping graph. "other"
// is one class: AnonPage other and FilePage other share its place.
constexpr std::array kSmapsClassOrder = {
    C::Graph,      C::ArkTsHeap,    C::ArkTsStaticHeap, C::Db,           C::Dev,
    C::Dmabuf,     C::Guard,        C::Hap,             C::NativeHeap,   C::So,
    C::Stack,      C::Ttf,          C::JsvmHeap,        C::ArkWebJsHeap, C::ArkWebPaHeap,
    C::KotlinHeap, C::RnHermesHeap, C::DartHeap,        C::AnonOther,
};

}  // namespace

const RuleSet& hidumper_rule_set() { return kSet; }

int hidumper_smaps_class_rank(Category c) {
    if (c == Category::FileOther) c = Category::AnonOther;
    for (std::size_t i = 0; i < kSmapsClassOrder.size(); ++i)
        if (kSmapsClassOrder[i] == c) return static_cast<int>(i);
    return static_cast<int>(kSmapsClassOrder.size());  // not a hidumper row: after every class
}

}  // namespace memsnap
