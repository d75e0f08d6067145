#pragma once
// Usage errors in memsnap's own words: turns the message of a CLI11 parse error ("snapshots: At
// Most 2 required but received 3") into one sentence about memsnap's arguments, naming the
// subcommand and where its options are listed. Pure text in, text out.
#include <string>
#include <string_view>

namespace memsnap {

// `what` is CLI11's message, `command` the subcommand being parsed ("diff"; empty for memsnap
// itself). Returns the whole line, "memsnap diff: ..." (printed as it is); a message it does not
// recognise is kept, with the --help hint after it.
std::string usage_sentence(std::string_view what, std::string_view command);

}  // namespace memsnap
