#include "model/category.h"

namespace memsnap {

const std::array<CategoryInfo, kCategoryCount>& category_table() {
    using C = Category;
    static const std::array<CategoryInfo, kCategoryCount> table = {{
        {C::GL, "GL", "gl", true, false},
        {C::Graph, "Graph", "graph", true, false},
        {C::ArkTsHeap, "ark ts heap", "ark_ts_heap", true, false},
        {C::JsHeapInferred, "js heap (inferred)", "js_heap_inferred", false, true},
        {C::JavaHeapInferred, "java heap (inferred)", "java_heap_inferred", false, true},
        {C::GoHeapInferred, "go heap (inferred)", "go_heap_inferred", false, true},
        {C::ArkTsStaticHeap, "arkts-static heap", "arkts_static_heap", true, false},
        {C::Guard, "guard", "guard", true, false},
        {C::NativeHeap, "native heap", "native_heap", true, false},
        {C::NativeHeapInferred, "native heap (inferred)", "native_heap_inferred", false, true},
        {C::Hap, ".hap", "hap", true, false},
        {C::AnonOther, "AnonPage other", "anon_other", true, false},
        {C::Stack, "stack", "stack", true, false},
        {C::StackInferred, "stack (inferred)", "stack_inferred", false, true},
        {C::Db, ".db", "db", true, false},
        {C::So, ".so", "so", true, false},
        {C::Dev, "dev", "dev", true, false},
        {C::Dmabuf, "dmabuf", "dmabuf", true, false},
        {C::Ttf, ".ttf", "ttf", true, false},
        {C::ArkWebPaHeap, "arkweb-pa heap", "arkweb_pa_heap", true, false},
        {C::DalvikHeap, "dalvik heap", "dalvik_heap", false, false},
        {C::FileOther, "FilePage other", "file_other", true, false},
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
