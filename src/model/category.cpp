#include "model/category.h"

namespace memsnap {

const std::array<CategoryInfo, kCategoryCount>& category_table() {
    using C = Category;
    static const std::array<CategoryInfo, kCategoryCount> table = {{
        {C::GL, "GL", "gl", false},
        {C::Graph, "Graph", "graph", false},
        {C::ArkTsHeap, "ark ts heap", "ark_ts_heap", false},
        {C::JsHeapInferred, "js heap (inferred)", "js_heap_inferred", true},
        {C::JavaHeapInferred, "java heap (inferred)", "java_heap_inferred", true},
        {C::GoHeapInferred, "go heap (inferred)", "go_heap_inferred", true},
        {C::ArkTsStaticHeap, "arkts-static heap", "arkts_static_heap", false},
        {C::Guard, "guard", "guard", false},
        {C::NativeHeap, "native heap", "native_heap", false},
        {C::NativeHeapInferred, "native heap (inferred)", "native_heap_inferred", true},
        {C::Hap, ".hap", "hap", false},
        {C::AnonOther, "AnonPage other", "anon_other", false},
        {C::Stack, "stack", "stack", false},
        {C::StackInferred, "stack (inferred)", "stack_inferred", true},
        {C::Db, ".db", "db", false},
        {C::So, ".so", "so", false},
        {C::Dev, "dev", "dev", false},
        {C::Dmabuf, "dmabuf", "dmabuf", false},
        {C::Ttf, ".ttf", "ttf", false},
        {C::ArkWebPaHeap, "arkweb-pa heap", "arkweb_pa_heap", false},
        {C::DalvikHeap, "dalvik heap", "dalvik_heap", false},
        {C::FileOther, "FilePage other", "file_other", false},
        {C::JsvmHeap, "jsvm heap", "jsvm_heap", false},
        {C::ArkWebJsHeap, "arkweb-js heap", "arkweb_js_heap", false},
        {C::KotlinHeap, "kotlin heap", "kotlin_heap", false},
        {C::RnHermesHeap, "rn-hermes heap", "rn_hermes_heap", false},
        {C::DartHeap, "dart heap", "dart_heap", false},
        {C::DalvikOther, "dalvik other", "dalvik_other", false},
        {C::Cursor, "cursor", "cursor", false},
        {C::Ashmem, "ashmem", "ashmem", false},
        {C::GfxDev, "gfx dev", "gfx_dev", false},
        {C::Jar, ".jar", "jar", false},
        {C::Apk, ".apk", "apk", false},
        {C::Dex, ".dex", "dex", false},
        {C::Oat, ".oat", "oat", false},
        {C::Art, ".art", "art", false},
        {C::OtherMmap, "other mmap", "other_mmap", false},
        {C::Memfd, "memfd", "memfd", false},
    }};
    return table;
}

std::optional<Category> category_from_key(std::string_view key) {
    for (const auto& info : category_table()) {
        if (info.key == key) return info.category;
    }
    return std::nullopt;
}

MemUsage CategoryUsage::total() const {
    MemUsage sum;
    for (const auto& row : rows) sum += row;
    return sum;
}

}  // namespace memsnap
