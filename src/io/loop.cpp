// SPDX-License-Identifier: Apache-2.0
#include "io/loop.h"

#include <ev.h>
#include <sys/timerfd.h>

#include <cerrno>
#include <cstdint>
#include <ctime>

namespace hafd::io {

TimePoint monotonicNow() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return TimePoint(Duration(static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000));
}

namespace {

Duration readClock(clockid_t id) {
    timespec ts{};
    if (clock_gettime(id, &ts) < 0)
        return Duration(-1);
    return Duration(static_cast<int64_t>(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000);
}

} // namespace

ClockSample readClocks() {
    // Preempted between the reads, the offset BOOTTIME - MONOTONIC would be off by the time
    // away: bracket BOOTTIME by two MONOTONIC reads and take their middle.
    constexpr int kTries = 3;
    constexpr Duration kTight = 50us;
    ClockSample best{};
    Duration bestSpan = Duration::max();
    for (int i = 0; i < kTries && bestSpan > kTight; ++i) {
        const Duration m1 = readClock(CLOCK_MONOTONIC);
        const Duration boot = readClock(CLOCK_BOOTTIME);
        const Duration m2 = readClock(CLOCK_MONOTONIC);
        if (boot < Duration::zero()) // no BOOTTIME: no suspend can be seen, none is made up
            return {TimePoint(m2), m2};
        if (m2 - m1 < bestSpan) {
            bestSpan = m2 - m1;
            best = {TimePoint(m1 + (m2 - m1) / 2), boot};
        }
    }
    return best;
}

// ---------------------------------------------------------------------------------------------
// Loop

Loop::Loop() : loop_(ev_default_loop(EVFLAG_AUTO)) {}
Loop::~Loop() {
    ev_loop_destroy(loop_);
}
void Loop::run() {
    ev_run(loop_, 0);
}
void Loop::runOnce() {
    ev_run(loop_, EVRUN_ONCE);
}
void Loop::poll() {
    ev_run(loop_, EVRUN_NOWAIT);
}
void Loop::stop() {
    ev_break(loop_, EVBREAK_ALL);
}

// ---------------------------------------------------------------------------------------------
// IoWatcher

struct IoWatcher::State {
    ev_io io{};
    struct ev_loop* loop = nullptr;
    Callback cb;

    static void onEvent(struct ev_loop*, ev_io* w, int revents) {
        auto* self = static_cast<State*>(w->data);
        self->cb(revents & (EV_READ | EV_WRITE)); // may destroy *self: nothing after this
    }
};

IoWatcher::IoWatcher(Loop& loop, int fd, int events, Callback cb) : s_(std::make_unique<State>()) {
    s_->loop = loop.raw();
    s_->cb = std::move(cb);
    ev_io_init(&s_->io, State::onEvent, fd, events & (EV_READ | EV_WRITE));
    s_->io.data = s_.get();
    ev_io_start(s_->loop, &s_->io);
}

IoWatcher::IoWatcher() = default;
IoWatcher::IoWatcher(IoWatcher&&) noexcept = default;
IoWatcher& IoWatcher::operator=(IoWatcher&& o) noexcept {
    if (this != &o) {
        stop();
        s_ = std::move(o.s_);
    }
    return *this;
}
IoWatcher::~IoWatcher() {
    stop();
}

void IoWatcher::start() {
    if (s_)
        ev_io_start(s_->loop, &s_->io);
}
void IoWatcher::stop() {
    if (s_)
        ev_io_stop(s_->loop, &s_->io);
}
void IoWatcher::setEvents(int events) {
    if (!s_)
        return;
    const bool wasActive = ev_is_active(&s_->io);
    ev_io_stop(s_->loop, &s_->io);
    ev_io_set(&s_->io, s_->io.fd, events & (EV_READ | EV_WRITE));
    if (wasActive)
        ev_io_start(s_->loop, &s_->io);
}
bool IoWatcher::active() const {
    return s_ && ev_is_active(&s_->io);
}

// ---------------------------------------------------------------------------------------------
// WakeWatcher

struct WakeWatcher::State {
    ev_prepare prepare{};
    ev_check check{};
    struct ev_loop* loop = nullptr;
    Callback beforeSleep;
    Callback woke;

    static void onPrepare(struct ev_loop*, ev_prepare* w, int) {
        static_cast<State*>(w->data)->beforeSleep();
    }
    static void onCheck(struct ev_loop*, ev_check* w, int) { static_cast<State*>(w->data)->woke(); }

    void stop() {
        ev_prepare_stop(loop, &prepare);
        ev_check_stop(loop, &check);
    }
};

WakeWatcher::WakeWatcher(Loop& loop, Callback beforeSleep, Callback woke)
    : s_(std::make_unique<State>()) {
    s_->loop = loop.raw();
    s_->beforeSleep = std::move(beforeSleep);
    s_->woke = std::move(woke);
    ev_prepare_init(&s_->prepare, State::onPrepare);
    s_->prepare.data = s_.get();
    ev_check_init(&s_->check, State::onCheck);
    s_->check.data = s_.get();
    // First among the callbacks of its iteration (ev_set_priority only on an inactive watcher).
    ev_set_priority(&s_->check, EV_MAXPRI);
    ev_prepare_start(s_->loop, &s_->prepare);
    ev_check_start(s_->loop, &s_->check);
}
WakeWatcher::WakeWatcher() = default;
WakeWatcher::WakeWatcher(WakeWatcher&&) noexcept = default;
WakeWatcher& WakeWatcher::operator=(WakeWatcher&& o) noexcept {
    if (this != &o) {
        if (s_)
            s_->stop();
        s_ = std::move(o.s_);
    }
    return *this;
}
WakeWatcher::~WakeWatcher() {
    if (s_)
        s_->stop();
}

// ---------------------------------------------------------------------------------------------
// SignalWatcher

struct SignalWatcher::State {
    ev_signal sig{};
    struct ev_loop* loop = nullptr;
    Callback cb;

    static void onSignal(struct ev_loop*, ev_signal* w, int) { static_cast<State*>(w->data)->cb(); }
};

SignalWatcher::SignalWatcher(Loop& loop, int signum, Callback cb) : s_(std::make_unique<State>()) {
    s_->loop = loop.raw();
    s_->cb = std::move(cb);
    ev_signal_init(&s_->sig, State::onSignal, signum);
    s_->sig.data = s_.get();
    ev_signal_start(s_->loop, &s_->sig);
}
SignalWatcher::SignalWatcher() = default;
SignalWatcher::SignalWatcher(SignalWatcher&&) noexcept = default;
SignalWatcher& SignalWatcher::operator=(SignalWatcher&& o) noexcept {
    if (this != &o) {
        if (s_)
            ev_signal_stop(s_->loop, &s_->sig);
        s_ = std::move(o.s_);
    }
    return *this;
}
SignalWatcher::~SignalWatcher() {
    if (s_)
        ev_signal_stop(s_->loop, &s_->sig);
}

// ---------------------------------------------------------------------------------------------
// ChildWatcher

struct ChildWatcher::State {
    ev_child child{};
    struct ev_loop* loop = nullptr;
    Callback cb;

    static void onChild(struct ev_loop* loop, ev_child* w, int) {
        ev_child_stop(loop, w); // one-shot
        auto* self = static_cast<State*>(w->data);
        self->cb(w->rpid, w->rstatus);
    }
};

ChildWatcher::ChildWatcher(Loop& loop, pid_t pid, Callback cb) : s_(std::make_unique<State>()) {
    s_->loop = loop.raw();
    s_->cb = std::move(cb);
    ev_child_init(&s_->child, State::onChild, pid, 0);
    s_->child.data = s_.get();
    ev_child_start(s_->loop, &s_->child);
}
ChildWatcher::ChildWatcher() = default;
ChildWatcher::ChildWatcher(ChildWatcher&&) noexcept = default;
ChildWatcher& ChildWatcher::operator=(ChildWatcher&& o) noexcept {
    if (this != &o) {
        if (s_)
            ev_child_stop(s_->loop, &s_->child);
        s_ = std::move(o.s_);
    }
    return *this;
}
ChildWatcher::~ChildWatcher() {
    if (s_)
        ev_child_stop(s_->loop, &s_->child);
}

// ---------------------------------------------------------------------------------------------
// PreciseTimer

struct PreciseTimer::State {
    UniqueFd fd;
    ev_io io{};
    struct ev_loop* loop = nullptr;
    Callback cb;
    bool armed = false;
    TimePoint deadline{};
    uint64_t settings = 0;     // counts arm()/disarm() calls
    bool* destroyed = nullptr; // set while the callback runs, to detect its own destruction

    ~State() {
        if (destroyed)
            *destroyed = true;
    }

    // The expiry is consumed by read() only when the callback did not re-arm or disarm the timer:
    // timerfd_settime() resets the expiry count itself, and a timer re-armed on every expiry (a
    // master's advert schedule) then costs one system call less per expiry. The price: an expiry
    // that a re-arm voided after epoll reported it still runs the callback once, early; callers
    // check the time (the daemon's Scheduler runs only what is due).
    static void onReadable(struct ev_loop*, ev_io* w, int) {
        auto* self = static_cast<State*>(w->data);
        const uint64_t before = self->settings;
        bool gone = false;
        self->destroyed = &gone;
        self->armed = false;
        self->cb();
        if (gone)
            return;
        self->destroyed = nullptr;
        if (self->settings == before) {
            uint64_t expirations = 0;
            (void)!::read(self->fd.get(), &expirations, sizeof expirations);
        }
    }
};

SysResult<PreciseTimer> PreciseTimer::create(Loop& loop, Callback cb) {
    const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
    if (fd < 0)
        return sysFail(errno, "timerfd_create(CLOCK_MONOTONIC)");
    PreciseTimer t;
    t.s_ = std::make_unique<State>();
    t.s_->fd.reset(fd);
    t.s_->loop = loop.raw();
    t.s_->cb = std::move(cb);
    ev_io_init(&t.s_->io, State::onReadable, fd, EV_READ);
    t.s_->io.data = t.s_.get();
    ev_io_start(t.s_->loop, &t.s_->io);
    return t;
}

PreciseTimer::PreciseTimer() = default;
PreciseTimer::PreciseTimer(PreciseTimer&&) noexcept = default;
PreciseTimer& PreciseTimer::operator=(PreciseTimer&& o) noexcept {
    if (this != &o) {
        if (s_)
            ev_io_stop(s_->loop, &s_->io);
        s_ = std::move(o.s_);
    }
    return *this;
}
PreciseTimer::~PreciseTimer() {
    if (s_)
        ev_io_stop(s_->loop, &s_->io);
}

int PreciseTimer::arm(TimePoint deadline) {
    if (!s_)
        return -EBADF;
    int64_t us = deadline.time_since_epoch().count();
    itimerspec spec{};
    if (us <= 0) {
        spec.it_value.tv_nsec = 1; // an all-zero it_value would disarm
    } else {
        spec.it_value.tv_sec = static_cast<time_t>(us / 1'000'000);
        spec.it_value.tv_nsec = static_cast<long>((us % 1'000'000) * 1000);
    }
    if (timerfd_settime(s_->fd.get(), TFD_TIMER_ABSTIME, &spec, nullptr) < 0)
        return -errno;
    ++s_->settings;
    s_->armed = true;
    s_->deadline = deadline;
    return 0;
}

int PreciseTimer::disarm() {
    if (!s_)
        return -EBADF;
    const itimerspec spec{};
    if (timerfd_settime(s_->fd.get(), 0, &spec, nullptr) < 0)
        return -errno;
    ++s_->settings;
    s_->armed = false;
    return 0;
}

bool PreciseTimer::armed() const {
    return s_ && s_->armed;
}
TimePoint PreciseTimer::deadline() const {
    return s_ ? s_->deadline : TimePoint{};
}

} // namespace hafd::io
