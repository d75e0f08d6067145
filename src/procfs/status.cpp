#include "procfs/status.h"

#include <algorithm>
#include <array>
#include <bitset>
#include <charconv>
#include <cstring>

#include "model/error.h"
#include "model/mem_usage.h"
#include "procfs/file.h"
#include "procfs/key_value.h"

namespace memsnap {
namespace {

[[noreturn]] void malformed(std::string_view file, uint64_t line, std::string_view what) {
    throw malformed_line(file, line, what);
}

// Parses a decimal number of at most kMaxCount followed by " kB" when `kb`, nothing else: the
// kernel always writes the unit, so a number without it was cut short.
bool leading_number(std::string_view s, uint64_t& out, bool kb) {
    s = trim_blanks(s);
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec != std::errc() || ptr == s.data() || out > kMaxCount) return false;
    std::string_view rest = trim_blanks(std::string_view(ptr, static_cast<std::size_t>(s.data() + s.size() - ptr)));
    return kb ? rest == "kB" : rest.empty();
}

// The keys parse_status reads. A used key (Name .. Threads) may appear once; PurgSum and
// PurgPin (OpenHarmony kernels only) are not checked.
enum class StatusKey : unsigned char {
    Name, Pid, Uid, VmPeak, VmSize, VmHWM, VmRSS, RssAnon, RssFile, RssShmem, VmSwap, Threads,
    PurgSum, PurgPin, Other
};
constexpr std::size_t kUsedKeys = static_cast<std::size_t>(StatusKey::Threads) + 1;

struct KnownKey {
    std::string_view key;
    StatusKey id;
};
constexpr std::array<KnownKey, 14> kKnownKeys = {{
    {"Name", StatusKey::Name},         {"Pid", StatusKey::Pid},         {"Uid", StatusKey::Uid},
    {"VmPeak", StatusKey::VmPeak},     {"VmSize", StatusKey::VmSize},   {"VmHWM", StatusKey::VmHWM},
    {"VmRSS", StatusKey::VmRSS},       {"RssAnon", StatusKey::RssAnon}, {"RssFile", StatusKey::RssFile},
    {"RssShmem", StatusKey::RssShmem}, {"VmSwap", StatusKey::VmSwap},   {"Threads", StatusKey::Threads},
    {"PurgSum", StatusKey::PurgSum},   {"PurgPin", StatusKey::PurgPin},
}};

// Which key a line holds. Most of status' ~55 lines (State, Tgid, Gid, Sig*, Cap*, Cpus_*, ...)
// are told apart by their first byte, before any comparison: the listing parses status once a
// process, and this was half of its own CPU time.
StatusKey status_key(std::string_view key) {
    switch (key.empty() ? '\0' : key.front()) {
        case 'N': case 'P': case 'U': case 'V': case 'R': case 'T':
            break;
        default:
            return StatusKey::Other;
    }
    for (const KnownKey& k : kKnownKeys)
        if (k.key == key) return k.id;
    return StatusKey::Other;
}

}  // namespace

ProcessStatus parse_status(std::string_view text, std::string_view display_name) {
    ProcessStatus st;
    std::bitset<kUsedKeys> seen;  // a key we use twice would change a value silently
    // The kernel escapes a CR in a name ("\r"), so a raw one means an edited file, and the
    // error names the line that holds the first one.
    if (const char* cr = static_cast<const char*>(std::memchr(text.data(), '\r', text.size())))
        malformed(display_name,
                  1 + static_cast<uint64_t>(std::count(text.data(), cr, '\n')),
                  "a CR character, not as the kernel writes status");
    KeyValueLines lines(text, display_name, "Key: value");
    while (lines.next()) {
        const std::string_view key = lines.key();
        std::string_view value = lines.value();
        const StatusKey id = status_key(key);
        if (id == StatusKey::Other) continue;
        if (const auto used = static_cast<std::size_t>(id); used < kUsedKeys) {
            if (seen[used]) lines.fail(std::string(key) + " appears twice");
            seen[used] = true;
        }
        uint64_t* field = nullptr;
        switch (id) {
            case StatusKey::Name:
                // The name is everything after the tab; it may contain spaces.
                if (!value.empty() && value.front() == '\t') value.remove_prefix(1);
                // The kernel escapes a backslash as "\\" and a newline as "\n" here (not in comm).
                st.name.clear();
                for (std::size_t i = 0; i < value.size(); ++i) {
                    if (value[i] == '\\' && i + 1 < value.size() &&
                        (value[i + 1] == '\\' || value[i + 1] == 'n')) {
                        st.name += value[i + 1] == 'n' ? '\n' : '\\';
                        ++i;
                    } else {
                        st.name += value[i];
                    }
                }
                continue;
            case StatusKey::Pid: {
                uint64_t v = 0;
                if (!leading_number(value, v, false)) lines.fail("bad number for Pid");
                st.pid = static_cast<int64_t>(v);
                continue;
            }
            case StatusKey::Uid: {
                uint64_t v = 0;
                std::string_view first = trim_blanks(value);
                first = first.substr(0, first.find_first_of(" \t"));
                auto [ptr, ec] = std::from_chars(first.data(), first.data() + first.size(), v);
                if (ec != std::errc() || ptr != first.data() + first.size() || v > UINT32_MAX)
                    lines.fail("bad number for Uid");
                st.uid = static_cast<uint32_t>(v);
                continue;
            }
            case StatusKey::VmPeak: field = &st.vm_peak; break;
            case StatusKey::VmSize: field = &st.vm_size; break;
            case StatusKey::VmHWM: field = &st.vm_hwm; break;
            case StatusKey::VmRSS: field = &st.vm_rss; break;
            case StatusKey::RssAnon: field = &st.rss_anon; break;
            case StatusKey::RssFile: field = &st.rss_file; break;
            case StatusKey::RssShmem: field = &st.rss_shmem; break;
            case StatusKey::VmSwap: field = &st.vm_swap; break;
            case StatusKey::Threads: field = &st.threads; break;
            case StatusKey::PurgSum: field = &st.purg_sum; break;
            case StatusKey::PurgPin: field = &st.purg_pin; break;
            case StatusKey::Other: continue;
        }
        if (!leading_number(value, *field, field != &st.threads))
            lines.fail("bad number for " + std::string(key));
    }
    return st;
}

ProcessStatus read_status(const ProcRoot& root, std::string_view path) {
    std::string text;
    read_small_file(root, path, text);
    return parse_status(text, root.display(path));
}

ProcessStat parse_stat(std::string_view text, std::string_view display_name) {
    ProcessStat st;
    std::size_t open = text.find('(');
    std::size_t close = text.rfind(')');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open)
        malformed(display_name, 1, "expected 'pid (comm) state ...'");
    std::string_view pid = trim_blanks(text.substr(0, open));
    uint64_t v = 0;
    auto [ptr, ec] = std::from_chars(pid.data(), pid.data() + pid.size(), v);
    if (ec != std::errc() || ptr != pid.data() + pid.size()) malformed(display_name, 1, "bad pid");
    st.pid = static_cast<int64_t>(v);
    st.comm = std::string(text.substr(open + 1, close - open - 1));
    // Fields after ")" are numbered from 3 (state); starttime is field 22.
    std::string_view rest = text.substr(close + 1);
    int field = 2;
    while (!rest.empty() && field < 22) {
        while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\n')) rest.remove_prefix(1);
        if (rest.empty()) break;
        std::size_t sp = 0;  // a field is a few bytes: looked at one by one, not with a call
        while (sp < rest.size() && rest[sp] != ' ' && rest[sp] != '\n') ++sp;
        std::string_view tok = rest.substr(0, sp);
        rest = rest.substr(sp);
        ++field;
        if (field == 3) {
            if (tok.size() != 1) malformed(display_name, 1, "bad state field");
            st.state = tok[0];
        } else if (field == 4) {
            auto [p2, ec2] = std::from_chars(tok.data(), tok.data() + tok.size(), st.ppid);
            if (ec2 != std::errc() || p2 != tok.data() + tok.size())
                malformed(display_name, 1, "bad ppid (field 4)");
        } else if (field == 9) {
            auto [p2, ec2] = std::from_chars(tok.data(), tok.data() + tok.size(), st.flags);
            if (ec2 != std::errc() || p2 != tok.data() + tok.size())
                malformed(display_name, 1, "bad flags (field 9)");
        } else if (field == 22) {
            auto [p2, ec2] = std::from_chars(tok.data(), tok.data() + tok.size(), st.starttime);
            if (ec2 != std::errc() || p2 != tok.data() + tok.size())
                malformed(display_name, 1, "bad starttime (field 22)");
        }
    }
    if (field < 22) malformed(display_name, 1, "fewer than 22 fields");
    return st;
}

bool ProcessStat::exiting() const {
    constexpr uint64_t kPfExiting = 0x4;  // include/linux/sched.h
    return state == 'Z' || state == 'X' || state == 'x' || (flags & kPfExiting) != 0;
}

ProcessStat read_stat(const ProcRoot& root, std::string_view path) {
    std::string text;
    read_small_file(root, path, text, 64 * 1024);
    return parse_stat(text, root.display(path));
}

}  // namespace memsnap
