// SPDX-License-Identifier: Apache-2.0
// A small HTTP server for the daemon's loop, through libmicrohttpd (no HTTP parsing of our own).
// libmicrohttpd runs without a thread of its own: its epoll descriptor is watched by the loop and
// MHD_run() is called from the loop when it is ready or when libmicrohttpd's own timeout (idle
// connections) comes, so the handler runs on the loop's thread, between other callbacks, and
// may read the daemon's state. Nothing blocks: sockets are non-blocking, connections are bounded
// in number and time (a slow client holds a slot until its timeout, never the loop).
#pragma once

#include "common/address.h"
#include "io/loop.h"
#include "io/sys_error.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace hafd::io {

struct HttpResponse {
    unsigned status = 200;
    std::string contentType;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers; // others (Allow ...)
};

class HttpServer {
public:
    // The request's method ("GET") and path ("/metrics", without the query); runs on the loop.
    using Handler = std::function<HttpResponse(const std::string& method, const std::string& path)>;

    struct Limits {
        unsigned connections = 16;      // at once; more wait in the listen queue
        unsigned timeoutSeconds = 5;    // an idle connection is closed after this
        std::size_t memory = 64 * 1024; // per connection, for the request
    };

    // Binds and listens on address:port (SO_REUSEADDR) and starts serving from `loop`. The
    // error names the step that failed ("bind 127.0.0.1:9650: Address already in use").
    static SysResult<std::unique_ptr<HttpServer>>
    open(Loop& loop, const IpAddress& address, uint16_t port, Handler handler, Limits limits);
    // Closes the listener and every connection at once.
    ~HttpServer();
    HttpServer(const HttpServer&) = delete;
    HttpServer& operator=(const HttpServer&) = delete;

    uint64_t requests() const { return requests_; }

    struct Impl; // libmicrohttpd's side (http_server.cpp)

private:
    HttpServer() = default;
    // Lets libmicrohttpd do what is due, then re-arms the timer with its next timeout.
    void run();

    std::unique_ptr<Impl> impl_;
    IoWatcher watcher_;
    PreciseTimer timer_;
    Handler handler_;
    uint64_t requests_ = 0;
};

} // namespace hafd::io
