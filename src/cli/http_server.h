#pragma once
// The HTTP side of `memsnap serve`, behind a small interface: cpp-httplib lives in a plugin,
// memsnap-http.so (src/http/), loaded by `serve` alone. Debian's libcpp-httplib pulls in
// OpenSSL and initialises it when loaded, which cost every other command ~20 ms of start-up.
#include <cstddef>
#include <functional>
#include <memory>
#include <string>

namespace memsnap {

struct HttpServerOptions {
    std::size_t threads = 8;             // connections served at once; each holds one while it lasts
    int read_timeout_sec = 5;            // a client that sends nothing is dropped after this
    int write_timeout_sec = 5;           // one that reads nothing of its answer, after this
    int keep_alive_sec = 5;              // an idle keep-alive connection, after this
    std::size_t max_request_body = 4096;  // GET only: no request needs a body
};

// What the server answers: GET /metrics (the exposition, Prometheus text 0.0.4), GET / (a
// page), GET /-/healthy (200); anything else 404.
struct HttpRoutes {
    std::function<std::shared_ptr<const std::string>()> metrics;  // called per scrape, any thread
    std::string index_html;
    std::string healthy_text;
};

class HttpServer {
  public:
    virtual ~HttpServer() = default;
    // Binds HOST:PORT (port 0: one the system picks); the port bound, or -1.
    virtual int bind(const std::string& host, int port) = 0;
    // Serves on the bound socket until stop(); false when it could not.
    virtual bool listen() = 0;
    virtual bool running() const = 0;
    // Stops a running server: listen() returns once the requests in flight are answered.
    virtual void stop() = 0;
};

// The plugin's entry point, looked up by this name; the _v1 changes with this interface.
inline constexpr const char* kHttpServerEntry = "memsnap_http_server_new_v1";
using HttpServerFactory = HttpServer* (*)(const HttpServerOptions* options, const HttpRoutes* routes);

// Loads memsnap-http.so from beside the executable (a build tree) or from
// <exe dir>/../<libdir>/memsnap/ (an install), and makes a server. Throws Error(Io) naming
// where it looked and dlerror()'s reason.
std::unique_ptr<HttpServer> load_http_server(const HttpServerOptions& options,
                                             const HttpRoutes& routes);

}  // namespace memsnap
