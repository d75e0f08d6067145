#pragma once
// The rows of the memory table. Order of the enum is the order hidumper prints
// (shared/reference/categories.md, section A); rows that hidumper does not have are shown only
// when non-zero. Every smaps mapping lands in exactly one category (see classify.h).
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
};

inline constexpr std::size_t kCategoryCount = static_cast<std::size_t>(Category::FileOther) + 1;

struct CategoryInfo {
    Category category;
    std::string_view name;  // as printed in the table ("native heap")
    std::string_view key;   // as written in JSON ("native_heap")
    bool always_shown;      // a hidumper row: printed even when zero
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
