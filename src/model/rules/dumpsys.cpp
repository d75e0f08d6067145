// `--rules dumpsys`: Android's `dumpsys meminfo PID` heap rows, which libmeminfo's
// ExtractAndroidHeapStatsFromFile() computes from smaps (one if/else chain, tried in order).
//
// Sources, named once:
//   APH:n  AOSP system/memory/libmeminfo androidprocheaps.cpp line n (the version stored as
//          yaap/system_memory_libmeminfo 181323b8, Android 16; Android 15's 51fa7f8a has no
//          /memfd: row and tests kgsl-3d0 only under /dev/). The chain is lines 56-170: the
//          name loses " (deleted)" first (49-53); a named mapping that nothing matched is
//          HEAP_UNKNOWN_MAP (165-166); an unnamed one that starts where the previous one ended,
//          when that one was HEAP_SO, is that library's bss (167-169), else HEAP_UNKNOWN.
//   DBG    frameworks/base/core/java/android/os/Debug.java getOtherLabel(): the row names, and
//          the order dumpsys prints the "other" rows in (OTHER_DALVIK_OTHER ... OTHER_GL).
// memsnap prints these rows in its own table layout (not dumpsys's columns); GL mtrack and EGL
// mtrack come from the memtrack HAL on Android: here they are the GL and Graph rows (DRM GPU
// memory and unmapped dmabuf, DESIGN.md section 4).
#include <array>

#include "model/rules/rule_set.h"

namespace memsnap {
namespace {

using C = Category;
using K = MatchKind;

constexpr std::array kRules = {
    NameRule{K::Prefix, "[heap]", C::NativeHeap, "APH:56 HEAP_NATIVE"},
    NameRule{K::Prefix, "[anon:libc_malloc]", C::NativeHeap, "APH:58 HEAP_NATIVE"},
    NameRule{K::Prefix, "[anon:scudo:", C::NativeHeap, "APH:60 HEAP_NATIVE"},
    NameRule{K::Prefix, "[anon:GWP-ASan", C::NativeHeap, "APH:62 HEAP_NATIVE"},
    NameRule{K::Prefix, "[stack", C::Stack, "APH:64 HEAP_STACK"},
    NameRule{K::Prefix, "[anon:stack_and_tls:", C::Stack, "APH:66 HEAP_STACK"},
    NameRule{K::Suffix, ".so", C::So, "APH:68 HEAP_SO"},
    NameRule{K::Suffix, ".jar", C::Jar, "APH:71 HEAP_JAR"},
    NameRule{K::Suffix, ".apk", C::Apk, "APH:74 HEAP_APK"},
    NameRule{K::Suffix, ".ttf", C::Ttf, "APH:77 HEAP_TTF"},
    NameRule{K::Suffix, ".odex", C::Dex, "APH:80 HEAP_DEX"},
    NameRule{K::ContainsInLonger, ".dex", C::Dex, "APH:81 HEAP_DEX (namesz > 4 && strstr .dex)"},
    NameRule{K::Suffix, ".vdex", C::Dex, "APH:85 HEAP_DEX"},
    NameRule{K::Suffix, ".oat", C::Oat, "APH:96 HEAP_OAT"},
    NameRule{K::Suffix, ".art", C::Art, "APH:99 HEAP_ART"},
    NameRule{K::Suffix, ".art]", C::Art, "APH:99 HEAP_ART (before [anon:dalvik-)"},
    NameRule{K::Contains, "kgsl-3d0", C::GfxDev, "APH:110 HEAP_GL_DEV"},
    NameRule{K::Prefix, "/dev/ashmem/CursorWindow", C::Cursor, "APH:114 HEAP_CURSOR"},
    NameRule{K::Prefix, "/dev/ashmem/jit-zygote-cache", C::DalvikOther, "APH:116 HEAP_DALVIK_OTHER"},
    NameRule{K::Prefix, "/dev/ashmem", C::Ashmem, "APH:119 HEAP_ASHMEM"},
    NameRule{K::Prefix, "/dev/", C::Dev, "APH:112 HEAP_UNKNOWN_DEV"},
    NameRule{K::Prefix, "/memfd:jit-cache", C::DalvikOther, "APH:124 HEAP_DALVIK_OTHER"},
    NameRule{K::Prefix, "/memfd:jit-zygote-cache", C::DalvikOther, "APH:127 HEAP_DALVIK_OTHER"},
    NameRule{K::Prefix, "/memfd:CursorWindow", C::Cursor, "APH:130 HEAP_CURSOR"},
    NameRule{K::Prefix, "/memfd:", C::Memfd, "APH:122 HEAP_MEMFD"},
    NameRule{K::Prefix, "[anon:dalvik-alloc space", C::DalvikHeap, "APH:139 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-main space", C::DalvikHeap, "APH:140 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-large object space", C::DalvikHeap, "APH:144 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-free list large object space", C::DalvikHeap, "APH:145 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-non moving space", C::DalvikHeap, "APH:148 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-zygote space", C::DalvikHeap, "APH:151 HEAP_DALVIK"},
    NameRule{K::Prefix, "[anon:dalvik-", C::DalvikOther, "APH:135 HEAP_DALVIK_OTHER"},
    NameRule{K::Prefix, "[anon:", C::AnonOther, "APH:133 HEAP_UNKNOWN"},
};

// dumpsys meminfo prints Native Heap and Dalvik Heap, then every "other" row with a non-zero
// value in Debug.java's order, then Unknown (always).
constexpr std::array kRows = {
    RowSpec{C::NativeHeap, "Native Heap", true},
    RowSpec{C::DalvikHeap, "Dalvik Heap", true},
    RowSpec{C::DalvikOther, "Dalvik Other", false},
    RowSpec{C::Stack, "Stack", false},
    RowSpec{C::Cursor, "Cursor", false},
    RowSpec{C::Ashmem, "Ashmem", false},
    RowSpec{C::GfxDev, "Gfx dev", false},
    RowSpec{C::Dev, "Other dev", false},
    RowSpec{C::So, ".so mmap", false},
    RowSpec{C::Jar, ".jar mmap", false},
    RowSpec{C::Apk, ".apk mmap", false},
    RowSpec{C::Ttf, ".ttf mmap", false},
    RowSpec{C::Dex, ".dex mmap", false},
    RowSpec{C::Oat, ".oat mmap", false},
    RowSpec{C::Art, ".art mmap", false},
    RowSpec{C::OtherMmap, "Other mmap", false},
    RowSpec{C::Memfd, "memfd", false},  // HEAP_MEMFD; no Debug.java label in the sources read
    RowSpec{C::Graph, "EGL mtrack", false},
    RowSpec{C::GL, "GL mtrack", false},
    RowSpec{C::AnonOther, "Unknown", true},
};

constexpr RuleSet kSet{
    .id = RuleSetId::Dumpsys,
    .name = "dumpsys",
    .rules = kRules,
    .strip_deleted = true,           // APH:49-53
    .trim_trailing_spaces = false,   // libmeminfo keeps the name as the kernel prints it
    .other_by_inode = false,         // Unknown is Unknown whatever the inode
    .named_anon = C::OtherMmap,      // APH:165 namesz > 0: HEAP_UNKNOWN_MAP
    .named_file = C::OtherMmap,
    .unnamed_anon = C::AnonOther,    // HEAP_UNKNOWN
    .unnamed_file = C::AnonOther,
    .so_bss = true,                  // APH:167-169
    .infer = false,
    .rows = kRows,
    .native_sub = {},
    .native_order = {},
    .hidumper_layout = false,
};

}  // namespace

const RuleSet& dumpsys_rule_set() { return kSet; }

}  // namespace memsnap
