#include "model/accumulate.h"

#include <algorithm>
#include <cstring>


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
    MemUsage usage = m.usage;
    usage.mappings = 1;  // the rows count their mappings (diff: "in N new mappings")
    Shape shape = shape_of(m);
    if (have_pending_) settle_pending(&shape);
    if (options_.infer && shape.unnamed_anon) {
        pending_ = shape;
        pending_usage_ = usage;
        pending_offset_ = m.offset;
        pending_line_ = m.line;
        have_pending_ = true;
        last_ = PreviousMapping{true, m.end, Category::AnonOther};
        return Category::AnonOther;
    }
    prev_ = shape;
    prev_kind_ = ShapeKind::None;
    prev_region_ = Region::Anywhere;
    have_prev_ = true;

    if (m.inode != 0) layout_.note_file(m.name);
    if (names_anonymous_memory(m)) saw_anon_names_ = true;
    Category c = classify_with(*rules_, m.name, m.inode, m.start, last_);
    last_ = PreviousMapping{true, m.end, c};
    categories_[c] += usage;
    if (listener_) (*listener_)(m, c, -1);
    if (c != Category::NativeHeap || rules_->native_sub.empty()) return c;
    std::string_view sub = native_subname_with(*rules_, m.name);
    if (sub.empty()) return c;  // in the native heap row, in no sub-row (hidumper)
    auto row = std::find_if(native_rows_.begin(), native_rows_.end(),
                            [&](const NativeHeapRow& r) { return r.name == sub; });
    if (row == native_rows_.end()) {
        native_rows_.push_back(NativeHeapRow{std::string(sub), {}});
        row = native_rows_.end() - 1;
    }
    row->usage += usage;
    return c;
}

void MemoryAccumulator::finish() {
    if (have_pending_) settle_pending(nullptr);
    if (options_.go_executable) layout_.set_runtime(Runtime::Go, "go");
    // Go's first arena hint, in a process no library claimed (a captured tree has no exe).
    if (saw_go_hint_ && !layout_.libc) layout_.set_runtime(Runtime::Go, "go");
    match_rows_.clear();
    for (auto& [match, usage] : matched_) {
        Category c = saw_anon_names_ ? Category::AnonOther : attribute(match, layout_);
        categories_[c] += usage;
        match_rows_.push_back(c);
    }
    matched_.clear();
}

Category MemoryAccumulator::row_of_match(int match) const {
    if (match < 0 || static_cast<std::size_t>(match) >= match_rows_.size()) return Category::AnonOther;
    return match_rows_[static_cast<std::size_t>(match)];
}

void MemoryAccumulator::settle_pending(const Shape* next) {
    Neighbours n{have_prev_ ? &prev_ : nullptr, prev_kind_, next, prev_region_};
    ShapeMatch match = match_shape(pending_, n);
    int index = -1;
    if (match.kind == ShapeKind::None && match.region == Region::Anywhere && !match.reservation) {
        categories_[Category::AnonOther] += pending_usage_;
    } else {
        if (match.region == Region::GoArena && pending_.start % (uint64_t{1} << 40) ==
                                                   (uint64_t{0x00c0} << 32))
            saw_go_hint_ = true;
        auto same = [&](const std::pair<ShapeMatch, MemUsage>& e) {
            return e.first.kind == match.kind && e.first.fallback == match.fallback &&
                   e.first.region == match.region && e.first.reservation == match.reservation;
        };
        auto it = std::find_if(matched_.begin(), matched_.end(), same);
        if (it == matched_.end()) {
            matched_.emplace_back(match, MemUsage{});
            it = matched_.end() - 1;
        }
        it->second += pending_usage_;
        index = static_cast<int>(it - matched_.begin());
    }
    if (listener_) {
        Mapping m;
        m.start = pending_.start;
        m.end = pending_.end;
        std::memcpy(m.perms, pending_.perms, sizeof m.perms);
        m.offset = pending_offset_;
        m.usage = pending_usage_;
        m.line = pending_line_;
        Category row = index < 0 ? Category::AnonOther : attribute(match, layout_);
        (*listener_)(m, row, index);
    }
    prev_ = pending_;
    prev_kind_ = match.kind;
    prev_region_ = match.region;
    have_prev_ = true;
    have_pending_ = false;
}

std::vector<NativeHeapRow> MemoryAccumulator::native_heap() const {
    std::vector<NativeHeapRow> rows = native_rows_;
    const auto order = rules_->native_order;
    auto rank = [&](const NativeHeapRow& r) {
        return static_cast<std::size_t>(std::find(order.begin(), order.end(), r.name) - order.begin());
    };
    std::sort(rows.begin(), rows.end(), [&](const NativeHeapRow& a, const NativeHeapRow& b) {
        if (rank(a) != rank(b)) return rank(a) < rank(b);
        if (a.usage.pss != b.usage.pss) return a.usage.pss > b.usage.pss;
        return a.name < b.name;
    });
    return rows;
}

}  // namespace memsnap
