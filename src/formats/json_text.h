#pragma once
// How names that are not UTF-8 travel through JSON (README "Names that are not UTF-8"): the
// text field holds the name with every invalid byte replaced by U+FFFD, and a sibling field
// "<field>_hex" holds the exact bytes in lowercase hex; readers prefer the hex form.
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace memsnap {

// True when `s` is well-formed UTF-8 (RFC 3629: no overlong forms, surrogates or values past
// U+10FFFF).
bool is_utf8(std::string_view s);

// `s` with every byte that does not start a valid UTF-8 sequence replaced by U+FFFD.
std::string utf8_lossy(std::string_view s);

// Lowercase hex of every byte, and back; from_hex is nullopt for odd length or a non-hex digit.
std::string to_hex(std::string_view s);
std::optional<std::string> from_hex(std::string_view hex);

// Sets obj[key] to `value` when it is UTF-8; otherwise obj[key] = utf8_lossy(value) and
// obj[key + "_hex"] = to_hex(value).
void put_text(nlohmann::ordered_json& obj, std::string_view key, std::string_view value);

// Sets obj[key] to {name: count}, names made UTF-8 by utf8_lossy() (counts of names that become
// equal are added), and, when some name is not UTF-8, obj[key + "_hex"] = {to_hex(name): count}
// for exactly those names.
void put_counts(nlohmann::ordered_json& obj, std::string_view key,
                const std::map<std::string, uint64_t>& counts);

// j.dump(indent) that never throws on a string that is not UTF-8 (it writes U+FFFD instead):
// the last guard behind put_text() for every JSON memsnap prints.
std::string dump_json(const nlohmann::ordered_json& j, int indent = -1);

}  // namespace memsnap
