#include "model/classify.h"

#include <array>

namespace memsnap {
namespace {

using C = Category;
using K = MatchKind;

// Sources, named once:
//   HIDUMPER: openharmony/hiviewdfx_hidumper, frameworks/native/src/executor/memory/memory_filter.cpp
//   HMOS:     HarmonyOS `hidumper --mem` output rows of newer releases (shared/reference)
//   AOSP:     frameworks/base/core/jni/android_os_Debug.cpp, load_maps()
//   GLIBC:    glibc 2.39 glibc.mem.decorate_maps names (malloc/arena.c, nptl/allocatestack.c)
//   CHROMIUM: base/allocator/partition_allocator, names its reservations "partition_alloc"
//   KERNEL:   drivers/dma-buf/dma-buf.c (dmabuf mappings show as anon_inode:dmabuf)
//   MEMSNAP:  memsnap's own extension, shared/reference/categories.md section D
constexpr std::array kRules = {
    // Suffix rules are tried first, as in hidumper.
    CategoryRule{K::Suffix, ".so", C::So, "HIDUMPER"},
    CategoryRule{K::Suffix, ".so.1", C::So, "HIDUMPER"},
    CategoryRule{K::VersionedSoSuffix, ".so.<digits>...", C::So, "MEMSNAP: libc.so.6"},
    CategoryRule{K::Suffix, ".ttf", C::Ttf, "HIDUMPER"},
    CategoryRule{K::Suffix, ".db", C::Db, "HIDUMPER"},
    CategoryRule{K::Suffix, ".db-shm", C::Db, "HIDUMPER"},
    CategoryRule{K::Suffix, ".apk", C::Hap, "AOSP: app package, nearest row .hap"},
    CategoryRule{K::Suffix, ".jar", C::Hap, "AOSP: .jar mmap, nearest row .hap"},
    CategoryRule{K::Suffix, ".dex", C::Hap, "AOSP: .dex mmap, nearest row .hap"},
    CategoryRule{K::Suffix, ".odex", C::Hap, "AOSP: .dex mmap, nearest row .hap"},
    CategoryRule{K::Suffix, ".vdex", C::Hap, "AOSP: .dex mmap, nearest row .hap"},
    CategoryRule{K::Suffix, ".oat", C::Hap, "AOSP: .oat mmap, nearest row .hap"},
    CategoryRule{K::Suffix, ".art", C::Hap, "AOSP: .art mmap, nearest row .hap"},
    // Prefix rules.
    CategoryRule{K::Prefix, "[heap]", C::NativeHeap, "HIDUMPER"},
    CategoryRule{K::Prefix, "[anon:native_heap:", C::NativeHeap, "HIDUMPER"},
    CategoryRule{K::Prefix, "[anon:libc_malloc", C::NativeHeap, "HIDUMPER, AOSP"},
    CategoryRule{K::Prefix, "[anon:scudo:", C::NativeHeap, "AOSP"},
    CategoryRule{K::Prefix, "[anon:GWP-ASan", C::NativeHeap, "AOSP"},
    CategoryRule{K::Prefix, "[anon: glibc: malloc", C::NativeHeap, "GLIBC: malloc, malloc arena"},
    CategoryRule{K::Prefix, "[anon: glibc: loader malloc", C::NativeHeap, "GLIBC"},
    CategoryRule{K::Prefix, "[anon:ArkTS Heap]", C::ArkTsHeap, "HIDUMPER"},
    CategoryRule{K::Prefix, "[anon:ArkTs Static", C::ArkTsStaticHeap, "HMOS"},
    CategoryRule{K::Prefix, "[anon:dalvik-", C::DalvikHeap, "AOSP"},
    CategoryRule{K::Prefix, "[anon:partition_alloc", C::ArkWebPaHeap, "CHROMIUM, HMOS"},
    CategoryRule{K::Prefix, "[anon:guard", C::Guard, "HIDUMPER"},
    CategoryRule{K::Prefix, "[anon: glibc: pthread guard", C::Guard, "GLIBC"},
    CategoryRule{K::Prefix, "[stack", C::Stack, "HIDUMPER [stack], AOSP [stack:TID]"},
    CategoryRule{K::Prefix, "[anon:stack", C::Stack, "HIDUMPER, AOSP stack_and_tls"},
    CategoryRule{K::Prefix, "[anon:signal_stack", C::Stack, "HIDUMPER"},
    CategoryRule{K::Prefix, "[anon: glibc: pthread stack", C::Stack, "GLIBC"},
    CategoryRule{K::Prefix, "/dev", C::Dev, "HIDUMPER (ashmem, kgsl, mali, dri stay here)"},
    CategoryRule{K::Prefix, "/dmabuf", C::Dmabuf, "HIDUMPER"},
    CategoryRule{K::Prefix, "anon_inode:dmabuf", C::Dmabuf, "KERNEL"},
    CategoryRule{K::Prefix, "/data/storage", C::Hap, "HIDUMPER"},
};

bool is_versioned_so(std::string_view name) {
    // Walk back over ".<digits>" groups; at least one, then ".so" must precede them.
    std::size_t end = name.size();
    int groups = 0;
    while (end > 0) {
        std::size_t i = end;
        while (i > 0 && name[i - 1] >= '0' && name[i - 1] <= '9') --i;
        if (i == end || i == 0 || name[i - 1] != '.') break;
        end = i - 1;
        ++groups;
    }
    return groups > 0 && name.substr(0, end).ends_with(".so");
}

struct SubRule {
    std::string_view prefix;
    std::string_view subname;
};
// hiview's memory collector PREFIX_LIST (openharmony/hiviewdfx_hiview), most specific first,
// plus the Android and glibc native heap names.
constexpr std::array kNativeSubRules = {
    SubRule{"[heap]", "heap"},
    SubRule{"[anon:native_heap:brk", "brk heap"},
    SubRule{"[anon:native_heap:jemalloc meta]", "jemalloc meta"},
    SubRule{"[anon:native_heap:jemalloc tsd]", "jemalloc tsd"},
    SubRule{"[anon:native_heap:jemalloc]", "jemalloc heap"},
    SubRule{"[anon:native_heap:meta]", "meta"},
    SubRule{"[anon:native_heap:mmap]", "mmap heap"},
    SubRule{"[anon:native_heap:", "other"},
    SubRule{"[anon:libc_malloc", "libc malloc"},
    SubRule{"[anon:scudo:", "scudo"},
    SubRule{"[anon:GWP-ASan", "gwp-asan"},
    SubRule{"[anon: glibc:", "glibc malloc"},
};

}  // namespace

std::span<const CategoryRule> category_rules() { return kRules; }

std::string_view strip_deleted(std::string_view name) {
    constexpr std::string_view kDeleted = " (deleted)";
    if (name.ends_with(kDeleted)) name.remove_suffix(kDeleted.size());
    return name;
}

Category classify_mapping(std::string_view name, unsigned long long inode) {
    name = strip_deleted(name);
    // Most mappings of a big process are unnamed anonymous memory, and every pattern is
    // non-empty: no rule can match an empty name, so skip the walk over the table.
    if (name.empty()) return inode == 0 ? C::AnonOther : C::FileOther;
    for (const CategoryRule& rule : kRules) {
        bool hit = false;
        switch (rule.kind) {
            // Comparing one end byte first spares most rules a memcmp call.
            case K::Suffix:
                hit = name.back() == rule.pattern.back() && name.ends_with(rule.pattern);
                break;
            case K::VersionedSoSuffix:
                hit = is_versioned_so(name);
                break;
            case K::Prefix:
                hit = name.front() == rule.pattern.front() && name.starts_with(rule.pattern);
                break;
        }
        if (hit) return rule.category;
    }
    return inode == 0 ? C::AnonOther : C::FileOther;
}

std::string_view native_heap_subname(std::string_view name) {
    for (const SubRule& rule : kNativeSubRules) {
        if (name.starts_with(rule.prefix)) return rule.subname;
    }
    return "other";
}

}  // namespace memsnap
