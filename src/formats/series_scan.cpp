#include "formats/series_scan.h"

#include <array>
#include <charconv>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <cstring>

#include "formats/utf8.h"
#include "model/category.h"
#include "model/mem_usage.h"

namespace memsnap {
namespace {

bool hex4(std::string_view s, std::size_t at, unsigned& out) {
    if (at + 4 > s.size()) return false;
    out = 0;
    for (std::size_t i = at; i < at + 4; ++i) {
        const char c = s[i];
        unsigned d = 0;
        if (c >= '0' && c <= '9') d = static_cast<unsigned>(c - '0');
        else if (c >= 'a' && c <= 'f') d = static_cast<unsigned>(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') d = static_cast<unsigned>(c - 'A' + 10);
        else return false;
        out = out * 16 + d;
    }
    return true;
}

// The inside of a JSON string as nlohmann checks it: no raw control characters, only JSON's
// escapes (a \u surrogate only as a high-low pair), and well-formed UTF-8 (RFC 3629: no overlong
// forms, no surrogates, nothing past U+10FFFF). Only called for strings with a byte that needs it.
bool valid_string_body(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x20) return false;
        if (c == '\\') {
            if (i + 1 >= s.size()) return false;
            const char e = s[i + 1];
            if (e != 'u') {
                if (std::strchr("\"\\/bfnrt", e) == nullptr || e == '\0') return false;
                i += 2;
                continue;
            }
            unsigned cp = 0;
            if (!hex4(s, i + 2, cp)) return false;
            i += 6;
            if (cp >= 0xDC00 && cp <= 0xDFFF) return false;  // a low surrogate alone
            if (cp >= 0xD800 && cp <= 0xDBFF) {              // a high one needs its low one
                unsigned low = 0;
                if (i + 1 >= s.size() || s[i] != '\\' || s[i + 1] != 'u' || !hex4(s, i + 2, low) ||
                    low < 0xDC00 || low > 0xDFFF)
                    return false;
                i += 6;
            }
            continue;
        }
        const std::size_t len = utf8_sequence_length(s, i);
        if (len == 0) return false;
        i += len;
    }
    return true;
}

// A minimal, strict JSON walker over one line: enough to skip any value and to read unsigned
// integers, strings without escapes and booleans where the series needs them. Any surprise
// makes it give up (false), never guess.
class Scanner {
public:
    explicit Scanner(std::string_view s) : p_(s.data()), end_(s.data() + s.size()) {}

    bool at_end() {
        ws();
        return p_ == end_;
    }

    // Walks an object, calling on_member(key) positioned at each value; on_member must consume
    // the value and return false to give up.
    template <class F>
    bool object(F&& on_member) {
        ws();
        if (p_ == end_ || *p_ != '{') return false;
        ++p_;
        ws();
        if (p_ != end_ && *p_ == '}') {
            ++p_;
            return true;
        }
        for (;;) {
            std::string_view key;
            bool escaped = false;
            if (!string(key, escaped)) return false;
            ws();
            if (p_ == end_ || *p_ != ':') return false;
            ++p_;
            if (!on_member(escaped ? std::string_view() : key)) return false;
            ws();
            if (p_ == end_) return false;
            if (*p_ == ',') {
                ++p_;
                ws();
                continue;
            }
            if (*p_ == '}') {
                ++p_;
                return true;
            }
            return false;
        }
    }

    bool uint(uint64_t& out) {
        ws();
        const char* start = p_;
        uint64_t v = 0;
        while (p_ != end_ && *p_ >= '0' && *p_ <= '9') {
            uint64_t d = static_cast<uint64_t>(*p_ - '0');
            if (v > (UINT64_MAX - d) / 10) return false;
            v = v * 10 + d;
            ++p_;
        }
        if (p_ == start) return false;
        if (*start == '0' && p_ - start > 1) return false;  // a leading zero is not JSON
        if (v > kMaxCount) return false;  // the full reader refuses it
        if (p_ != end_ && (*p_ == '.' || *p_ == 'e' || *p_ == 'E')) return false;
        out = v;
        return true;
    }

    bool boolean(bool& out) {
        ws();
        if (literal("true")) return out = true, true;
        if (literal("false")) return out = false, true;
        return false;
    }

    // `null` (the full reader takes it as an absent field); false without consuming otherwise.
    bool null() {
        ws();
        return literal("null");
    }

    // Any JSON string (validated as nlohmann does).
    bool any_string() {
        std::string_view s;
        bool escaped = false;
        return string(s, escaped);
    }

    // Walks an array, calling on_element() positioned at each element.
    template <class F>
    bool array(F&& on_element) {
        ws();
        if (p_ == end_ || *p_ != '[') return false;
        ++p_;
        ws();
        if (p_ != end_ && *p_ == ']') return ++p_, true;
        for (;;) {
            if (!on_element()) return false;
            ws();
            if (p_ == end_) return false;
            if (*p_ == ',') {
                ++p_;
                continue;
            }
            if (*p_ == ']') return ++p_, true;
            return false;
        }
    }

    bool plain_string(std::string_view& out) {
        bool escaped = false;
        return string(out, escaped) && !escaped;
    }

    bool skip(int depth = 0) {
        if (depth > 64) return false;
        ws();
        if (p_ == end_) return false;
        switch (*p_) {
            case '{':
                return object([&](std::string_view) { return skip(depth + 1); });
            case '[':
                return array([&] { return skip(depth + 1); });
            case '"':
                return any_string();
            case 't':
                return literal("true");
            case 'f':
                return literal("false");
            case 'n':
                return literal("null");
            default:
                return number();
        }
    }

private:
    void ws() {
        while (p_ != end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
    }
    bool literal(const char* word) {
        std::size_t n = std::strlen(word);
        if (static_cast<std::size_t>(end_ - p_) < n || std::memcmp(p_, word, n) != 0) return false;
        p_ += n;
        return true;
    }
    // A JSON number exactly as RFC 8259 spells it (no leading zeros, digits on both sides of the
    // point and after the exponent), and one a double can hold: what nlohmann accepts too.
    bool number() {
        const char* start = p_;
        if (p_ != end_ && *p_ == '-') ++p_;
        if (p_ == end_ || !is_digit(*p_)) return false;
        if (*p_ == '0') ++p_;
        else digits();
        bool fraction = false;
        if (p_ != end_ && *p_ == '.') {
            ++p_;
            if (!digits()) return false;
            fraction = true;
        }
        if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
            ++p_;
            if (p_ != end_ && (*p_ == '+' || *p_ == '-')) ++p_;
            if (!digits()) return false;
            fraction = true;
        }
        if (!fraction) return true;
        double value = 0;
        return std::from_chars(start, p_, value).ec == std::errc();
    }
    static bool is_digit(char c) { return c >= '0' && c <= '9'; }
    bool digits() {
        const char* start = p_;
        while (p_ != end_ && is_digit(*p_)) ++p_;
        return p_ != start;
    }
    bool string(std::string_view& out, bool& escaped) {
        ws();
        if (p_ == end_ || *p_ != '"') return false;
        const char* start = ++p_;
        for (;;) {
            const char* q = static_cast<const char*>(std::memchr(p_, '"', static_cast<std::size_t>(end_ - p_)));
            if (q == nullptr) return false;
            // Count the backslashes right before the quote: odd means it is escaped.
            std::size_t backslashes = 0;
            while (q - backslashes > start && q[-1 - static_cast<std::ptrdiff_t>(backslashes)] == '\\') ++backslashes;
            if (std::memchr(p_, '\\', static_cast<std::size_t>(q - p_)) != nullptr) escaped = true;
            p_ = q + 1;
            if (backslashes % 2 == 0) {
                out = std::string_view(start, static_cast<std::size_t>(q - start));
                for (char c : out) {
                    const auto b = static_cast<unsigned char>(c);
                    if (b < 0x20 || b >= 0x80 || c == '\\') return valid_string_body(out);
                }
                return true;
            }
        }
    }

    const char* p_;
    const char* end_;
};

// "memsnap.snapshot/1" or "memsnap.snapshot/1.<minor>".
bool schema_ok(std::string_view s) {
    constexpr std::string_view kPrefix = "memsnap.snapshot/1";
    if (!s.starts_with(kPrefix)) return false;
    s.remove_prefix(kPrefix.size());
    return s.empty() || s.front() == '.';
}

// The fields the full reader (snapshot_json.cpp) checks, by the type it wants; what it does not
// read is skipped. Each check accepts exactly what the full reader accepts or less: a line this
// scanner refuses goes to the full reader, which decides. A key that is escaped, or that an
// object holds twice (nlohmann keeps the last), makes the scanner give up as well.
class SampleScan {
public:
    SampleScan(Scanner& sc, SeriesSample& out) : sc_(sc), out_(out) {}

    bool line() {
        uint32_t seen = 0;
        bool ok = sc_.object([&](std::string_view key) {
            const int field = top_field(key);
            if (field < 0) return !key.empty() && !key.ends_with("_hex") && sc_.skip();
            if (seen & (1u << field)) return false;
            seen |= 1u << field;
            switch (field) {
                case kSchema: {
                    std::string_view s;
                    return sc_.plain_string(s) && schema_ok(s);
                }
                case kTime: return signed_value(out_.time_ms);
                case kPid: return signed_value(out_.pid);
                case kStart: return sc_.uint(out_.starttime);
                case kName: return sc_.any_string();
                case kUid: return u32_or_null();
                case kJsRuntime:
                case kRuntime:
                case kAllocator:
                case kTimeSource:
                case kHost:
                case kCgroup: return sc_.null() || sc_.any_string();
                case kLight: return sc_.boolean(out_.light);
                case kTotal:
                    have_total_ = !sc_.null();
                    return !have_total_ || object_or_null(kUsageFields, {&total_pss_, nullptr, nullptr, nullptr,
                                                                          nullptr, nullptr, nullptr, nullptr,
                                                                          &total_swap_pss_});
                case kCategories: return categories();
                case kNativeHeap: return sc_.null() || native_heap();
                case kStatus:
                    return object_or_null(kStatusFields, {nullptr, nullptr, nullptr, nullptr, nullptr,
                                                          nullptr, nullptr, nullptr, nullptr, nullptr,
                                                          nullptr, &out_.status_threads});
                case kFd: return object_or_null(kFdFields, {&out_.fd_num, nullptr, nullptr, nullptr});
                case kThread: return object_or_null(kThreadFields, {&out_.thread_num, nullptr});
                case kDma: return object_or_null(kDmaFields, {&out_.dma_total, nullptr, nullptr, nullptr});
                case kGpu: return object_or_null(kGpuFields, {&out_.gpu_total, nullptr, &out_.gpu_mapped});
                case kSystem: return object_or_null(kSystemFields, {nullptr, nullptr, nullptr});
                // Per-mapping records (snapshot --mappings) are the full reader's to decode and
                // check: a line that has them is not scanned.
                case kMappings: return sc_.null();
            }
            return false;
        });
        const uint32_t required = (1u << kSchema) | (1u << kTime) | (1u << kPid) | (1u << kStart) |
                                  (1u << kName) | (1u << kCategories);
        if (!ok || !sc_.at_end() || (seen & required) != required) return false;
        if (out_.light) {
            if (!have_total_) return false;  // the full reader requires it
            out_.total_pss = total_pss_;
            out_.total_swap_pss = total_swap_pss_;
        } else {
            // The full reader's total is the categories' sum (Snapshot::total()).
            out_.total_pss = 0;
            out_.total_swap_pss = 0;
            for (uint64_t v : out_.pss) out_.total_pss += v;
            for (uint64_t v : out_.swap_pss) out_.total_swap_pss += v;
        }
        return true;
    }

private:
    enum TopField {
        kSchema, kTime, kPid, kStart, kName, kUid, kJsRuntime, kLight, kTotal, kCategories,
        kNativeHeap, kStatus, kFd, kThread, kDma, kGpu, kSystem, kRuntime, kAllocator,
        kTimeSource, kHost, kMappings, kCgroup,
    };
    static int top_field(std::string_view key) {
        static constexpr std::string_view kNames[] = {
            "schema", "time_ms", "pid", "starttime", "name", "uid", "js_runtime", "light", "total",
            "categories", "native_heap", "status", "fd", "thread", "dma", "gpu", "system",
            "runtime", "allocator", "time_source", "host", "mappings", "cgroup"};
        for (std::size_t i = 0; i < std::size(kNames); ++i)
            if (kNames[i] == key) return static_cast<int>(i);
        return -1;
    }

    // How the full reader reads a field of a nested object.
    enum Kind { kU64, kU32, kI64, kStr, kCounts };
    struct Field {
        std::string_view name;
        Kind kind;
    };
    static constexpr Field kStatusFields[] = {
        {"name", kStr},     {"pid", kI64},      {"uid", kU32},      {"vm_peak", kU64},
        {"vm_size", kU64},  {"vm_hwm", kU64},   {"vm_rss", kU64},   {"rss_anon", kU64},
        {"rss_file", kU64}, {"rss_shmem", kU64}, {"vm_swap", kU64}, {"threads", kU64}};
    static constexpr Field kFdFields[] = {
        {"num", kU64}, {"by_type", kCounts}, {"top_fd_type", kStr}, {"top_fd_num", kU64}};
    static constexpr Field kThreadFields[] = {{"num", kU64}, {"by_name", kCounts}};
    static constexpr Field kDmaFields[] = {
        {"total", kU64}, {"mapped", kU64}, {"unmapped", kU64}, {"by_exporter", kCounts}};
    static constexpr Field kGpuFields[] = {{"total", kU64}, {"resident", kU64}, {"mapped", kU64}};
    static constexpr Field kSystemFields[] = {{"total", kU64}, {"free", kU64}, {"available", kU64}};
    static constexpr Field kUsageFields[] = {
        {"pss", kU64},           {"rss", kU64},           {"size", kU64},
        {"shared_clean", kU64},  {"shared_dirty", kU64},  {"private_clean", kU64},
        {"private_dirty", kU64}, {"swap", kU64},          {"swap_pss", kU64}};

    bool signed_value(int64_t& into) {
        uint64_t v = 0;
        if (!sc_.uint(v)) return false;  // a negative one is left to the full reader
        into = static_cast<int64_t>(v);
        return true;
    }
    bool u32_or_null() {
        if (sc_.null()) return true;
        uint64_t v = 0;
        return sc_.uint(v) && v <= UINT32_MAX;
    }
    bool value(Kind kind, uint64_t* into) {
        if (sc_.null()) return true;  // absent: stays 0
        uint64_t v = 0;
        switch (kind) {
            case kU64:
            case kI64:  // only its non-negative form: a negative one goes to the full reader
                if (!sc_.uint(v)) return false;
                if (into) *into = v;
                return true;
            case kU32:
                return sc_.uint(v) && v <= UINT32_MAX;
            case kStr:
                return sc_.any_string();
            case kCounts:  // {"name": count}, no count null
                return sc_.object([&](std::string_view) {
                    uint64_t n = 0;
                    return sc_.uint(n);
                });
        }
        return false;
    }
    // An object of `fields` or null; the first fields go into `into` (nullptr: checked only).
    template <std::size_t N>
    bool object_or_null(const Field (&fields)[N], std::initializer_list<uint64_t*> into) {
        if (sc_.null()) return true;
        uint32_t seen = 0;
        return sc_.object([&](std::string_view key) {
            if (key.empty() || key.ends_with("_hex")) return false;
            for (std::size_t i = 0; i < N; ++i) {
                if (fields[i].name != key) continue;
                if (seen & (1u << i)) return false;
                seen |= 1u << i;
                return value(fields[i].kind, i < into.size() ? into.begin()[i] : nullptr);
            }
            return sc_.skip();
        });
    }
    bool categories() {
        std::array<bool, kCategoryCount> seen{};
        return sc_.object([&](std::string_view key) {
            if (key.empty()) return false;
            std::optional<Category> c = category_from_key(key);
            if (!c) return sc_.skip();  // a category of a newer memsnap
            const auto i = static_cast<std::size_t>(*c);
            if (seen[i]) return false;
            seen[i] = true;
            if (sc_.null()) return false;  // the full reader requires an object
            return object_or_null(kUsageFields, {&out_.pss[i], nullptr, nullptr, nullptr, nullptr,
                                                  nullptr, nullptr, nullptr, &out_.swap_pss[i]});
        });
    }
    bool native_heap() {
        return sc_.array([&] {
            bool have_name = false, dup = false;
            uint32_t seen = 0;
            bool ok = sc_.object([&](std::string_view key) {
                if (key.empty() || key.ends_with("_hex")) return false;
                if (key == "name") {
                    if (have_name) dup = true;
                    have_name = true;
                    return sc_.any_string();  // required: not null
                }
                for (std::size_t i = 0; i < std::size(kUsageFields); ++i) {
                    if (kUsageFields[i].name != key) continue;
                    if (seen & (1u << i)) return false;
                    seen |= 1u << i;
                    return value(kU64, nullptr);
                }
                return sc_.skip();
            });
            return ok && have_name && !dup;
        });
    }

    Scanner& sc_;
    SeriesSample& out_;
    uint64_t total_pss_ = 0;
    uint64_t total_swap_pss_ = 0;
    bool have_total_ = false;
};

}  // namespace

bool scan_series_sample(std::string_view line, SeriesSample& out) {
    out = SeriesSample{};
    Scanner sc(line);
    return SampleScan(sc, out).line();
}

}  // namespace memsnap
