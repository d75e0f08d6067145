#include "render/thin.h"

#include <algorithm>

namespace memsnap {

ColumnThinner::ColumnThinner(std::size_t lines, std::size_t columns)
    : lines_(lines),
      max_columns_(2 * std::max<std::size_t>(columns, 1)),
      cells_(lines),
      min_(lines),
      max_(lines) {}

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

const ColumnThinner::Cell ColumnThinner::kZeroCell{0, 0, 0, 0, true};

void ColumnThinner::halve() {
    const std::size_t n = columns_.size();
    for (std::vector<Cell>& cells : cells_) {
        if (cells.empty()) continue;  // zero so far: nothing to merge
        for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
            Cell c = cells[2 * i];
            if (2 * i + 1 < n && columns_[2 * i + 1].samples > 0) {
                const Cell& cb = cells[2 * i + 1];
                if (columns_[2 * i].samples == 0) c = cb;
                else merge(c, cb);
            }
            cells[i] = c;
        }
        cells.resize((n + 1) / 2);
    }
    for (std::size_t i = 0; i < (n + 1) / 2; ++i) {
        Column a = columns_[2 * i];
        const Column b = 2 * i + 1 < n ? columns_[2 * i + 1] : Column{};
        if (a.samples == 0) a = b;
        else if (b.samples > 0) {
            a.last_ms = b.last_ms;
            a.samples += b.samples;
        }
        columns_[i] = a;
    }
    columns_.resize((n + 1) / 2);
    width_ms_ *= 2;
}

void ColumnThinner::add(int64_t time_ms, std::span<const double> values) {
    // The columns grow in jumps (the second sample of a series 1 s apart lands in column
    // 1000): room for all at once, so growing never copies them (reserved pages are only
    // resident once written).
    if (samples_ == 0) {
        t0_ = time_ms;
        columns_.reserve(max_columns_);
    }
    const int64_t offset = std::max<int64_t>(time_ms - t0_, 0);
    while (static_cast<std::size_t>(offset / width_ms_) >= max_columns_) halve();
    const auto index = static_cast<std::size_t>(offset / width_ms_);
    if (index >= columns_.size()) {
        columns_.resize(index + 1);
        for (std::vector<Cell>& cells : cells_)
            if (!cells.empty()) cells.resize(columns_.size(), kZeroCell);
    }
    Column& col = columns_[index];
    for (std::size_t l = 0; l < lines_; ++l) {
        const double v = l < values.size() ? values[l] : 0;
        min_[l] = samples_ == 0 ? v : std::min(min_[l], v);
        max_[l] = samples_ == 0 ? v : std::max(max_[l], v);
        std::vector<Cell>& cells = cells_[l];
        if (cells.empty()) {
            if (v == 0) continue;  // still zero in every column: kZeroCell stands for its cells
            cells.reserve(max_columns_);
            cells.assign(columns_.size(), kZeroCell);
        }
        Cell& c = cells[index];
        if (col.samples == 0) c = Cell{v, v, v, v, true};
        else merge(c, Cell{v, v, v, v, true});
    }
    if (col.samples == 0) col.first_ms = time_ms;
    col.last_ms = time_ms;
    ++col.samples;
    ++samples_;
}

}  // namespace memsnap
