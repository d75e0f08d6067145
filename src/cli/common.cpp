#include "cli/common.h"

#include "model/process_groups.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <charconv>
#include <map>
#include <vector>

namespace memsnap {

uint32_t resolve_user(const std::string& user) {
    uint32_t uid = 0;
    auto [ptr, ec] = std::from_chars(user.data(), user.data() + user.size(), uid);
    if (ec == std::errc() && ptr == user.data() + user.size()) return uid;
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        throw Error(ErrorKind::Usage, "no user named '" + user + "'");
    return static_cast<uint32_t>(found->pw_uid);
}

std::string user_name_or_uid(uint32_t uid) {
    passwd pw{};
    passwd* found = nullptr;
    std::vector<char> buf(16384);
    if (::getpwuid_r(static_cast<uid_t>(uid), &pw, buf.data(), buf.size(), &found) != 0 ||
        found == nullptr || found->pw_name == nullptr || found->pw_name[0] == '\0')
        return std::to_string(uid);
    return found->pw_name;
}

int exit_code_for(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage:
            return kExitUsage;
        case ErrorKind::NotFound:
            return kExitNotFound;
        case ErrorKind::Permission:
            return kExitPermission;
        case ErrorKind::Malformed:
            return kExitMalformed;
        case ErrorKind::Io:
            return kExitIo;
    }
    return kExitIo;
}

void add_common_options(CLI::App& cmd, CommonOptions& options,
                        const std::vector<std::string>& formats) {
    cmd.add_option("--format", options.format, "Output format (default table)")
        ->check(CLI::IsMember(formats))
        ->type_name("FORMAT");
    cmd.add_flag("--human", options.human,
                 "Print sizes as KiB/MiB/GiB instead of kB (table only; csv, json and prom keep "
                 "their units)");
}

const CLI::Validator& non_empty_file() {
    static const CLI::Validator v(
        [](std::string& s) { return s.empty() ? std::string("an empty file name") : std::string(); },
        "", "FILE");
    return v;
}

bool stdout_wants_colour() {
    if (std::getenv("NO_COLOR") != nullptr) return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
    return ::isatty(STDOUT_FILENO) == 1;
}

void write_stdout(std::string_view text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        ssize_t n = ::write(STDOUT_FILENO, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            if (errno == EPIPE) return;
            throw Error(ErrorKind::Io, std::string("cannot write to standard output: ") +
                                           std::strerror(errno));
        }
        p += n;
        left -= static_cast<std::size_t>(n);
    }
}

void print_error(std::string_view message) {
    std::fprintf(stderr, "memsnap: %.*s\n", static_cast<int>(message.size()), message.data());
}

void add_rules_option(CLI::App& cmd, RuleSetId& rules) {
    // Taken as a name and turned into the id once checked: a transformer to the enum printed
    // the enum's values in --help as raw bytes ("dumpsys->\x02").
    std::vector<std::string> names;
    for (std::string_view n : rule_set_names()) names.emplace_back(n);
    cmd.add_option_function<std::string>(
           "--rules", [&rules](const std::string& name) { rules = *rule_set_from_name(name); },
           "Rule set for the rows: memsnap (default: hidumper's rows plus extensions), "
           "hidumper (exactly hidumper --mem), dumpsys (Android's dumpsys meminfo heaps)")
        ->check(CLI::IsMember(names))
        ->type_name("RULES");
}

Thresholds JudgeOptions::thresholds_with_overrides() const {
    Thresholds t;
    for (const std::string& spec : thresholds) apply_threshold_spec(spec, t);
    return t;
}

void add_judge_options(CLI::App& cmd, JudgeOptions& options) {
    cmd.add_option("--threshold", options.thresholds,
                   "GROUP=ABS[/PCT%],... overrides (groups native, js, graphics, anon, file, "
                   "shared, fd, thread, total; e.g. native=8MiB,fd=50/10%)")
        ->type_name("SPEC");
    cmd.add_option("--js-heap", options.js_heap,
                   "What counts as JS heap: ark (named ArkTS heap), anon (also AnonPage other), "
                   "auto (anon for a JS runtime such as node or a JSVM app, else ark)")
        ->check(CLI::IsMember({"ark", "anon", "auto"}))
        ->type_name("RULE");
}

void add_proc_root_option(CLI::App& cmd, std::string& proc_root, const std::string& help) {
    cmd.add_option("--proc-root", proc_root, help)->type_name("DIR|TARBALL");
}

void add_read_options(CLI::App& cmd, ReadOptions& options) {
    add_proc_root_option(cmd, options.proc_root,
                         "Read a /proc-like tree (DIR/<pid>/smaps, status, stat, ...) or a capture "
                         "tarball (memsnap capture, smemcap; .tar or .tar.gz) instead of /proc");
    add_rules_option(cmd, options.rules);
    cmd.add_flag("--no-infer", options.no_infer,
                 "Name rules only, as hidumper: no unnamed mapping is attributed by its shape");
}

void add_group_by_option(CLI::App& cmd, std::string& key, const std::string& help) {
    cmd.add_option("--group-by", key, help)->check(CLI::IsMember(group_by_names()))->type_name("KEY");
}

}  // namespace memsnap
