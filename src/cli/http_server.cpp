#include "cli/http_server.h"

#include <dlfcn.h>
#include <unistd.h>

#include <climits>
#include <string>
#include <vector>

#include "model/error.h"

#ifndef MEMSNAP_PLUGIN_LIBDIR
#define MEMSNAP_PLUGIN_LIBDIR "lib"
#endif

namespace memsnap {

std::unique_ptr<HttpServer> load_http_server(const HttpServerOptions& options,
                                             const HttpRoutes& routes) {
    char exe[PATH_MAX];
    ssize_t n = ::readlink("/proc/self/exe", exe, sizeof exe - 1);
    std::string dir = n > 0 ? std::string(exe, static_cast<std::size_t>(n)) : std::string(".");
    dir = dir.substr(0, dir.find_last_of('/') == std::string::npos ? 0 : dir.find_last_of('/'));
    const std::vector<std::string> candidates = {
        dir + "/memsnap-http.so",                                            // a build tree
        dir + "/../" MEMSNAP_PLUGIN_LIBDIR "/memsnap/memsnap-http.so",       // an install
    };
    std::string why;
    for (const std::string& path : candidates) {
        if (::access(path.c_str(), F_OK) != 0) continue;
        // Never closed: the server's code runs until the process exits.
        void* handle = ::dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (handle == nullptr) {
            why = std::string(": ") + ::dlerror();
            continue;
        }
        auto make = reinterpret_cast<HttpServerFactory>(::dlsym(handle, kHttpServerEntry));
        if (make == nullptr) {
            why = ": " + path + " has no " + kHttpServerEntry + " (another memsnap version's?)";
            continue;
        }
        return std::unique_ptr<HttpServer>(make(&options, &routes));
    }
    throw Error(ErrorKind::Io, "serve needs its HTTP plugin memsnap-http.so, in " + candidates[0] +
                                   " or " + candidates[1] + (why.empty() ? ": not found" : why));
}

}  // namespace memsnap
