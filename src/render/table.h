#pragma once
// The hidumper-style memory table (shared/reference/hidumper-mem-output.txt) of a Snapshot.
#include <string>
#include <vector>

#include "model/descriptor.h"
#include "model/snapshot.h"

namespace memsnap {

struct TableOptions {
    bool human = false;  // KiB/MiB/GiB with one decimal instead of kB
    // 0: hidumper's layout, ten columns 15 wide. Otherwise the table fits in this many
    // characters (at least kMinTableWidth): see render_mem_table.
    int width = 0;
};
// The narrowest width a table is fitted to: the longest row name, Pss and Private Dirty.
inline constexpr int kMinTableWidth = 40;

// Renders the table for one process with the rows of the rule set it was made with
// (Snapshot::rules, model/rules/rule_set.h): the header, the set's rows in its order and names
// (memsnap: hidumper's rows always, others when non-zero; dumpsys: Native Heap, Dalvik Heap and
// Unknown always, others when non-zero), the Total row (Pss Total = rows' Pss + Total SwapPss),
// then the "native heap:" breakdown, then, like hidumper, sections of "name:value" lines: "DMA:"
// (total, mapped, unmapped, then kB by exporter; shown when descriptors were read or dma is
// non-zero), "GPU:" (DRM total and resident, GPU device mappings; when non-zero), "fd: N" (by
// type) and "threads: N" (by name, at most 20 names, the rest summed), largest first, each when
// non-zero. When an "(inferred)" row is non-zero, a note under the Total row says what
// inference did and that --no-infer turns it off. Heap Size/Alloc/Free are printed as "-":
// they live inside the process's allocator and cannot be read from outside.
// With hidumper's rules the layout is hidumper's own: GL, Graph, the rows that have mappings,
// FilePage other; the name column as wide as the longest row; "0" in the Heap cells where
// hidumper prints a constant 0; then only its "native heap:" (fixed sub-rows), "Purgeable:" and
// "DMA:" (Dma = Graph) sections.
// With options.width (and any rule set but hidumper's, whose layout is always kept), the table
// fits that width: the Heap columns go (no row knows them), then each column narrows to its
// longest header word or cell, then the headers are abbreviated (Pss Tot, Shr Cln, Shr Drt, Prv
// Cln, Prv Drt, Swap Tot, Swap Pss), then columns are dropped: Shared Clean, Shared Dirty,
// Private Clean, Swap Total, SwapPss, Private Dirty (Pss Total stays). Every cell kept is the full
// layout's; the native heap sub-rows line up with the rows; the notes are wrapped to the width.
std::string render_mem_table(const Snapshot& snap, const TableOptions& options = {});

// The "fds:" listing of `memsnap --mem PID --fds`: a blank line, "fds:", then one line per
// descriptor: its number, its type and its link text.
std::string render_fd_list(const std::vector<OpenFd>& fds);

// Formats a size given in kB for a table cell: "1234" or, with human, "1.2 MiB".
std::string format_kb(uint64_t kb, bool human);

}  // namespace memsnap
