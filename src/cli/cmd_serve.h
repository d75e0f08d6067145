#pragma once
// `memsnap serve`: a Prometheus exporter. A sampler thread reads the selected processes on its
// own cadence (cli/serve_sampler.h); an HTTP server (cpp-httplib) answers every scrape of
// /metrics from the latest finished sample, so a scrape never waits on a slow smaps.
#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace memsnap {

// Where to listen: "HOST:PORT" or "[IPV6]:PORT"; port 0 picks a free one.
struct ListenAddress {
    std::string host;  // without brackets
    int port = 0;
};

// Parses --listen. An empty host (":9400", all interfaces in other exporters) is refused:
// listening on every interface must be asked for by name (0.0.0.0 or [::]). Throws
// Error(Usage, ...) naming the text.
ListenAddress parse_listen_address(std::string_view text);

// Adds the `serve` subcommand to `app`; when it runs, its exit code is stored in `exit_code`.
void register_serve_command(CLI::App& app, int& exit_code);

}  // namespace memsnap
