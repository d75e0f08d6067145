#pragma once
// The memory table of `memsnap --mem PID... --format csv`: one record per process and category.
#include <string>

#include "model/snapshot.h"

namespace memsnap {

// The header of mem_to_csv_rows(): pid,name,category, then every MemUsage counter in kB
// (pss_kb,rss_kb,size_kb,shared_clean_kb,shared_dirty_kb,private_clean_kb,private_dirty_kb,
// swap_kb,swap_pss_kb), ending in "\n".
std::string mem_csv_header();

// One record per category of `snap` (every category, zero or not, in table order, the category
// named by its JSON key such as native_heap); no total row (the rows add up to it).
std::string mem_to_csv_rows(const Snapshot& snap);

}  // namespace memsnap
