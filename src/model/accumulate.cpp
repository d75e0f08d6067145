#include "model/accumulate.h"

#include <algorithm>
#include <cstring>

#include "model/classify.h"

namespace memsnap {
namespace {

Shape shape_of(const Mapping& m) {
    Shape s;
    s.start = m.start;
    s.end = m.end;
    std::memcpy(s.perms, m.perms, sizeof s.perms);
    s.file_backed = m.inode != 0;
    s.unnamed_anon = m.inode == 0 && m.name.empty();
    return s;
}

}  // namespace

Category MemoryAccumulator::add(const Mapping& m) {
    Shape shape = shape_of(m);
    if (have_pending_) settle_pending(&shape);
    if (options_.infer && shape.unnamed_anon) {
        pending_ = shape;
        pending_usage_ = m.usage;
        have_pending_ = true;
        return Category::AnonOther;
    }
    prev_ = shape;
    prev_kind_ = ShapeKind::None;
    have_prev_ = true;

    if (m.inode == 0 && m.name.starts_with("[anon:")) saw_anon_names_ = true;
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

void MemoryAccumulator::finish() {
    if (have_pending_) settle_pending(nullptr);
    for (const CategoryInfo& info : category_table()) {
        MemUsage& u = inferred_[info.category];
        categories_[saw_anon_names_ ? Category::AnonOther : info.category] += u;
        u = MemUsage{};
    }
}

void MemoryAccumulator::settle_pending(const Shape* next) {
    Neighbours n{have_prev_ ? &prev_ : nullptr, prev_kind_, next};
    const ShapeRule* rule = infer_shape(pending_, n);
    if (rule)
        inferred_[rule->category] += pending_usage_;
    else
        categories_[Category::AnonOther] += pending_usage_;
    prev_ = pending_;
    prev_kind_ = rule ? rule->kind : ShapeKind::None;
    have_prev_ = true;
    have_pending_ = false;
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
