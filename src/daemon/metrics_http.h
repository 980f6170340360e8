// SPDX-License-Identifier: Apache-2.0
// The metrics' HTTP listener (hafd.conf(5) metrics.listen), off unless configured: GET (or HEAD)
// /metrics answers the daemon's metrics in Prometheus' text format; another path is 404, another
// method 405. It runs on the daemon's loop (io/http_server.h): the metrics are rendered from the
// daemon's state between two other callbacks, never from another thread.
#pragma once

#include "config/config.h"
#include "io/http_server.h"
#include "io/loop.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace hafd::daemon {

class MetricsListener {
public:
    using Render = std::function<std::string()>;

    MetricsListener(io::Loop& loop, Render render) : loop_(loop), render_(std::move(render)) {}

    // The listener `metrics` asks for (none without metrics.listen): the one open is kept when
    // it listens there already, else closed and a new one opened. "" when done; otherwise why
    // the new one cannot listen, and the one open before stays open.
    std::string configure(const std::optional<config::Metrics>& metrics);

    // "127.0.0.1:9650", "[::1]:9650"; "" when none is open.
    std::string address() const;
    uint64_t requests() const { return requestsBefore_ + (server_ ? server_->requests() : 0); }

    // What the listener answers: the routing, apart from HTTP.
    static io::HttpResponse answer(const std::string& method, const std::string& path,
                                   const Render& render);

private:
    io::SysResult<std::unique_ptr<io::HttpServer>> open(const IpAddress& address, uint16_t port);

    io::Loop& loop_;
    Render render_;
    std::unique_ptr<io::HttpServer> server_;
    IpAddress address_;
    uint16_t port_ = 0;
    uint64_t requestsBefore_ = 0; // answered by listeners closed since start
};

} // namespace hafd::daemon
