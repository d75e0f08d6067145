#include "model/accumulate.h"

#include <algorithm>

#include "model/classify.h"

namespace memsnap {

Category MemoryAccumulator::add(const Mapping& m) {
    Category c = classify_mapping(m.name, m.inode);
    categories_[c] += m.usage;
    if (c != Category::NativeHeap) return c;
    std::string_view sub = native_heap_subname(strip_deleted(m.name));
    auto row = std::find_if(native_rows_.begin(), native_rows_.end(),
                            [&](const NativeHeapRow& r) { return r.name == sub; });
    if (row == native_rows_.end()) {
        native_rows_.push_back(NativeHeapRow{std::string(sub), {}});
        row = native_rows_.end() - 1;
    }
    row->usage += m.usage;
    return c;
}

std::vector<NativeHeapRow> MemoryAccumulator::native_heap() const {
    std::vector<NativeHeapRow> rows = native_rows_;
    std::sort(rows.begin(), rows.end(), [](const NativeHeapRow& a, const NativeHeapRow& b) {
        if (a.usage.pss != b.usage.pss) return a.usage.pss > b.usage.pss;
        return a.name < b.name;
    });
    return rows;
}

}  // namespace memsnap
