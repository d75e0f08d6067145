#pragma once
// Recognising the runtime and the allocator of a process from its name and what it maps, so that
// `diff --js-heap auto` knows whether AnonPage other is a JS heap and the shape rules know whose
// layout an unnamed mapping follows (model/shape_rules.h). Returns names and a ProcessLayout.
#include <string_view>

namespace memsnap {

// The runtime a process name (comm) says it is: "node" for node/nodejs, "deno", "bun"; empty
// when the name is not a known JS runtime.
std::string_view js_runtime_of_process(std::string_view comm);

// The runtime a mapped library belongs to, from its smaps name: "jsvm" for libjsvm.so (the
// OpenHarmony JSVM), "node" for libnode.so, "v8" for libv8.so (versions allowed); empty otherwise.
std::string_view js_runtime_of_library(std::string_view mapping_name);

// Runtimes whose memory layout attribution knows. Js covers every V8 embedder (node, deno,
// bun, jsvm, v8): their heap pages have one shape.
enum class Runtime : unsigned char { Unknown, Js, Java, Go, Python };

// The malloc of the process. None: a Go binary that maps no C library (built without cgo), so
// no mapping can be a malloc chunk; Unknown: none recognised (a static C program, or a lone
// smaps file without its libraries), glibc's shapes apply.
enum class Allocator : unsigned char { Unknown, None, Glibc, Jemalloc, Tcmalloc, Mimalloc };

// What the mapped files of one process say about it, filled mapping by mapping.
struct ProcessLayout {
    Runtime runtime = Runtime::Unknown;
    std::string_view runtime_name;  // "node", "java", "go", "python", "jsvm", ...; empty: none
    bool libc = false;              // libc.so.6 is mapped
    Allocator replacement = Allocator::Unknown;  // jemalloc/tcmalloc/mimalloc mapped

    // The allocator serving malloc: a replacement library when one is mapped (LD_PRELOAD or
    // linked), glibc when libc is, None for a Go binary without libc, else Unknown.
    Allocator allocator() const;
    // Records one file-backed mapping (its smaps name). Cheap for the common case: a name
    // without ".so" or "python" is rejected after one search each.
    void note_file(std::string_view mapping_name);
    // Records a runtime found another way (the process name, the executable's ELF sections).
    void set_runtime(Runtime r, std::string_view name);
};

// "glibc", "jemalloc", "tcmalloc", "mimalloc"; empty for Unknown and None.
std::string_view allocator_name(Allocator a);

}  // namespace memsnap
