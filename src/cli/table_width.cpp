#include "cli/table_width.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <charconv>
#include <cstdlib>
#include <string>

#include "render/table.h"

namespace memsnap {
namespace {

// `text` as a positive int, or 0.
int positive(std::string_view text) {
    int n = 0;
    const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
    return ec == std::errc() && ptr == text.data() + text.size() && n > 0 ? n : 0;
}

}  // namespace

int table_width_for(std::string_view columns) {
    if (columns == "all") return 0;
    if (const int n = positive(columns)) return n;
    const bool terminal = ::isatty(STDOUT_FILENO) == 1;
    if (columns != "fit" && !terminal) return 0;
    if (const char* env = std::getenv("COLUMNS")) {
        if (const int n = positive(env)) return n;
    }
    winsize ws{};
    if (terminal && ::ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) return ws.ws_col;
    return 80;
}

const CLI::Validator& columns_value() {
    static const CLI::Validator v(
        [](std::string& s) {
            if (s == "all" || s == "auto" || s == "fit") return std::string();
            const int n = positive(s);
            if (n >= kMinTableWidth && n <= 100000) return std::string();
            return "--columns takes all, auto, fit or a width of at least " + std::to_string(kMinTableWidth) +
                   " characters, not '" + s + "'";
        },
        "", "WHEN");
    return v;
}

}  // namespace memsnap
