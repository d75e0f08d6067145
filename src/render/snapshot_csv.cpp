#include "render/snapshot_csv.h"

#include <fmt/format.h>

#include "formats/csv.h"

namespace memsnap {

std::string mem_csv_header() {
    std::string out;
    append_csv_row(
        out, {"pid", "name", "category", "pss_kb", "rss_kb", "size_kb", "shared_clean_kb",
              "shared_dirty_kb", "private_clean_kb", "private_dirty_kb", "swap_kb", "swap_pss_kb"});
    return out;
}

std::string mem_to_csv_rows(const Snapshot& snap) {
    std::string out;
    for (const CategoryInfo& info : category_table()) {
        const MemUsage& u = snap.categories[info.category];
        append_csv_row(
            out, {fmt::format("{}", snap.pid), snap.name, std::string(info.key),
                  fmt::format("{}", u.pss), fmt::format("{}", u.rss), fmt::format("{}", u.size),
                  fmt::format("{}", u.shared_clean), fmt::format("{}", u.shared_dirty),
                  fmt::format("{}", u.private_clean), fmt::format("{}", u.private_dirty),
                  fmt::format("{}", u.swap), fmt::format("{}", u.swap_pss)});
    }
    return out;
}

}  // namespace memsnap
