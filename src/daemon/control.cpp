// SPDX-License-Identifier: Apache-2.0
#include "daemon/control.h"

#include "common/log.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hafd::daemon {

namespace {
constexpr std::size_t kMaxRequest = 4096;
constexpr std::size_t kMaxConnections = 16;
} // namespace

struct ControlServer::Connection {
    ControlServer* server = nullptr; // outlives the connection (its destructor closes them all)
    io::UniqueFd fd;
    io::IoWatcher watcher;
    std::string in;
    std::string out;
    std::size_t sent = 0;
    bool asked = false;    // the request was read and handed over
    bool answered = false; // its reply was given
};

void ControlServer::Responder::send(std::string reply) const {
    const auto c = c_.lock();
    if (!c || c->answered)
        return;
    c->answered = true;
    c->out = std::move(reply);
    c->watcher.setEvents(io::IoWatcher::Write);
    c->watcher.start();
    c->server->onWritable(*c);
}

bool ControlServer::Responder::waiting() const {
    const auto c = c_.lock();
    return c && !c->answered;
}

std::size_t ControlServer::pendingReplies() const {
    std::size_t n = 0;
    for (const auto& c : connections_)
        n += c->asked && !c->answered ? 1 : 0;
    return n;
}

io::SysResult<std::unique_ptr<ControlServer>>
ControlServer::open(io::Loop& loop, const std::string& path, Handler handler) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        return io::sysFail(ENAMETOOLONG, "control socket " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size() + 1);
    io::UniqueFd fd(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd)
        return io::sysFail(errno, "socket(AF_UNIX)");
    ::unlink(path.c_str());
    if (bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0)
        return io::sysFail(errno, "bind " + path);
    ::chmod(path.c_str(), 0660);
    if (listen(fd.get(), 8) != 0)
        return io::sysFail(errno, "listen " + path);
    return std::unique_ptr<ControlServer>(
        new ControlServer(loop, path, std::move(fd), std::move(handler)));
}

ControlServer::ControlServer(io::Loop& loop, std::string path, io::UniqueFd fd, Handler handler)
    : loop_(loop), path_(std::move(path)), fd_(std::move(fd)), handler_(std::move(handler)),
      watcher_(loop, fd_.get(), io::IoWatcher::Read, [this](int) { accept(); }) {}

ControlServer::~ControlServer() {
    connections_.clear();
    ::unlink(path_.c_str());
}

void ControlServer::accept() {
    for (;;) {
        io::UniqueFd c(accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!c)
            return; // EAGAIN, or a transient error: the next readiness retries
        if (connections_.size() >= kMaxConnections) {
            log::warning("control: more than %zu connections, refusing one", kMaxConnections);
            continue; // closed by UniqueFd
        }
        auto conn = std::make_shared<Connection>();
        conn->server = this;
        conn->fd = std::move(c);
        Connection* raw = conn.get();
        conn->watcher =
            io::IoWatcher(loop_, conn->fd.get(), io::IoWatcher::Read, [this, raw](int events) {
                if (events & io::IoWatcher::Write)
                    onWritable(*raw);
                else
                    onReadable(*raw);
            });
        connections_.push_back(std::move(conn));
    }
}

void ControlServer::onReadable(Connection& c) {
    char buf[1024];
    const ssize_t n = recv(c.fd.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR))
        return;
    if (n <= 0) {
        close(c);
        return;
    }
    if (c.asked)
        return; // one request per connection; what follows it is ignored
    c.in.append(buf, static_cast<std::size_t>(n));
    const auto newline = c.in.find('\n');
    if (newline == std::string::npos) {
        if (c.in.size() > kMaxRequest)
            close(c);
        return;
    }
    c.asked = true;
    // Not reading any more: a client that closes its end while waiting is seen when the reply
    // is written (EPIPE).
    c.watcher.stop();
    // The handler may answer at once, which closes the connection: it stays alive until here.
    std::shared_ptr<Connection> keep;
    for (const auto& shared : connections_)
        if (shared.get() == &c)
            keep = shared;
    handler_(c.in.substr(0, newline), Responder(keep));
}

void ControlServer::onWritable(Connection& c) {
    while (c.sent < c.out.size()) {
        const ssize_t n =
            send(c.fd.get(), c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EAGAIN)
            return;
        if (n <= 0) {
            close(c);
            return;
        }
        c.sent += static_cast<std::size_t>(n);
    }
    close(c);
}

void ControlServer::close(Connection& c) {
    for (auto it = connections_.begin(); it != connections_.end(); ++it)
        if (it->get() == &c) {
            connections_.erase(it); // stops the watcher, closes the fd
            return;
        }
}

} // namespace hafd::daemon
