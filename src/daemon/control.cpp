// SPDX-License-Identifier: Apache-2.0
#include "daemon/control.h"

#include "common/log.h"
#include "ctl/json.h"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace hafd::daemon {

namespace {
constexpr std::size_t kMaxRequest = 4096;
constexpr std::size_t kMaxConnections = 16;
constexpr int kBacklog = 128;
// Connections accepted in one go before the loop gets its turn again (a flood of clients must
// not keep it from adverts and timers).
constexpr int kAcceptsPerWakeup = 64;

// A best-effort error reply on a connection about to be closed: one short line, never waited
// for (a client that does not read it loses it).
void tellError(int fd, const std::string& error) {
    const std::string line = ctl::formatErrorReply(error);
    (void)::send(fd, line.data(), line.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
}
} // namespace

struct ControlServer::Connection {
    ControlServer* server = nullptr; // outlives the connection (its destructor closes them all)
    io::UniqueFd fd;
    io::IoWatcher watcher;
    std::string in;
    std::string out;
    std::size_t sent = 0;
    bool asked = false;     // the request was read and handed over
    bool answered = false;  // its reply was given (on a stream: its last line)
    bool streaming = false; // the reply is a stream (Responder::stream)
    // Reading the request, or writing the reply, must be done by then (none while the
    // request is being answered).
    std::optional<TimePoint> deadline;
};

void ControlServer::Responder::send(std::string reply) const {
    const auto c = c_.lock();
    if (!c || c->answered)
        return;
    c->answered = true;
    c->out.erase(0, c->sent);
    c->sent = 0;
    c->out += reply;
    c->deadline = io::monotonicNow() + c->server->limits_.reply;
    c->server->armTimer();
    c->watcher.setEvents(io::IoWatcher::Write);
    c->watcher.start();
    c->server->onWritable(*c);
}

bool ControlServer::Responder::stream(std::string_view lines, std::size_t backlog) const {
    const auto c = c_.lock();
    if (!c || c->answered)
        return false;
    if (c->out.size() - c->sent + lines.size() > backlog)
        return false;
    if (!c->streaming) {
        c->streaming = true;
        // Reading again, to see the client leave (EOF) while nothing is being written.
        c->watcher.setEvents(io::IoWatcher::Read);
        c->watcher.start();
    }
    c->out.erase(0, c->sent);
    c->sent = 0;
    c->out.append(lines);
    c->watcher.setEvents(io::IoWatcher::Read | io::IoWatcher::Write);
    c->server->onWritable(*c);
    return true;
}

bool ControlServer::Responder::waiting() const {
    const auto c = c_.lock();
    return c && !c->answered;
}

std::size_t ControlServer::pendingReplies() const {
    std::size_t n = 0;
    for (const auto& c : connections_)
        n += c->asked && !c->answered && !c->streaming ? 1 : 0;
    return n;
}

io::SysResult<std::unique_ptr<ControlServer>>
ControlServer::open(io::Loop& loop, const std::string& path, Handler handler, ControlAccess access,
                    ControlLimits limits) {
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
    const std::string dir = path.substr(0, path.rfind('/'));
    if (const std::string error = access.apply(dir.empty() ? "/" : dir, path); !error.empty())
        return io::sysFail(errno ? errno : EPERM, error);
    if (!access.gid())
        log::notice("control: group %s does not exist: only root may use %s",
                    access.groupName().c_str(), path.c_str());
    // A burst of clients waits in the kernel until the loop accepts them (and answers those
    // past kMaxConnections "busy"): a short backlog would refuse them with EAGAIN instead.
    if (listen(fd.get(), kBacklog) != 0)
        return io::sysFail(errno, "listen " + path);
    // The timer's callback finds the server once it exists.
    auto server = std::make_shared<ControlServer*>(nullptr);
    auto timer = io::PreciseTimer::create(loop, [server] {
        if (*server)
            (*server)->expire();
    });
    if (!timer)
        return io::sysFail(timer.error().code, timer.error().what);
    auto out = std::unique_ptr<ControlServer>(
        new ControlServer(loop, path, std::move(fd), std::move(handler), std::move(access), limits,
                          std::move(*timer)));
    *server = out.get();
    return out;
}

ControlServer::ControlServer(io::Loop& loop, std::string path, io::UniqueFd fd, Handler handler,
                             ControlAccess access, ControlLimits limits, io::PreciseTimer timer)
    : loop_(loop), path_(std::move(path)), fd_(std::move(fd)), handler_(std::move(handler)),
      access_(std::move(access)), limits_(limits),
      watcher_(loop, fd_.get(), io::IoWatcher::Read, [this](int) { accept(); }),
      timer_(std::move(timer)) {}

ControlServer::~ControlServer() {
    connections_.clear();
    ::unlink(path_.c_str());
}

void ControlServer::accept() {
    for (int i = 0; i < kAcceptsPerWakeup; ++i) {
        io::UniqueFd c(accept4(fd_.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
        if (!c)
            return; // EAGAIN, or a transient error: the next readiness retries
        std::string why;
        if (!access_.allows(c.get(), why)) {
            ++counters_.denied;
            if (refusalLog_.allow(io::monotonicNow()))
                log::warning("control: connection refused: %s (%llu refused so far)", why.c_str(),
                             static_cast<unsigned long long>(counters_.denied));
            tellError(c.get(), "permission denied: " + why);
            continue; // closed by UniqueFd
        }
        if (connections_.size() >= kMaxConnections) {
            ++counters_.busy;
            if (refusalLog_.allow(io::monotonicNow()))
                log::warning("control: %zu connections are being served, refusing more (%llu "
                             "refused as busy so far)",
                             kMaxConnections, static_cast<unsigned long long>(counters_.busy));
            tellError(c.get(),
                      "busy: " + std::to_string(kMaxConnections) + " connections are being served");
            continue;
        }
        ++counters_.served;
        auto conn = std::make_shared<Connection>();
        conn->server = this;
        conn->fd = std::move(c);
        conn->deadline = io::monotonicNow() + limits_.request;
        Connection* raw = conn.get();
        conn->watcher =
            io::IoWatcher(loop_, conn->fd.get(), io::IoWatcher::Read, [this, raw](int events) {
                if (events & io::IoWatcher::Write)
                    onWritable(*raw);
                else
                    onReadable(*raw);
            });
        connections_.push_back(std::move(conn));
        armTimer();
    }
}

void ControlServer::expire() {
    const TimePoint now = io::monotonicNow();
    std::vector<Connection*> late;
    for (const auto& c : connections_)
        if (c->deadline && now >= *c->deadline)
            late.push_back(c.get());
    for (Connection* c : late) {
        ++counters_.timedOut;
        if (c->answered) {
            close(*c); // the reply was not read in time
        } else {
            char limit[32];
            std::snprintf(limit, sizeof limit, "%.3g s", toSeconds(limits_.request));
            refuse(*c, std::string("request not complete within ") + limit +
                           " (one JSON object on one line, ending with a newline)");
        }
    }
    armTimer();
}

void ControlServer::armTimer() {
    std::optional<TimePoint> next;
    for (const auto& c : connections_)
        if (c->deadline && (!next || *c->deadline < *next))
            next = c->deadline;
    if (next)
        timer_.arm(*next);
    else
        timer_.disarm();
}

void ControlServer::refuse(Connection& c, const std::string& error) {
    tellError(c.fd.get(), error);
    close(c);
}

void ControlServer::refuseTooLong(Connection& c) {
    ++counters_.tooLong;
    refuse(c, "request longer than " + std::to_string(kMaxRequest) + " bytes");
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
            refuseTooLong(c);
        return;
    }
    if (newline > kMaxRequest) {
        refuseTooLong(c);
        return;
    }
    c.asked = true;
    c.deadline.reset(); // the handler answers in its own time
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
    if (c.streaming && !c.answered) {
        c.out.clear(); // all written: wait for more, reading only to see the client leave
        c.sent = 0;
        c.watcher.setEvents(io::IoWatcher::Read);
        return;
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
