#pragma once
// Placing the labels beside a chart's line ends so that none overlaps another: takes the y each
// label wants (its line's end) and returns the y each label gets, at least `gap` apart, as close
// to where it wanted to be as the band allows. Pure arithmetic on pixels; draws nothing.
#include <vector>

namespace memsnap {

struct LabelBand {
    double top, bottom;  // the range the labels' y may take (px, top < bottom)
    double gap;          // the least distance between two labels' y (px): a line of text
};

// The y of each label, in the order of `wanted`. Labels keep their order by wanted y (ties: by
// index) and end at least band.gap apart. Labels that would overlap are laid out as one block
// centred on the mean of their wanted y (the placement that moves them least in total), then
// shifted inside [band.top, band.bottom]. When the band is too short for all of them, the block
// starts at band.top and runs past band.bottom: labels may leave the band, never overlap.
std::vector<double> spread_labels(const std::vector<double>& wanted, const LabelBand& band);

}  // namespace memsnap
