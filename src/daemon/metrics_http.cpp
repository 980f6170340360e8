// SPDX-License-Identifier: Apache-2.0
#include "daemon/metrics_http.h"

#include "common/log.h"
#include "ctl/metrics.h"

#include <cerrno>

namespace hafd::daemon {

namespace {

// A scraper needs one connection at a time; a few more leave room for an operator's curl. A
// client that stops sending or reading loses its connection after the timeout.
constexpr io::HttpServer::Limits kLimits{8, 10, 32 * 1024};

} // namespace

io::HttpResponse MetricsListener::answer(const std::string& method, const std::string& path,
                                         const Render& render) {
    if (path != "/metrics")
        return {404, "text/plain; charset=utf-8", "Not found: hafd serves /metrics only.\n", {}};
    if (method != "GET" && method != "HEAD")
        return {405,
                "text/plain; charset=utf-8",
                "Method not allowed: /metrics answers GET and HEAD.\n",
                {{"Allow", "GET, HEAD"}}};
    return {200, ctl::kMetricsContentType, render(), {}};
}

io::SysResult<std::unique_ptr<io::HttpServer>> MetricsListener::open(const IpAddress& address,
                                                                     uint16_t port) {
    return io::HttpServer::open(
        loop_, address, port,
        [this](const std::string& method, const std::string& path) {
            return answer(method, path, render_);
        },
        kLimits);
}

std::string MetricsListener::configure(const std::optional<config::Metrics>& metrics) {
    const bool wanted = metrics && metrics->listens();
    if (!wanted) {
        if (server_) {
            log::notice("metrics: HTTP listener on %s closed", address().c_str());
            requestsBefore_ += server_->requests();
            server_.reset();
            port_ = 0;
        }
        return "";
    }
    if (server_ && address_ == metrics->listenAddress && port_ == metrics->listenPort)
        return "";
    auto opened = open(metrics->listenAddress, metrics->listenPort);
    // The same port on another address of ours (127.0.0.1 -> 0.0.0.0) conflicts with the
    // listener open now: it goes first, and comes back if the new one cannot listen either.
    if (!opened && opened.error().code == EADDRINUSE && server_ && port_ == metrics->listenPort) {
        requestsBefore_ += server_->requests();
        server_.reset();
        opened = open(metrics->listenAddress, metrics->listenPort);
        if (!opened) {
            auto back = open(address_, port_);
            if (back)
                server_ = std::move(*back);
            else
                port_ = 0;
        }
    }
    if (!opened)
        return "cannot listen: " + opened.error().message();
    if (server_)
        requestsBefore_ += server_->requests();
    server_ = std::move(*opened);
    address_ = metrics->listenAddress;
    port_ = metrics->listenPort;
    log::notice("metrics: HTTP listener on %s (GET /metrics)", address().c_str());
    return "";
}

std::string MetricsListener::address() const {
    return server_ ? hostPort(address_, port_) : "";
}

} // namespace hafd::daemon
