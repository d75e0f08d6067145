#include "formats/mapping_records.h"

#include <fmt/format.h>

#include <array>
#include <charconv>
#include <iterator>
#include <optional>
#include <string>

#include "formats/json_text.h"
#include "model/error.h"
#include "model/mem_usage.h"

namespace memsnap {
namespace {

constexpr uint64_t kPage = 4096;
// What a whole process may add up to, as the smaps reader allows (procfs/smaps.cpp).
constexpr uint64_t kMaxSum = uint64_t{1} << 52;

unsigned perm_bits(const char* p) {
    return (p[0] == 'r' ? 1u : 0u) | (p[1] == 'w' ? 2u : 0u) | (p[2] == 'x' ? 4u : 0u) |
           (p[3] == 's' ? 8u : 0u);
}

void perms_from_bits(unsigned bits, char* p) {
    p[0] = bits & 1 ? 'r' : '-';
    p[1] = bits & 2 ? 'w' : '-';
    p[2] = bits & 4 ? 'x' : '-';
    p[3] = bits & 8 ? 's' : 'p';
    p[4] = '\0';
}

// Reads the comma- and space-separated fields of the records string, naming the record in
// every error.
class RecordParser {
  public:
    RecordParser(std::string_view text, std::string where)
        : p_(text.data()), end_(text.data() + text.size()), where_(std::move(where)) {}

    bool at_end() const { return p_ == end_; }
    // Moves to the next record: true when there is one.
    bool next_record() {
        if (p_ == end_) return false;
        if (record_ > 0) {
            if (*p_ != ' ') fail("expected ' ' between records");
            ++p_;
        }
        ++record_;
        field_ = 0;
        return true;
    }
    // True when the record has another field.
    bool more() const { return p_ != end_ && *p_ != ' '; }
    uint64_t number(int base) {
        if (field_ > 0) {
            if (p_ == end_ || *p_ != ',') fail("expected ','");
            ++p_;
        }
        ++field_;
        uint64_t v = 0;
        auto [ptr, ec] = std::from_chars(p_, end_, v, base);
        if (ec == std::errc::result_out_of_range) fail("number out of range");
        if (ec != std::errc() || ptr == p_) fail("expected a number");
        p_ = ptr;
        return v;
    }
    // A GAP: hex, '-' before one that goes back. Returns the magnitude, sets `back`.
    uint64_t gap(bool& back) {
        back = p_ != end_ && *p_ == '-';
        if (back) ++p_;
        return number(16);
    }
    [[noreturn]] void fail(std::string_view what) const {
        throw Error(ErrorKind::Malformed, fmt::format("{}: field mappings.records: record {}: {}",
                                                      where_, record_, what));
    }

  private:
    const char* p_;
    const char* end_;
    std::string where_;
    uint64_t record_ = 0;
    int field_ = 0;
};

[[noreturn]] void fail_field(std::string_view where, std::string_view field,
                             std::string_view what) {
    throw Error(ErrorKind::Malformed, fmt::format("{}: field mappings.{}: {}", where, field, what));
}

const nlohmann::json& member(const nlohmann::json& j, std::string_view where, const char* field) {
    auto it = j.find(field);
    if (it == j.end()) fail_field(where, field, "missing");
    return *it;
}

}  // namespace

nlohmann::ordered_json mappings_to_json(const MappingSet& set) {
    uint64_t unit = kPage;
    for (const MappingRecord& r : set.records) {
        if (r.start % kPage != 0 || r.end % kPage != 0) unit = 1;
    }
    // Only the rows that occur, in table order, so an index is small.
    std::array<int, kCategoryCount> index{};
    index.fill(-1);
    for (const MappingRecord& r : set.records) index[static_cast<std::size_t>(r.category)] = 0;
    nlohmann::ordered_json categories = nlohmann::ordered_json::array();
    for (const CategoryInfo& info : category_table()) {
        int& i = index[static_cast<std::size_t>(info.category)];
        if (i < 0) continue;
        i = static_cast<int>(categories.size());
        categories.push_back(info.key);
    }
    std::string records;
    records.reserve(set.records.size() * 20);
    auto out = std::back_inserter(records);
    uint64_t prev_end = 0;
    for (const MappingRecord& r : set.records) {
        if (!records.empty()) records += ' ';
        if (r.start >= prev_end)
            fmt::format_to(out, "{:x}", (r.start - prev_end) / unit);
        else
            fmt::format_to(out, "-{:x}", (prev_end - r.start) / unit);
        fmt::format_to(out, ",{:x},{:x},{},{}", r.bytes() / unit, perm_bits(r.perms), r.name,
                       index[static_cast<std::size_t>(r.category)]);
        const uint64_t tail[] = {r.rss, r.pss, r.swap_pss};
        std::size_t n = 3;
        while (n > 0 && tail[n - 1] == 0) --n;
        for (std::size_t i = 0; i < n; ++i) fmt::format_to(out, ",{}", tail[i]);
        prev_end = r.end;
    }
    // Names as json_text.h says: U+FFFD in "names", the exact bytes of those that are not
    // UTF-8 in "names_hex" by index.
    nlohmann::ordered_json names = nlohmann::ordered_json::array();
    nlohmann::ordered_json names_hex = nlohmann::ordered_json::object();
    for (std::size_t i = 0; i < set.names.size(); ++i) {
        const std::string& n = set.names[i];
        if (is_utf8(n)) {
            names.push_back(n);
            continue;
        }
        names.push_back(utf8_lossy(n));
        names_hex[std::to_string(i)] = to_hex(n);
    }
    nlohmann::ordered_json j{{"unit", unit},
                             {"categories", std::move(categories)},
                             {"names", std::move(names)}};
    if (!names_hex.empty()) j["names_hex"] = std::move(names_hex);
    j["records"] = std::move(records);
    return j;
}

MappingSet mappings_from_json(const nlohmann::json& j, std::string_view where) {
    if (!j.is_object()) fail_field(where, "", "expected an object");
    const nlohmann::json& unit_j = member(j, where, "unit");
    if (!unit_j.is_number_unsigned() ||
        (unit_j.get<uint64_t>() != 1 && unit_j.get<uint64_t>() != kPage))
        fail_field(where, "unit", "expected 1 or 4096");
    const uint64_t unit = unit_j.get<uint64_t>();
    const nlohmann::json& cats = member(j, where, "categories");
    if (!cats.is_array()) fail_field(where, "categories", "expected an array");
    std::vector<Category> rows;
    for (const nlohmann::json& c : cats) {
        if (!c.is_string()) fail_field(where, "categories", "expected strings");
        std::optional<Category> row = category_from_key(c.get_ref<const std::string&>());
        // A row of a newer memsnap: the nearest row this one has.
        rows.push_back(row.value_or(Category::AnonOther));
    }
    MappingSet set;
    const nlohmann::json& names = member(j, where, "names");
    if (!names.is_array()) fail_field(where, "names", "expected an array");
    set.names.reserve(names.size());
    for (const nlohmann::json& n : names) {
        if (!n.is_string()) fail_field(where, "names", "expected strings");
        set.names.push_back(n.get<std::string>());
    }
    if (auto hex = j.find("names_hex"); hex != j.end()) {
        if (!hex->is_object()) fail_field(where, "names_hex", "expected an object");
        for (const auto& [key, value] : hex->items()) {
            std::size_t index = 0;
            auto [ptr, ec] = std::from_chars(key.data(), key.data() + key.size(), index);
            if (ec != std::errc() || ptr != key.data() + key.size() || index >= set.names.size())
                fail_field(where, "names_hex", "\"" + key + "\" is not the index of a name");
            std::optional<std::string> raw =
                value.is_string() ? from_hex(value.get_ref<const std::string&>()) : std::nullopt;
            if (!raw) fail_field(where, "names_hex", "expected a string of hex digit pairs");
            set.names[index] = std::move(*raw);
        }
    }
    const nlohmann::json& rec = member(j, where, "records");
    if (!rec.is_string()) fail_field(where, "records", "expected a string");
    const std::string& text = rec.get_ref<const std::string&>();
    RecordParser p(text, std::string(where));
    uint64_t prev_end = 0;
    uint64_t sums[3] = {};  // Rss, Pss, SwapPss of the records so far
    while (p.next_record()) {
        MappingRecord r;
        bool back = false;
        uint64_t gap = p.gap(back);
        uint64_t len = p.number(16);
        if (gap > UINT64_MAX / unit || len > UINT64_MAX / unit) p.fail("address out of range");
        gap *= unit;
        len *= unit;
        if (back ? gap > prev_end : gap > UINT64_MAX - prev_end) p.fail("address out of range");
        r.start = back ? prev_end - gap : prev_end + gap;
        if (len > UINT64_MAX - r.start) p.fail("address out of range");
        r.end = r.start + len;
        uint64_t bits = p.number(16);
        if (bits > 15) p.fail("bad permissions");
        perms_from_bits(static_cast<unsigned>(bits), r.perms);
        uint64_t name = p.number(10);
        if (name >= set.names.size()) p.fail("name index out of range");
        r.name = static_cast<uint32_t>(name);
        uint64_t cat = p.number(10);
        if (cat >= rows.size()) p.fail("category index out of range");
        r.category = rows[cat];
        uint64_t* tail[] = {&r.rss, &r.pss, &r.swap_pss};
        for (std::size_t i = 0; i < std::size(tail); ++i) {
            if (!p.more()) break;
            *tail[i] = p.number(10);
            // As every reader (README "Limits"): no real count is larger, so sums never wrap.
            if (*tail[i] > kMaxCount) p.fail("out of range (more than 2^48)");
            sums[i] += *tail[i];
            if (sums[i] > kMaxSum) p.fail("the counters add up past 2^52 kB: not a real process");
        }
        while (p.more()) p.number(10);  // a counter of a newer memsnap: read past it
        set.records.push_back(r);
        prev_end = r.end;
    }
    if (set.names.size() > UINT32_MAX) fail_field(where, "names", "too many");
    return set;
}

}  // namespace memsnap
