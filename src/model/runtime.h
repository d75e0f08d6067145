#pragma once
// Recognising a JavaScript runtime, so `diff --js-heap auto` knows whether the unnamed anonymous
// memory of a process ("AnonPage other") is its JS heap (V8/JSVM keep their heap there).
#include <string_view>

namespace memsnap {

// The runtime a process name (comm) says it is: "node" for node/nodejs, "deno", "bun"; empty
// when the name is not a known JS runtime.
std::string_view js_runtime_of_process(std::string_view comm);

// The runtime a mapped library belongs to, from its smaps name: "jsvm" for libjsvm.so (the
// OpenHarmony JSVM), "node" for libnode.so, "v8" for libv8.so (versions allowed); empty otherwise.
std::string_view js_runtime_of_library(std::string_view mapping_name);

}  // namespace memsnap
