#include "cli/cmd_serve.h"

#include <netdb.h>
#include <pthread.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <fmt/format.h>
#include <memory>
#include <mutex>
#include <thread>

#include "cli/cmd_watch.h"
#include "cli/common.h"
#include "cli/http_server.h"
#include "cli/serve_sampler.h"
#include "render/escape.h"

namespace memsnap {
namespace {

// The HTTP side's limits (HttpServerOptions' defaults): 8 threads; each connection holds one
// while it lasts: a client that connects and sends nothing for the 5 s read timeout, one that
// never reads its answer for the 5 s write timeout once the socket buffers are full, an idle
// keep-alive connection (as Prometheus keeps between scrapes) for 5 s. So stalled clients, up
// to 7 at once, delay the others by at most those timeouts, never forever.

struct ServeOptions {
    ReadOptions read;  // --proc-root, --rules, --no-infer
    std::vector<std::string> pids;
    std::string listen = "127.0.0.1:9400";
    std::string interval = "5s";
    std::string name;
    bool all = false;
    bool categories = false;
    std::string group_by;  // "", program, user, cgroup
};

// The text every scrape gets: the latest finished sample's, swapped in whole.
class LatestExposition {
  public:
    void publish(std::string text) {
        auto next = std::make_shared<const std::string>(std::move(text));
        std::lock_guard<std::mutex> lock(mutex_);
        text_.swap(next);  // the old text is freed when the last scrape holding it is done
    }
    std::shared_ptr<const std::string> get() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return text_;
    }

  private:
    mutable std::mutex mutex_;
    std::shared_ptr<const std::string> text_;
};

std::string display_address(const ListenAddress& a, int port) {
    bool v6 = a.host.find(':') != std::string::npos;
    return fmt::format("{}{}{}:{}", v6 ? "[" : "", a.host, v6 ? "]" : "", port);
}

// Why `address` cannot be listened on, for the one-line error: httplib only says it failed,
// so the bind is tried once more here to learn errno (or the resolver's answer).
std::string bind_failure_reason(const ListenAddress& address) {
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE;
    addrinfo* found = nullptr;
    std::string port = std::to_string(address.port);
    int rc = ::getaddrinfo(address.host.c_str(), port.c_str(), &hints, &found);
    if (rc != 0) return fmt::format("cannot resolve '{}': {}", address.host, ::gai_strerror(rc));
    std::string reason = "cannot bind";
    for (addrinfo* ai = found; ai != nullptr; ai = ai->ai_next) {
        int fd = ::socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC, ai->ai_protocol);
        if (fd < 0) {
            reason = std::strerror(errno);
            continue;
        }
        int yes = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);  // as httplib does
        int bound = ::bind(fd, ai->ai_addr, ai->ai_addrlen);
        int err = errno;
        ::close(fd);
        if (bound == 0) {
            reason = "the address was busy a moment ago";  // freed since: a race
            break;
        }
        reason = std::strerror(err);
        if (err == EADDRINUSE) reason += " (another program listens there)";
        if (err == EADDRNOTAVAIL) reason += " (not an address of this machine)";
    }
    ::freeaddrinfo(found);
    return reason;
}

std::string index_page(const std::string& what, int64_t interval_ms) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>memsnap exporter</title></head>\n<body>\n<h1>memsnap exporter</h1>\n"
        "<p>memsnap {} samples {} every {} ms.</p>\n"
        "<ul><li><a href=\"/metrics\">Metrics</a></li>"
        "<li><a href=\"/-/healthy\">Health</a></li></ul>\n</body></html>\n",
        xml_escape(MEMSNAP_VERSION), xml_escape(what), interval_ms);
}

int run_serve(const ServeOptions& opts) {
    const ListenAddress address = parse_listen_address(opts.listen);
    const int64_t interval_ms = parse_duration_ms(opts.interval);
    if (interval_ms < 100) throw Error(ErrorKind::Usage, "--interval must be at least 100ms");
    if (opts.categories && !opts.all && (!opts.pids.empty() || !opts.name.empty()))
        throw Error(ErrorKind::Usage,
                    "--categories reads full smaps of every process: PIDs and --name are read "
                    "so already (add --all to read every process besides them)");

    ServeSamplerOptions so;
    so.proc_root = opts.read.proc_root;
    so.selection = {opts.pids, opts.name, opts.all, opts.categories};
    so.infer = !opts.read.no_infer;
    so.rules = opts.read.rules;
    so.group_by = parse_group_by(opts.group_by);
    ServeSampler sampler(so);  // resolves the PIDs: a missing one exits 3 here
    const std::string what = sampler.describe();

    LatestExposition latest;
    HttpRoutes routes;
    routes.metrics = [&latest] { return latest.get(); };
    routes.index_html = index_page(what, interval_ms);
    routes.healthy_text = "memsnap serve is Healthy.\n";
    std::unique_ptr<HttpServer> server = load_http_server(HttpServerOptions{}, routes);

    // SIGINT and SIGTERM are taken by sigwait() below, in this thread only: blocked before any
    // thread starts, so every thread inherits the mask.
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    sigset_t old_mask;
    ::pthread_sigmask(SIG_BLOCK, &stop_signals, &old_mask);

    const int port = server->bind(address.host, address.port);
    if (port <= 0) {
        ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
        throw Error(ErrorKind::Io, fmt::format("cannot listen on {}: {}", opts.listen,
                                               bind_failure_reason(address)));
    }

    // The first sample before the first request is answered: /metrics always has data.
    latest.publish(sampler.sample());

    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::thread sampling([&] {
        using clock = std::chrono::steady_clock;
        const auto interval = std::chrono::milliseconds(interval_ms);
        auto next = clock::now() + interval;
        for (;;) {
            {
                std::unique_lock<std::mutex> lock(mutex);
                if (wake.wait_until(lock, next, [&] { return stopping; })) return;
            }
            try {
                latest.publish(sampler.sample());
            } catch (const std::exception& e) {
                print_error(std::string("sample failed: ") + e.what());
            }
            // Keep the cadence; a sample that overran its interval skips the ticks it missed
            // (memsnap_last_sample_duration_seconds shows it).
            next += interval;
            const auto now = clock::now();
            if (next < now) next = now + interval;
        }
    });
    std::atomic<bool> listen_failed = false;
    std::thread http([&] {
        if (!server->listen()) {
            listen_failed = true;
            ::kill(::getpid(), SIGTERM);  // wakes sigwait below
        }
    });
    // stop() only stops a server that runs: wait for it to have started.
    while (!server->running() && !listen_failed)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::fprintf(stderr, "memsnap serve: listening on http://%s/ (metrics at /metrics), %s every %s\n",
                 display_address(address, port).c_str(), what.c_str(), opts.interval.c_str());

    int sig = 0;
    while (::sigwait(&stop_signals, &sig) != 0) {
    }
    server->stop();
    http.join();
    {
        std::lock_guard<std::mutex> lock(mutex);
        stopping = true;
    }
    wake.notify_all();
    sampling.join();
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    if (listen_failed) throw Error(ErrorKind::Io, "cannot listen on " + opts.listen);
    return kExitOk;
}

}  // namespace

ListenAddress parse_listen_address(std::string_view text) {
    auto bad = [&](const std::string& why) {
        return Error(ErrorKind::Usage, "--listen '" + std::string(text) + "': " + why);
    };
    ListenAddress out;
    std::string_view port;
    if (text.starts_with("[")) {
        std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            throw bad("expected [IPV6]:PORT");
        out.host = std::string(text.substr(1, close - 1));
        port = text.substr(close + 2);
    } else {
        std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos) throw bad("expected HOST:PORT (e.g. 127.0.0.1:9400)");
        out.host = std::string(text.substr(0, colon));
        port = text.substr(colon + 1);
        if (out.host.find(':') != std::string::npos)
            throw bad("an IPv6 address goes in brackets: [::1]:9400");
    }
    if (out.host.empty())
        throw bad("no host: memsnap never listens on every interface unless asked by name "
                  "(0.0.0.0:PORT or [::]:PORT)");
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || out.port < 0 ||
        out.port > 65535)
        throw bad("the port must be a number from 0 to 65535");
    return out;
}

void register_serve_command(CLI::App& app, int& exit_code) {
    auto opts = std::make_shared<ServeOptions>();
    CLI::App* cmd = app.add_subcommand(
        "serve", "A Prometheus exporter: /metrics from the latest sample of the processes");
    cmd->add_option("pid", opts->pids,
                    "PID, 'self', or a process name (exact comm) to export with its categories "
                    "(default: every process, totals only)")
        ->type_name("PID");
    cmd->add_option("--listen,--web.listen-address", opts->listen,
                    "HOST:PORT or [IPV6]:PORT to listen on (default 127.0.0.1:9400; port 0 picks "
                    "one; 0.0.0.0 for every interface)")
        ->type_name("ADDRESS");
    cmd->add_option("--interval", opts->interval,
                    "Time between samples (default 5s; at least 100ms); scrapes get the latest")
        ->type_name("DURATION");
    cmd->add_option("--name", opts->name,
                    "Also every process whose comm matches this extended regex (as pgrep), "
                    "with its categories, looked up at each sample")
        ->type_name("PATTERN");
    cmd->add_flag("--all", opts->all, "Every process (totals) besides the PIDs and --name");
    cmd->add_flag("--categories", opts->categories,
                  "Read full smaps of every process: per-category and per-group series for all "
                  "(slower; many more series)");
    add_group_by_option(*cmd, opts->group_by,
                        "One series per program, user or cgroup instead of per process "
                        "(memsnap_process_group_*; cardinality bounded by the groups); PIDs and "
                        "--name keep their own series");
    add_read_options(*cmd, opts->read);
    cmd->footer(
        "Serves /metrics (Prometheus text format 0.0.4; the families: man memsnap, prom),\n"
        "/ (a page linking to it) and /-/healthy. Each scrape gets the latest finished sample:\n"
        "it never waits on a slow smaps. The processes named (PIDs, --name) are read with\n"
        "their categories (memsnap_category_*, memsnap_group_*); every process otherwise, or\n"
        "with --all, by smaps_rollup (memsnap_process_*; with --group-by summed per group,\n"
        "memsnap_process_group_*{group_by,group}). A process that cannot be read is\n"
        "counted in memsnap_skipped_processes{reason}. SIGINT or SIGTERM stops it (exit 0).\n"
        "Exit 2 for a bad option or address, 3 when a PID does not exist, 6 when the address\n"
        "cannot be listened on (in use, not this machine's). contrib/prometheus/ has alert\n"
        "rules, contrib/grafana/ a dashboard.");
    cmd->callback([opts, &exit_code] { exit_code = run_serve(*opts); });
}

}  // namespace memsnap
