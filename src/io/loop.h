// SPDX-License-Identifier: Apache-2.0
// Event loop glue for the daemon (DESIGN.md §1): one thread, one libev loop, thin RAII watchers
// whose callbacks are std::function. Time is CLOCK_MONOTONIC read by monotonicNow(); protocol
// deadlines go through PreciseTimer (a timerfd armed at an absolute monotonic time), never
// through libev's own timers, which round up to whole milliseconds and follow the realtime clock.
//
// Ownership: a Loop must outlive every watcher created on it. Watchers are movable (their libev
// state lives on the heap, so moving does not disturb a started watcher) and stop themselves on
// destruction. A callback may destroy its own watcher only as its very last action.
#pragma once

#include "common/stall.h"
#include "common/time.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"

#include <sys/types.h>

#include <functional>
#include <memory>

struct ev_loop;

namespace hafd::io {

// CLOCK_MONOTONIC now, truncated to whole microseconds (so a timer that fired at `deadline`
// always reads monotonicNow() >= deadline).
TimePoint monotonicNow();

// CLOCK_MONOTONIC and CLOCK_BOOTTIME read together (common/stall.h). The pair is read again when
// the thread was preempted between the two reads (their offset would be off by that much), up to
// a few times; the reading taken in the shortest span is kept.
ClockSample readClocks();

// libev's default loop (the only one that can watch children). One Loop at a time per process;
// the destructor destroys the default loop.
class Loop {
public:
    Loop();
    ~Loop();
    Loop(const Loop&) = delete;
    Loop& operator=(const Loop&) = delete;

    // Runs until stop() or until no watcher is active.
    void run();
    // One iteration: blocks until at least one event, handles what is pending, returns.
    void runOnce();
    // Handles what is pending without blocking.
    void poll();
    // Makes run() return after the current iteration.
    void stop();

    struct ev_loop* raw() const {
        return loop_;
    }

private:
    struct ev_loop* loop_;
};

// Read/write readiness of a file descriptor it does not own. Started on construction.
class IoWatcher {
public:
    enum : int { Read = 1, Write = 2 }; // EV_READ, EV_WRITE
    // Called with the ready events (Read | Write).
    using Callback = std::function<void(int events)>;

    IoWatcher(); // inactive: assign a started one to it
    IoWatcher(Loop& loop, int fd, int events, Callback cb);
    IoWatcher(IoWatcher&&) noexcept;
    IoWatcher& operator=(IoWatcher&&) noexcept;
    ~IoWatcher();

    void start();
    void stop();
    // Watches other events of the same fd (e.g. Write only while a queue is non-empty).
    void setEvents(int events);
    bool active() const;

    struct State;

private:
    std::unique_ptr<State> s_;
};

// A POSIX signal, delivered in the loop (not in a signal handler). Started on construction.
class SignalWatcher {
public:
    using Callback = std::function<void()>;

    SignalWatcher(); // inactive: assign a started one to it
    SignalWatcher(Loop& loop, int signum, Callback cb);
    SignalWatcher(SignalWatcher&&) noexcept;
    SignalWatcher& operator=(SignalWatcher&&) noexcept;
    ~SignalWatcher();

    struct State;

private:
    std::unique_ptr<State> s_;
};

// The exit of one child process (reaped by libev; do not waitpid() it elsewhere). One-shot: the
// callback runs once with the pid and the wait status (WIFEXITED/WEXITSTATUS...).
class ChildWatcher {
public:
    using Callback = std::function<void(pid_t pid, int status)>;

    ChildWatcher(); // inactive: assign a started one to it
    ChildWatcher(Loop& loop, pid_t pid, Callback cb);
    ChildWatcher(ChildWatcher&&) noexcept;
    ChildWatcher& operator=(ChildWatcher&&) noexcept;
    ~ChildWatcher();

    struct State;

private:
    std::unique_ptr<State> s_;
};

// Each iteration of the loop, around the moment it blocks: `beforeSleep` runs just before the
// loop waits for events (ev_prepare), `woke` right after the wait returns and before any other
// callback of that iteration runs (ev_check at the highest priority: libev runs pending
// watchers by priority, highest first). So what `woke` learns (a stall) acts before any socket,
// timer or signal callback of the same iteration. Started on construction.
class WakeWatcher {
public:
    using Callback = std::function<void()>;

    WakeWatcher(); // inactive: assign a started one to it
    WakeWatcher(Loop& loop, Callback beforeSleep, Callback woke);
    WakeWatcher(WakeWatcher&&) noexcept;
    WakeWatcher& operator=(WakeWatcher&&) noexcept;
    ~WakeWatcher();

    struct State;

private:
    std::unique_ptr<State> s_;
};

// A one-shot timer at an absolute CLOCK_MONOTONIC time, with the precision of a timerfd (tens of
// microseconds, not libev's whole milliseconds). Arm it with the core's nextDeadline(). The
// callback may run early, once, when the timer was re-armed after an expiry had been reported
// in the same loop iteration: check the time in it.
class PreciseTimer {
public:
    using Callback = std::function<void()>;

    // Creates the timerfd and watches it; disarmed.
    static SysResult<PreciseTimer> create(Loop& loop, Callback cb);

    PreciseTimer(); // inactive: assign a started one to it
    PreciseTimer(PreciseTimer&&) noexcept;
    PreciseTimer& operator=(PreciseTimer&&) noexcept;
    ~PreciseTimer();

    // Fires once at `deadline` (at once, from the loop, if it has passed). Re-arming replaces the
    // previous deadline. 0 or -errno.
    int arm(TimePoint deadline);
    // Cancels; a pending expiry that has not been handled yet is dropped too. 0 or -errno.
    int disarm();
    bool armed() const;
    // The armed deadline (meaningless when !armed()).
    TimePoint deadline() const;

    struct State;

private:
    std::unique_ptr<State> s_;
};

} // namespace hafd::io
