#include "diff/mapping_diff.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

#include "diff/groups.h"

namespace memsnap {
namespace {

constexpr uint64_t kKiB = 1024;
constexpr uint64_t kMiB = 1024 * kKiB;

struct NameAndStart {
    std::string_view name;
    uint64_t start;
    bool operator==(const NameAndStart&) const = default;
};
struct NameAndStartHash {
    std::size_t operator()(const NameAndStart& k) const {
        return std::hash<std::string_view>{}(k.name) ^ (std::hash<uint64_t>{}(k.start) * 31);
    }
};

std::string_view basename(std::string_view path) {
    std::size_t slash = path.rfind('/');
    return slash == std::string_view::npos ? path : path.substr(slash + 1);
}

// What a run of unnamed memory is, in words, from its row and size: the shapes of
// model/shape_rules.cpp (a glibc arena is 64 MiB on a 64 MiB boundary, a V8 page 256 KiB), or
// the .bss of the file mapped right before it. `prev` is the record before the run, if any.
std::string describe(Category c, uint64_t start, uint64_t bytes, const MappingSet& set,
                     const MappingRecord* prev, bool& described) {
    described = true;
    switch (c) {
        case Category::NativeHeapInferred:
            return bytes == 64 * kMiB && start % (64 * kMiB) == 0 ? "glibc arena"
                                                                  : "mmapped malloc chunk";
        case Category::JsHeapInferred:
            return bytes == 256 * kKiB ? "V8 page" : "V8 large page";
        case Category::StackInferred:
            return "thread stack";
        default:
            break;
    }
    if (prev != nullptr && prev->end == start) {
        std::string_view file = set.name_of(*prev);
        if (file.starts_with('/')) return std::string(basename(file)) + " .bss";
    }
    described = false;
    return "[anon]";
}

// One mapping, or a run of adjacent new (vanished) mappings of one name and row.
struct Piece {
    MappingChangeKind kind;
    const MappingSet* set;
    std::size_t first;  // index of its first record in *set
    uint64_t start, end;
    int64_t delta;
};

using LineKey = std::tuple<MappingChangeKind, std::string, Category>;

class LineBuilder {
  public:
    void add(const Piece& p) {
        const MappingRecord& r = p.set->records[p.first];
        std::string_view name = p.set->name_of(r);
        bool described = false;
        std::string label;
        if (name.empty()) {
            const MappingRecord* prev = p.first > 0 ? &p.set->records[p.first - 1] : nullptr;
            label = describe(r.category, p.start, p.end - p.start, *p.set, prev, described);
        } else {
            label = std::string(name);
        }
        auto [it, inserted] = lines_.try_emplace(LineKey{p.kind, label, r.category});
        MappingChangeLine& l = it->second;
        const uint64_t bytes = p.end - p.start;
        if (inserted) {
            l.kind = p.kind;
            l.label = std::move(label);
            l.described = described;
            l.category = r.category;
            l.min_bytes = l.max_bytes = bytes;
            l.start = p.start;
            l.end = p.end;
        }
        l.min_bytes = std::min(l.min_bytes, bytes);
        l.max_bytes = std::max(l.max_bytes, bytes);
        l.pss_total_delta += p.delta;
        ++l.count;
    }
    std::vector<MappingChangeLine> take() {
        std::vector<MappingChangeLine> out;
        for (auto& [key, line] : lines_) out.push_back(std::move(line));
        return out;
    }

  private:
    std::map<LineKey, MappingChangeLine> lines_;
};

// What a mapping holds in the verdicts: Pss + SwapPss, as its row does (diff/groups.h).
int64_t charged(const MappingRecord& r) {
    return static_cast<int64_t>(r.pss + r.swap_pss);
}

bool no_access(const MappingRecord& r) {
    return std::string_view(r.perms).substr(0, 3) == "---";
}

// Splits the records of `set` marked in `changed` into pieces of `kind`. Adjacent records of
// one name and row make one piece when it holds at most one accessible and one no-access (---p)
// mapping: a glibc arena's heap and the reservation that completes its 64 MiB, a thread stack
// and its guard page below it.
void runs(const MappingSet& set, const std::vector<char>& changed, MappingChangeKind kind,
          LineBuilder& lines) {
    const auto& recs = set.records;
    std::size_t i = 0;
    while (i < recs.size()) {
        if (!changed[i]) {
            ++i;
            continue;
        }
        Piece p{kind, &set, i, recs[i].start, recs[i].end, 0};
        bool guard = false, access = false;
        std::size_t j = i;
        for (;;) {
            const int64_t pss = charged(recs[j]);
            p.delta += kind == MappingChangeKind::Vanished ? -pss : pss;
            p.end = recs[j].end;
            (no_access(recs[j]) ? guard : access) = true;
            if (j + 1 >= recs.size() || !changed[j + 1]) break;
            const MappingRecord& next = recs[j + 1];
            if (next.start != recs[j].end || next.name != recs[i].name ||
                next.category != recs[i].category || (no_access(next) ? guard : access))
                break;
            ++j;
        }
        lines.add(p);
        i = j + 1;
    }
}

uint64_t magnitude(int64_t v) {
    return v < 0 ? static_cast<uint64_t>(-v) : static_cast<uint64_t>(v);
}

}  // namespace

MappingDiff diff_mappings(const MappingSet& before, const MappingSet& after,
                          const Verdicts& verdicts, std::size_t max_lines) {
    std::unordered_map<NameAndStart, std::size_t, NameAndStartHash> index;
    index.reserve(before.records.size());
    for (std::size_t i = 0; i < before.records.size(); ++i)
        index.emplace(NameAndStart{before.name_of(before.records[i]), before.records[i].start}, i);

    LineBuilder lines;
    std::vector<char> matched(before.records.size(), 0);
    std::vector<char> is_new(after.records.size(), 0);
    for (std::size_t j = 0; j < after.records.size(); ++j) {
        const MappingRecord& a = after.records[j];
        auto it = index.find(NameAndStart{after.name_of(a), a.start});
        if (it == index.end() || matched[it->second]) {
            is_new[j] = 1;
            continue;
        }
        matched[it->second] = 1;
        const MappingRecord& b = before.records[it->second];
        const int64_t delta = charged(a) - charged(b);
        if (delta == 0) continue;
        lines.add(Piece{delta > 0 ? MappingChangeKind::Grown : MappingChangeKind::Shrunk, &after, j,
                        a.start, a.end, delta});
    }
    runs(after, is_new, MappingChangeKind::New, lines);
    std::vector<char> vanished(before.records.size(), 0);
    for (std::size_t i = 0; i < matched.size(); ++i) vanished[i] = !matched[i];
    runs(before, vanished, MappingChangeKind::Vanished, lines);

    std::vector<MappingChangeLine> all = lines.take();
    std::erase_if(all, [](const MappingChangeLine& l) { return l.pss_total_delta == 0; });
    std::stable_sort(all.begin(), all.end(),
                     [](const MappingChangeLine& x, const MappingChangeLine& y) {
                         return magnitude(x.pss_total_delta) > magnitude(y.pss_total_delta);
                     });

    MappingDiff out;
    out.before_mappings = before.records.size();
    out.after_mappings = after.records.size();
    std::vector<std::optional<Group>> lists;
    for (const GroupGrowth& g : verdicts.flagged) {
        // The total's verdict has the last list, of every mapping: not one of its own (no
        // category belongs to it, so that list would be empty).
        if (group_has_categories(g.group)) lists.push_back(g.group);
    }
    lists.push_back(std::nullopt);
    for (const std::optional<Group>& group : lists) {
        MappingGroupDiff d;
        d.group = group;
        for (const MappingChangeLine& l : all) {
            if (group && group_of(l.category, verdicts.js_rule.counts_anon) != *group) continue;
            d.pss_total_delta += l.pss_total_delta;
            if (d.lines.size() < max_lines) {
                d.lines.push_back(l);
            } else {
                ++d.more_lines;
                d.more_pss_total_delta += l.pss_total_delta;
            }
        }
        out.groups.push_back(std::move(d));
    }
    return out;
}

}  // namespace memsnap
