// SPDX-License-Identifier: Apache-2.0
#include "io/http_server.h"

#include "io/sockaddr.h"
#include "io/unique_fd.h"

#include <microhttpd.h>
#include <sys/socket.h>

#include <cerrno>

namespace hafd::io {

struct HttpServer::Impl {
    MHD_Daemon* daemon = nullptr;
    ~Impl() {
        if (daemon != nullptr)
            MHD_stop_daemon(daemon); // closes the listening socket it was given, too
    }

    // libmicrohttpd's access handler: called once the request's headers are in. The answer is
    // queued at once; a request body, if any, is never read (no method here takes one).
    static MHD_Result answer(void* cls, MHD_Connection* connection, const char* url,
                             const char* method, const char*, const char*, size_t*, void**) {
        auto* self = static_cast<HttpServer*>(cls);
        ++self->requests_;
        const HttpResponse r = self->handler_(method, url);
        MHD_Response* response = MHD_create_response_from_buffer(
            r.body.size(), const_cast<char*>(r.body.data()), MHD_RESPMEM_MUST_COPY);
        if (response == nullptr)
            return MHD_NO; // out of memory: the connection is closed
        if (!r.contentType.empty())
            MHD_add_response_header(response, MHD_HTTP_HEADER_CONTENT_TYPE, r.contentType.c_str());
        for (const auto& [name, value] : r.headers)
            MHD_add_response_header(response, name.c_str(), value.c_str());
        const MHD_Result queued = MHD_queue_response(connection, r.status, response);
        MHD_destroy_response(response);
        return queued;
    }
};

SysResult<std::unique_ptr<HttpServer>> HttpServer::open(Loop& loop, const IpAddress& address,
                                                        uint16_t port, Handler handler,
                                                        Limits limits) {
    const std::string where = hostPort(address, port);
    // The socket is ours, so that a failure says which step failed and why.
    UniqueFd fd(::socket(address.family() == Family::V4 ? AF_INET : AF_INET6,
                         SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        return sysFail(errno, "socket(TCP) for " + where);
    const int on = 1;
    if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0)
        return sysFail(errno, "setsockopt(SO_REUSEADDR) for " + where);
    sockaddr_storage sa;
    const socklen_t len = toSockaddr(address, port, sa);
    if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), len) != 0)
        return sysFail(errno, "bind " + where);
    if (::listen(fd.get(), static_cast<int>(limits.connections)) != 0)
        return sysFail(errno, "listen on " + where);

    std::unique_ptr<HttpServer> s(new HttpServer());
    s->handler_ = std::move(handler);
    s->impl_ = std::make_unique<Impl>();
    // No MHD_USE_INTERNAL_POLLING_THREAD: "external" mode, driven by MHD_run() from the loop;
    // MHD_USE_EPOLL gives one descriptor to watch for all its sockets.
    const unsigned flags = MHD_USE_EPOLL | (address.family() == Family::V6 ? MHD_USE_IPv6 : 0);
    s->impl_->daemon = MHD_start_daemon(
        flags, port, nullptr, nullptr, &Impl::answer, s.get(), MHD_OPTION_LISTEN_SOCKET, fd.get(),
        MHD_OPTION_CONNECTION_LIMIT, limits.connections, MHD_OPTION_CONNECTION_TIMEOUT,
        limits.timeoutSeconds, MHD_OPTION_CONNECTION_MEMORY_LIMIT, limits.memory, MHD_OPTION_END);
    if (s->impl_->daemon == nullptr)
        return sysFail(errno != 0 ? errno : EINVAL, "start the HTTP server on " + where);
    fd.release(); // libmicrohttpd owns it now
    const MHD_DaemonInfo* info = MHD_get_daemon_info(s->impl_->daemon, MHD_DAEMON_INFO_EPOLL_FD);
    if (info == nullptr)
        return sysFail(ENOTSUP, "libmicrohttpd without epoll, for " + where);
    HttpServer* raw = s.get();
    auto timer = PreciseTimer::create(loop, [raw] { raw->run(); });
    if (!timer)
        return Unexpected<SysError>{timer.error()};
    s->timer_ = std::move(*timer);
    s->watcher_ = IoWatcher(loop, info->epoll_fd, IoWatcher::Read, [raw](int) { raw->run(); });
    s->run(); // arms the timer if libmicrohttpd wants one
    return s;
}

HttpServer::~HttpServer() {
    watcher_ = IoWatcher();
    timer_ = PreciseTimer();
    impl_.reset();
}

void HttpServer::run() {
    MHD_run(impl_->daemon);
    MHD_UNSIGNED_LONG_LONG ms = 0;
    if (MHD_get_timeout(impl_->daemon, &ms) == MHD_YES)
        timer_.arm(monotonicNow() + std::chrono::milliseconds(ms));
    else
        timer_.disarm();
}

} // namespace hafd::io
