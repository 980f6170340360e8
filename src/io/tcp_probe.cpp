// SPDX-License-Identifier: Apache-2.0
#include "io/tcp_probe.h"

#include "io/unique_fd.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace hafd::io {

struct TcpProbe::State {
    Loop* loop = nullptr;
    PreciseTimer timer; // the timeout, and the way a result known early reaches the loop
    UniqueFd fd;
    IoWatcher io; // after fd: stopped before the descriptor closes
    Done done;
    bool running = false;
    // A result known inside start() (socket() or connect() failed at once), reported from the
    // timer, armed to fire at once, so that `done` never runs inside start().
    bool early = false;
    int earlyResult = 0;

    void begin(const IpAddress& address, uint16_t port, Duration timeout) {
        sockaddr_storage ss{};
        socklen_t len = 0;
        if (address.family() == Family::V4) {
            auto& sin = reinterpret_cast<sockaddr_in&>(ss);
            sin.sin_family = AF_INET;
            sin.sin_port = htons(port);
            std::memcpy(&sin.sin_addr, address.bytes().data(), 4);
            len = sizeof sin;
        } else {
            auto& sin6 = reinterpret_cast<sockaddr_in6&>(ss);
            sin6.sin6_family = AF_INET6;
            sin6.sin6_port = htons(port);
            std::memcpy(&sin6.sin6_addr, address.bytes().data(), 16);
            len = sizeof sin6;
        }
        fd.reset(::socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
        if (!fd)
            return finishEarly(-errno);
        if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&ss), len) == 0)
            return finishEarly(0);
        if (errno != EINPROGRESS)
            return finishEarly(-errno);
        io = IoWatcher(*loop, fd.get(), IoWatcher::Write, [this](int) { onWritable(); });
        (void)timer.arm(monotonicNow() + timeout); // only fails for a bad timerfd
    }

    void finishEarly(int result) {
        fd.reset();
        early = true;
        earlyResult = result;
        (void)timer.arm(monotonicNow());
    }

    // Writable: the handshake completed or failed; SO_ERROR tells which.
    void onWritable() {
        int err = 0;
        socklen_t len = sizeof err;
        if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len) < 0)
            err = errno;
        finish(-err);
    }

    void onTimer() {
        // The timer may run early once after a re-arm (loop.h): only a due deadline counts.
        if (!running || monotonicNow() < timer.deadline())
            return;
        finish(early ? earlyResult : -ETIMEDOUT);
    }

    // Releases the socket and the timer; no call to `done`.
    void stop() {
        running = false;
        early = false;
        io.stop();
        fd.reset();
        (void)timer.disarm();
    }

    void finish(int result) {
        stop();
        Done cb = std::move(done);
        done = nullptr;
        if (cb)
            cb(result); // may start the probe again or destroy it: nothing after this
    }
};

SysResult<TcpProbe> TcpProbe::create(Loop& loop) {
    TcpProbe p;
    p.s_ = std::make_unique<State>();
    State* self = p.s_.get(); // on the heap: moving the probe does not move it
    auto timer = PreciseTimer::create(loop, [self] { self->onTimer(); });
    if (!timer)
        return Unexpected{timer.error()};
    p.s_->timer = std::move(*timer);
    p.s_->loop = &loop;
    return p;
}

TcpProbe::TcpProbe() = default;
TcpProbe::TcpProbe(TcpProbe&&) noexcept = default;
TcpProbe& TcpProbe::operator=(TcpProbe&&) noexcept = default;
TcpProbe::~TcpProbe() = default;

void TcpProbe::start(const IpAddress& address, uint16_t port, Duration timeout, Done done) {
    if (!s_)
        return;
    s_->stop();
    s_->running = true;
    s_->done = std::move(done);
    s_->begin(address, port, timeout);
}

void TcpProbe::cancel() {
    if (s_ && s_->running) {
        s_->stop();
        s_->done = nullptr;
    }
}

bool TcpProbe::running() const {
    return s_ && s_->running;
}

} // namespace hafd::io
