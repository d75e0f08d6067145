#include "render/label_layout.h"

#include <algorithm>
#include <numeric>

namespace memsnap {

std::vector<double> spread_labels(const std::vector<double>& wanted, const LabelBand& band) {
    const std::size_t n = wanted.size();
    std::vector<std::size_t> order(n);
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return wanted[a] < wanted[b]; });

    // Blocks of labels that touch, each laid out gap apart from its top y. A new label starts a
    // block of its own; while a block overlaps the one above it, the two merge and the merged
    // block is centred on the mean of its labels' wanted y minus their offsets in it (Pool
    // Adjacent Violators: the least-squares placement that keeps the order and the gaps).
    struct Block {
        std::size_t first, count;
        double sum;  // of (wanted y - offset in the block) over its labels
        double top() const { return sum / static_cast<double>(count); }
        double bottom(double gap) const { return top() + gap * static_cast<double>(count - 1); }
    };
    const double gap = band.gap;
    std::vector<Block> blocks;
    for (std::size_t i = 0; i < n; ++i) {
        blocks.push_back({i, 1, wanted[order[i]]});
        while (blocks.size() > 1) {
            Block& above = blocks[blocks.size() - 2];
            const Block& below = blocks.back();
            if (above.bottom(gap) + gap <= below.top()) break;
            // Each label of `below` sits above.count places further down in the merged block.
            above.sum += below.sum - gap * static_cast<double>(above.count) * static_cast<double>(below.count);
            above.count += below.count;
            blocks.pop_back();
        }
    }

    // Into the band: the last blocks up from the bottom, then the first ones down from the top
    // (the top wins when there is no room for all).
    std::vector<double> tops(blocks.size());
    for (std::size_t b = 0; b < blocks.size(); ++b) tops[b] = blocks[b].top();
    double limit = band.bottom;
    for (std::size_t b = blocks.size(); b-- > 0;) {
        const double height = gap * static_cast<double>(blocks[b].count - 1);
        tops[b] = std::min(tops[b], limit - height);
        limit = tops[b] - gap;
    }
    limit = band.top;
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        tops[b] = std::max(tops[b], limit);
        limit = tops[b] + gap * static_cast<double>(blocks[b].count);
    }

    std::vector<double> placed(n);
    for (std::size_t b = 0; b < blocks.size(); ++b) {
        for (std::size_t k = 0; k < blocks[b].count; ++k)
            placed[order[blocks[b].first + k]] = tops[b] + gap * static_cast<double>(k);
    }
    return placed;
}

}  // namespace memsnap
