// memsnap-http.so: cli/http_server.h's HttpServer on cpp-httplib (Debian's libcpp-httplib).
// Built as a plugin that only `memsnap serve` loads; it links nothing of memsnap's.
#include <httplib.h>

#include "cli/http_server.h"

namespace memsnap {
namespace {

class HttplibServer final : public HttpServer {
  public:
    HttplibServer(const HttpServerOptions& options, const HttpRoutes& routes) : routes_(routes) {
        const std::size_t threads = options.threads;
        server_.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
        server_.set_read_timeout(options.read_timeout_sec, 0);
        server_.set_write_timeout(options.write_timeout_sec, 0);
        server_.set_keep_alive_timeout(options.keep_alive_sec);
        server_.set_payload_max_length(options.max_request_body);
        server_.Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
            std::shared_ptr<const std::string> text = routes_.metrics();
            res.set_content(*text, "text/plain; version=0.0.4; charset=utf-8");
        });
        server_.Get("/", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(routes_.index_html, "text/html; charset=utf-8");
        });
        server_.Get("/-/healthy", [this](const httplib::Request&, httplib::Response& res) {
            res.set_content(routes_.healthy_text, "text/plain; charset=utf-8");
        });
    }

    int bind(const std::string& host, int port) override {
        if (port == 0) return server_.bind_to_any_port(host);
        return server_.bind_to_port(host, port) ? port : -1;
    }
    bool listen() override { return server_.listen_after_bind(); }
    bool running() const override { return server_.is_running(); }
    void stop() override { server_.stop(); }

  private:
    HttpRoutes routes_;
    httplib::Server server_;
};

}  // namespace
}  // namespace memsnap

extern "C" __attribute__((visibility("default"))) memsnap::HttpServer* memsnap_http_server_new_v1(
    const memsnap::HttpServerOptions* options, const memsnap::HttpRoutes* routes) {
    return new memsnap::HttplibServer(*options, *routes);
}
