#include "model/runtime.h"

#include <array>
#include <utility>

#include "model/classify.h"

namespace memsnap {

std::string_view js_runtime_of_process(std::string_view comm) {
    if (comm == "node" || comm == "nodejs") return "node";
    if (comm == "deno") return "deno";
    if (comm == "bun") return "bun";
    return {};
}

std::string_view js_runtime_of_library(std::string_view mapping_name) {
    // Cheap reject first: this runs once per mapping while smaps is streamed.
    if (mapping_name.find(".so") == std::string_view::npos) return {};
    std::string_view name = strip_deleted(mapping_name);
    std::size_t slash = name.rfind('/');
    std::string_view base = slash == std::string_view::npos ? name : name.substr(slash + 1);
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 3> kLibs = {{
        {"libjsvm.so", "jsvm"},  // OpenHarmony JSVM (V8 inside): its JS heap is AnonPage other
        {"libnode.so", "node"},  // Debian's node links libnode.so.NNN
        {"libv8.so", "v8"},
    }};
    for (const auto& [lib, runtime] : kLibs) {
        if (!base.starts_with(lib)) continue;
        std::string_view rest = base.substr(lib.size());
        // Nothing or ".<digits>" groups may follow (libnode.so.108).
        bool versioned = true;
        for (std::size_t i = 0; i < rest.size(); ++i) {
            char c = rest[i];
            if (!(c == '.' || (c >= '0' && c <= '9'))) versioned = false;
        }
        if (versioned) return runtime;
    }
    return {};
}

}  // namespace memsnap
