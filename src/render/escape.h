#pragma once
// Escaping text for SVG and HTML: every string that comes from a process (its name, thread
// names, mapping paths) is hostile input. One function serves text and attribute values.
#include <string>
#include <string_view>

namespace memsnap {

// `text` made safe inside XML/HTML text or a quoted attribute: & < > " ' become entities
// (so "</script>" and "]]>" are inert too); bytes that are not valid UTF-8, and control
// characters XML 1.0 forbids (all below 0x20 but tab, newline, carriage return; and DEL), become
// U+FFFD, so the output is always well-formed UTF-8 XML.
std::string xml_escape(std::string_view text);

}  // namespace memsnap
