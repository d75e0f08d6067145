#pragma once
// The rows of the memory table: the union of the rows of every rule set (model/rules/), each
// rule set saying which of them it prints, in what order and under which names. Every smaps
// mapping lands in exactly one category (model/rules/rule_set.h). The enum's order is the JSON,
// CSV and series column order; new rows go at the end.
#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

#include "model/mem_usage.h"

namespace memsnap {

enum class Category : unsigned char {
    GL,                  // GPU memory of the process's DRM clients (fdinfo), not from smaps
    Graph,               // dmabuf held through descriptors but not mapped, not from smaps
    ArkTsHeap,           // [anon:ArkTS Heap]
    JsHeapInferred,      // unnamed mappings shaped like V8 heap pages
    JavaHeapInferred,    // unnamed mappings laid out like a JVM's heap (libjvm.so mapped)
    GoHeapInferred,      // unnamed mappings laid out like Go's heap arenas (a Go binary)
    ArkTsStaticHeap,     // [anon:ArkTs Static ...]
    Guard,               // [anon:guard...]
    NativeHeap,          // [heap], [anon:native_heap:...], [anon:libc_malloc], scudo, ...
    NativeHeapInferred,  // unnamed mappings shaped like glibc arenas / mmapped chunks
    Hap,                 // /data/storage..., app packages
    AnonOther,           // "AnonPage other": every other anonymous mapping
    Stack,               // [stack], [anon:stack...], [anon:signal_stack...]
    StackInferred,       // unnamed mappings shaped like a glibc thread stack
    Db,                  // *.db, *.db-shm
    So,                  // shared libraries
    Dev,                 // /dev/...
    Dmabuf,              // mapped dmabuf buffers
    Ttf,                 // fonts
    ArkWebPaHeap,        // ArkWeb's PartitionAlloc
    DalvikHeap,          // Android's [anon:dalvik-...]
    FileOther,           // "FilePage other": every other file-backed mapping
    JsvmHeap,            // [anon:JSVM...] (hiview: JSVM's V8 heap)
    ArkWebJsHeap,        // [anon:JS_V8_HEAP...] (hiview: ArkWeb's V8 heap)
    KotlinHeap,          // [anon:kotlin heap...] (Kotlin Multiplatform)
    RnHermesHeap,        // [anon:hades-segment / hermes-rt / hermes-free-heap...] (React Native)
    DartHeap,            // [anon:dart-...] and Flutter's other names
    DalvikOther,         // Android "Dalvik Other": ART's other [anon:dalvik-...], JIT caches
    Cursor,              // Android "Cursor": /dev/ashmem/CursorWindow, /memfd:CursorWindow
    Ashmem,              // Android "Ashmem": other /dev/ashmem
    GfxDev,              // Android "Gfx dev": names containing kgsl-3d0
    Jar,                 // Android ".jar mmap"
    Apk,                 // Android ".apk mmap"
    Dex,                 // Android ".dex mmap": .odex, .vdex, names containing .dex
    Oat,                 // Android ".oat mmap"
    Art,                 // Android ".art mmap": .art, .art]
    OtherMmap,           // Android "Other mmap": named mappings no rule matched
    Memfd,               // Android libmeminfo HEAP_MEMFD: other /memfd: mappings
};

inline constexpr std::size_t kCategoryCount = static_cast<std::size_t>(Category::Memfd) + 1;

struct CategoryInfo {
    Category category;
    std::string_view name;  // as memsnap's rule set prints it ("native heap")
    std::string_view key;   // as written in JSON ("native_heap")
    bool inferred;          // filled by shape inference, not by a name rule
};

// Facts about every category, indexed by the enum's value, in table order.
const std::array<CategoryInfo, kCategoryCount>& category_table();
inline const CategoryInfo& category_info(Category c) {
    return category_table()[static_cast<std::size_t>(c)];
}
// Looks a category up by its JSON key; nullopt when no category has that key.
std::optional<Category> category_from_key(std::string_view key);

// One MemUsage per category, indexed by Category.
struct CategoryUsage {
    std::array<MemUsage, kCategoryCount> rows{};

    MemUsage& operator[](Category c) { return rows[static_cast<std::size_t>(c)]; }
    const MemUsage& operator[](Category c) const { return rows[static_cast<std::size_t>(c)]; }
    // Sum of every row.
    MemUsage total() const;
    bool operator==(const CategoryUsage&) const = default;
};

}  // namespace memsnap
