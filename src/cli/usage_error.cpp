#include "cli/usage_error.h"

#include <fmt/format.h>

#include <regex>
#include <string>
#include <vector>

namespace memsnap {
namespace {

// The words for a positional argument's CLI11 name.
std::string argument_words(const std::string& name) {
    if (name == "pid") return "a PID (or 'self', or a process name)";
    if (name == "snapshots") return "the snapshots to compare (FILE, FILE:N or -)";
    return name;
}

// "{a,b,c}" -> "a, b or c"
std::string choice_words(const std::string& list) {
    std::string out;
    std::size_t start = 0, comma = 0;
    std::vector<std::string> items;
    while ((comma = list.find(',', start)) != std::string::npos) {
        items.push_back(list.substr(start, comma - start));
        start = comma + 1;
    }
    items.push_back(list.substr(start));
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i) out += i + 1 == items.size() ? " or " : ", ";
        out += items[i];
    }
    return out;
}

// One CLI11 message shape and the sentence for it ($1, $2, ... from the pattern).
struct Rewrite {
    std::regex pattern;
    std::string (*sentence)(const std::smatch& m);
};

const std::vector<Rewrite>& rewrites() {
    static const std::vector<Rewrite> table = {
        {std::regex(R"(^(\S+): At Most (\d+) required but received (\d+)$)"),
         [](const std::smatch& m) {
             return fmt::format("too many arguments: at most {} ({}), not {}", m[2].str(),
                                m[1].str(), m[3].str());
         }},
        {std::regex(R"(^(\S+): (\d+) required (\S+) missing$)"),
         [](const std::smatch& m) {
             return fmt::format("{} needs a value ({})", m[1].str(), m[3].str());
         }},
        {std::regex(R"(^(\S+) is required$)"),
         [](const std::smatch& m) {
             return fmt::format("{} is missing", argument_words(m[1].str()));
         }},
        {std::regex(R"(^A subcommand is required$)"),
         [](const std::smatch&) { return std::string("a subcommand is missing"); }},
        {std::regex(R"(^Could not convert: (\S+) = (.*)$)"),
         [](const std::smatch& m) {
             return fmt::format("{} does not take '{}'", m[1].str(), m[2].str());
         }},
        {std::regex(R"(^(\S+): (.*) not in \{(.*)\}$)"),
         [](const std::smatch& m) {
             return fmt::format("{} takes {}, not '{}'", m[1].str(), choice_words(m[3].str()),
                                m[2].str());
         }},
        {std::regex(R"(^The following arguments? (?:was|were) not expected: (-\S*.*)$)"),
         [](const std::smatch& m) { return fmt::format("unknown option {}", m[1].str()); }},
        {std::regex(R"(^The following arguments? (?:was|were) not expected: (.*)$)"),
         [](const std::smatch& m) {
             return fmt::format("unexpected argument {} (one too many?)", m[1].str());
         }},
        {std::regex(R"(^(\S+) excludes (\S+)$)"),
         [](const std::smatch& m) {
             return fmt::format("{} and {} cannot be given together", m[1].str(), m[2].str());
         }},
        {std::regex(R"(^(\S+) requires (\S+)$)"),
         [](const std::smatch& m) {
             return fmt::format("{} needs {} too", m[1].str(), m[2].str());
         }},
    };
    return table;
}

}  // namespace

std::string usage_sentence(std::string_view what, std::string_view command) {
    std::string text(what);
    while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
    std::string sentence = text;
    std::smatch m;
    for (const Rewrite& r : rewrites()) {
        if (std::regex_match(text, m, r.pattern)) {
            sentence = r.sentence(m);
            break;
        }
    }
    std::string who = command.empty() ? "memsnap" : fmt::format("memsnap {}", command);
    return fmt::format("{}: {} (`{} --help` lists what it takes)", who, sentence, who);
}

}  // namespace memsnap
