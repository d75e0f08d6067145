#pragma once
// Names as a person's terminal shows them: a mapping, process, thread or descriptor name can
// hold any byte but NUL, and a newline or an escape sequence in one must not break a table or
// rewrite the screen. Used by every human rendering
// (tables, listings, diff reports, watch's status line); JSON, CSV and Prometheus keep the bytes.
#include <string>
#include <string_view>

namespace memsnap {

// `text` with every byte a terminal would act on written as a C-style escape: \n \t \r \\ and
// \xNN for the other control bytes (below 0x20, 0x7f), for the C1 controls U+0080..U+009F, and
// for every byte that is not part of well-formed UTF-8. Printable ASCII and well-formed UTF-8
// pass unchanged, so the escaped text of an ordinary name is the name itself.
std::string escape_for_terminal(std::string_view text);

// True when escape_for_terminal(text) would change nothing (the common case, checked first).
bool is_terminal_safe(std::string_view text);

}  // namespace memsnap
