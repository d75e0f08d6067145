#include "model/capture_manifest.h"

#include <nlohmann/json.hpp>

#include "model/error.h"

namespace memsnap {
namespace {

using nlohmann::json;

json time_to_json(const CaptureTime& t) {
    return {{"wall_ms", t.wall_ms}, {"monotonic_ns", t.monotonic_ns}};
}

CaptureTime time_from_json(const json& j) {
    return {j.at("wall_ms").get<int64_t>(), j.at("monotonic_ns").get<int64_t>()};
}

}  // namespace

std::optional<CaptureTime> CaptureManifest::time_of(std::string_view path) const {
    auto it = files.find(path);
    if (it == files.end()) return std::nullopt;
    return it->second;
}

std::string capture_manifest_to_json(const CaptureManifest& m) {
    json files = json::object();
    for (const auto& [path, t] : m.files) files[path] = time_to_json(t);
    json skipped = json::array();
    for (const auto& s : m.skipped)
        skipped.push_back({{"pid", s.pid}, {"reason", s.reason}, {"error", s.error}});
    json j = {{"schema", kCaptureSchema},
              {"memsnap_version", m.memsnap_version},
              {"host", m.host},
              {"kernel", m.kernel},
              {"machine", m.machine},
              {"rules", m.rules},
              {"light", m.light},
              {"started", time_to_json(m.started)},
              {"finished", time_to_json(m.finished)},
              {"skipped", skipped},
              {"files", files}};
    return j.dump(1) + "\n";
}

CaptureManifest parse_capture_manifest(std::string_view text, std::string_view display_name) {
    auto fail = [&](const std::string& what) {
        return Error(ErrorKind::Malformed, std::string(display_name) + ": " + what);
    };
    json j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object()) throw fail("not a JSON object");
    try {
        std::string schema = j.at("schema").get<std::string>();
        if (!schema.starts_with("memsnap.capture/"))
            throw fail("not a memsnap capture manifest (schema '" + schema + "')");
        if (schema.substr(16, schema.find('.', 16) - 16) != "1")
            throw fail("capture schema '" + schema + "' is not supported (this memsnap reads " +
                       kCaptureSchema + ")");
        CaptureManifest m;
        m.memsnap_version = j.value("memsnap_version", "");
        m.host = j.value("host", "");
        m.kernel = j.value("kernel", "");
        m.machine = j.value("machine", "");
        m.rules = j.value("rules", "");
        m.light = j.value("light", false);
        if (j.contains("started")) m.started = time_from_json(j["started"]);
        if (j.contains("finished")) m.finished = time_from_json(j["finished"]);
        if (j.contains("files"))
            for (const auto& [path, t] : j.at("files").items()) m.files[path] = time_from_json(t);
        if (j.contains("skipped"))
            for (const json& s : j.at("skipped"))
                m.skipped.push_back({s.at("pid").get<int64_t>(), s.value("reason", ""),
                                     s.value("error", "")});
        return m;
    } catch (const json::exception& e) {
        throw fail(std::string("bad manifest: ") + e.what());
    }
}

}  // namespace memsnap
