#include "render/thin.h"

#include <algorithm>

namespace memsnap {

ColumnThinner::ColumnThinner(std::size_t lines, std::size_t columns)
    : lines_(lines), max_columns_(2 * std::max<std::size_t>(columns, 1)), min_(lines), max_(lines) {}

namespace {

// `b` (later) folded into `a` (earlier).
void merge(ColumnThinner::Cell& a, const ColumnThinner::Cell& b) {
    const bool min_from_b = b.min < a.min;
    const bool max_from_b = b.max > a.max;
    if (min_from_b && max_from_b) a.min_first = b.min_first;
    else if (min_from_b) a.min_first = false;
    else if (max_from_b) a.min_first = true;
    a.min = std::min(a.min, b.min);
    a.max = std::max(a.max, b.max);
    a.last = b.last;
}

}  // namespace

void ColumnThinner::halve() {
    const std::size_t n = columns_.size();
    for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
        Column& to = columns_[i];
        Column a = columns_[2 * i];
        const Column b = 2 * i + 1 < n ? columns_[2 * i + 1] : Column{};
        for (std::size_t l = 0; l < lines_; ++l) {
            Cell c = cells_[2 * i * lines_ + l];
            if (b.samples > 0) {
                const Cell& cb = cells_[(2 * i + 1) * lines_ + l];
                if (a.samples == 0) c = cb;
                else merge(c, cb);
            }
            cells_[i * lines_ + l] = c;
        }
        if (a.samples == 0) a = b;
        else if (b.samples > 0) {
            a.last_ms = b.last_ms;
            a.samples += b.samples;
        }
        to = a;
    }
    columns_.resize((n + 1) / 2);
    cells_.resize(columns_.size() * lines_);
    width_ms_ *= 2;
}

void ColumnThinner::add(int64_t time_ms, std::span<const double> values) {
    if (samples_ == 0) {
        t0_ = time_ms;
        // The columns grow in jumps (the second sample of a series 1 s apart lands in column
        // 1000): room for all at once, so growing never copies them (reserved pages are only
        // resident once written).
        columns_.reserve(max_columns_);
        cells_.reserve(max_columns_ * lines_);
    }
    const int64_t offset = std::max<int64_t>(time_ms - t0_, 0);
    while (static_cast<std::size_t>(offset / width_ms_) >= max_columns_) halve();
    const auto index = static_cast<std::size_t>(offset / width_ms_);
    if (index >= columns_.size()) {
        columns_.resize(index + 1);
        cells_.resize(columns_.size() * lines_);
    }
    Column& col = columns_[index];
    for (std::size_t l = 0; l < lines_; ++l) {
        const double v = l < values.size() ? values[l] : 0;
        Cell& c = cells_[index * lines_ + l];
        if (col.samples == 0) c = Cell{v, v, v, v, true};
        else merge(c, Cell{v, v, v, v, true});
        min_[l] = samples_ == 0 ? v : std::min(min_[l], v);
        max_[l] = samples_ == 0 ? v : std::max(max_[l], v);
    }
    if (col.samples == 0) col.first_ms = time_ms;
    col.last_ms = time_ms;
    ++col.samples;
    ++samples_;
}

}  // namespace memsnap
