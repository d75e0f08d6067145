#pragma once
// Thinning a long series for drawing, honestly: the samples are binned into time columns no
// wider than a pixel, and each column keeps, for every line, its first, minimum, maximum and
// last value (M4 aggregation: Jugel et al., "M4: A Visualization-Oriented Time Series Data
// Aggregation", VLDB 2014), so a single-sample spike is still drawn. Memory is bounded by the
// number of columns (times the lines that are ever non-zero), whatever the number of samples.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace memsnap {

class ColumnThinner {
public:
    // `lines` values per sample; between `columns` and 2 * `columns` - 1 columns are kept once
    // the series spans more than `columns` ms (column width doubles as the series grows).
    ColumnThinner(std::size_t lines, std::size_t columns);

    // One sample, `values.size()` == lines(); samples come in time order (an earlier time than
    // the first is counted in the first column).
    void add(int64_t time_ms, std::span<const double> values);

    struct Cell {
        double first = 0, min = 0, max = 0, last = 0;
        bool min_first = true;  // the minimum came before the maximum
    };
    struct Column {
        int64_t first_ms = 0, last_ms = 0;  // times of its first and last sample
        std::size_t samples = 0;            // 0: no sample fell in this column
    };

    std::size_t lines() const { return lines_; }
    std::size_t samples() const { return samples_; }
    int64_t start_ms() const { return t0_; }
    int64_t column_ms() const { return width_ms_; }
    const std::vector<Column>& columns() const { return columns_; }
    // Line `line` in column `c` (meaningful when columns()[c].samples > 0).
    const Cell& cell(std::size_t c, std::size_t line) const {
        return cells_[line].empty() ? kZeroCell : cells_[line][c];
    }
    // Cells held: columns().size() for each line that has had a value other than 0.
    std::size_t cells() const {
        std::size_t n = 0;
        for (const std::vector<Cell>& c : cells_) n += c.size();
        return n;
    }
    // Over every sample of line `line`.
    double min(std::size_t line) const { return min_[line]; }
    double max(std::size_t line) const { return max_[line]; }

private:
    void halve();  // merges neighbouring columns: the column width doubles
    std::size_t lines_, max_columns_;
    int64_t t0_ = 0;
    int64_t width_ms_ = 1;
    std::size_t samples_ = 0;
    static const Cell kZeroCell;  // every cell of a line that has been 0 in every sample
    std::vector<Column> columns_;
    // Per line, its cell in each column; none for a line 0 so far (most category rows of a
    // process are 0 throughout: only the lines with a value cost a cell per column).
    std::vector<std::vector<Cell>> cells_;
    std::vector<double> min_, max_;
};

}  // namespace memsnap
