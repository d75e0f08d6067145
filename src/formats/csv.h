#pragma once
// CSV output (RFC 4180 quoting): one header row, then one record per line ending in "\n".
// Every table memsnap prints has a CSV form built from these.
#include <string>
#include <string_view>
#include <vector>

namespace memsnap {

// One field as RFC 4180 writes it: unchanged unless it holds a comma, a double quote, CR or LF
// (or starts/ends with a space), in which case it is wrapped in double quotes and every double
// quote inside is doubled. Never fails; bytes that are not UTF-8 pass through unchanged.
std::string csv_field(std::string_view value);

// Appends `fields` as one record (quoted as above, separated by ',') and a "\n" to `out`.
void append_csv_row(std::string& out, const std::vector<std::string>& fields);

}  // namespace memsnap
