#pragma once
// The manifest `memsnap capture` writes into its tarball (member memsnap-capture.json): when
// each file was read (wall and monotonic clocks), on which machine, by which memsnap, and the
// processes that could not be captured. Read back by procfs/tarball.cpp.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace memsnap {

inline constexpr const char* kCaptureManifestName = "memsnap-capture.json";
inline constexpr const char* kCaptureSchema = "memsnap.capture/1";

// When a file of a capture was read.
struct CaptureTime {
    int64_t wall_ms = 0;       // Unix time, milliseconds
    int64_t monotonic_ns = 0;  // CLOCK_MONOTONIC of the captured machine
    bool operator==(const CaptureTime&) const = default;
};

struct CaptureManifest {
    std::string memsnap_version;
    std::string host;     // uname nodename
    std::string kernel;   // uname release
    std::string machine;  // uname machine (aarch64, armv7l, x86_64)
    std::string rules;    // the default rule set (a reader's --rules picks any: files are raw)
    bool light = false;   // smaps_rollup instead of smaps
    CaptureTime started;
    CaptureTime finished;
    std::map<std::string, CaptureTime, std::less<>> files;  // by member path ("42/smaps")
    struct Skipped {
        int64_t pid = 0;
        std::string reason;  // "gone", "permission denied", ...
        std::string error;   // the message memsnap would have printed
        bool operator==(const Skipped&) const = default;
    };
    std::vector<Skipped> skipped;

    std::optional<CaptureTime> time_of(std::string_view path) const;
    bool operator==(const CaptureManifest&) const = default;
};

// The manifest as JSON text (one object, `"schema": "memsnap.capture/1"`).
std::string capture_manifest_to_json(const CaptureManifest& m);
// Parses it back. Unknown fields are ignored; text that is not JSON, another major schema
// version or a field of the wrong type throws Error(Malformed, "DISPLAY_NAME: what is wrong").
CaptureManifest parse_capture_manifest(std::string_view text, std::string_view display_name);

}  // namespace memsnap
