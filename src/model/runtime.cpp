#include "model/runtime.h"

#include <array>
#include <utility>

#include "model/classify.h"

namespace memsnap {
namespace {

std::string_view base_name(std::string_view mapping_name) {
    std::string_view name = strip_deleted(mapping_name);
    std::size_t slash = name.rfind('/');
    return slash == std::string_view::npos ? name : name.substr(slash + 1);
}

// True when `rest` is empty or only ".<digits>" groups (".108", ".2.0").
bool version_suffix(std::string_view rest) {
    for (char c : rest) {
        if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
    }
    return true;
}

// `base` is `lib` followed by a version suffix ("libnode.so.108" for "libnode.so").
bool is_library(std::string_view base, std::string_view lib) {
    return base.starts_with(lib) && version_suffix(base.substr(lib.size()));
}

struct LibraryRule {
    std::string_view prefix;  // the file name up to ".so"
    bool any_infix;           // anything may come between prefix and ".so" (libtcmalloc_minimal)
    Runtime runtime;
    std::string_view runtime_name;
    Allocator allocator;
    std::string_view source;
};

// Which runtime or allocator a mapped library reveals. Checked on this machine (Debian 12):
// the paths are those /proc/PID/maps shows for each.
constexpr std::array kLibraries = {
    LibraryRule{"libjvm", false, Runtime::Java, "java", Allocator::Unknown,
                "HotSpot's VM: /usr/lib/jvm/*/lib/server/libjvm.so (openjdk-17)"},
    LibraryRule{"libjsvm", false, Runtime::Js, "jsvm", Allocator::Unknown,
                "OpenHarmony JSVM (V8 inside)"},
    LibraryRule{"libnode", false, Runtime::Js, "node", Allocator::Unknown,
                "Debian's node links libnode.so.NNN"},
    LibraryRule{"libv8", false, Runtime::Js, "v8", Allocator::Unknown, "V8 as a library"},
    LibraryRule{"libpython3", true, Runtime::Python, "python", Allocator::Unknown,
                "a shared CPython (libpython3.11.so.1.0: pyenv, embedders)"},
    LibraryRule{"libjemalloc", false, Runtime::Unknown, "", Allocator::Jemalloc,
                "libjemalloc2: libjemalloc.so.2 (LD_PRELOAD or linked)"},
    LibraryRule{"libtcmalloc", true, Runtime::Unknown, "", Allocator::Tcmalloc,
                "libgoogle-perftools4: libtcmalloc.so.4, libtcmalloc_minimal.so.4"},
    LibraryRule{"libmimalloc", true, Runtime::Unknown, "", Allocator::Mimalloc,
                "libmimalloc2.0: libmimalloc.so.2"},
};

// A CPython executable: python, python3, python3.11 (Debian's is linked statically with
// libpython, so no library reveals it).
bool is_python_executable(std::string_view base) {
    return base.starts_with("python") && version_suffix(base.substr(6));
}

}  // namespace

std::string_view js_runtime_of_process(std::string_view comm) {
    if (comm == "node" || comm == "nodejs") return "node";
    if (comm == "deno") return "deno";
    if (comm == "bun") return "bun";
    return {};
}

std::string_view js_runtime_of_library(std::string_view mapping_name) {
    // Cheap reject first: this runs once per mapping while smaps is streamed.
    if (mapping_name.find(".so") == std::string_view::npos) return {};
    std::string_view base = base_name(mapping_name);
    for (const auto& [lib, runtime] : {std::pair<std::string_view, std::string_view>{
                                           "libjsvm.so", "jsvm"},
                                       {"libnode.so", "node"},
                                       {"libv8.so", "v8"}}) {
        if (is_library(base, lib)) return runtime;
    }
    return {};
}

Allocator ProcessLayout::allocator() const {
    if (replacement != Allocator::Unknown) return replacement;
    if (libc) return Allocator::Glibc;
    return runtime == Runtime::Go ? Allocator::None : Allocator::Unknown;
}

void ProcessLayout::set_runtime(Runtime r, std::string_view name) {
    if (runtime != Runtime::Unknown) return;  // the first evidence wins
    runtime = r;
    runtime_name = name;
}

void ProcessLayout::note_file(std::string_view mapping_name) {
    std::size_t so = mapping_name.find(".so");
    if (so == std::string_view::npos) {
        if (runtime == Runtime::Unknown && mapping_name.find("python") != std::string_view::npos &&
            is_python_executable(base_name(mapping_name)))
            set_runtime(Runtime::Python, "python");
        return;
    }
    std::string_view base = base_name(mapping_name);
    if (is_library(base, "libc.so.6") || is_library(base, "libc.so")) {
        libc = true;
        return;
    }
    std::size_t dot = base.find(".so");
    if (dot == std::string_view::npos || !version_suffix(base.substr(dot + 3))) return;
    std::string_view stem = base.substr(0, dot);
    for (const LibraryRule& rule : kLibraries) {
        if (rule.any_infix ? !stem.starts_with(rule.prefix) : stem != rule.prefix) continue;
        if (rule.runtime != Runtime::Unknown) set_runtime(rule.runtime, rule.runtime_name);
        if (rule.allocator != Allocator::Unknown && replacement == Allocator::Unknown)
            replacement = rule.allocator;
        return;
    }
}

std::string_view allocator_name(Allocator a) {
    switch (a) {
        case Allocator::Glibc: return "glibc";
        case Allocator::Jemalloc: return "jemalloc";
        case Allocator::Tcmalloc: return "tcmalloc";
        case Allocator::Mimalloc: return "mimalloc";
        default: return {};
    }
}

}  // namespace memsnap
