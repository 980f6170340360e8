// SPDX-License-Identifier: Apache-2.0
// The end of a graceful stop (DESIGN.md §6) as a wait with a bound: once the instances have
// resigned, the daemon waits for work still in flight (a control reply, later the stop
// notifications) before it exits, but never longer than the bound: a hung command must not
// keep hafd from stopping. The loop runs meanwhile, so that work can finish.
#pragma once

#include "common/time.h"
#include "daemon/scheduler.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace hafd::daemon {

class Drain {
public:
    // How many pieces of one kind of work are still in flight.
    using Count = std::function<std::size_t()>;

    // `done` runs once, when the wait ends.
    Drain(Scheduler& scheduler, std::function<void()> done);

    // A kind of work to wait for, named for the log ("control replies").
    void await(std::string what, Count count);
    // Starts waiting at `now` for at most `bound`; done() may run before this returns.
    void start(TimePoint now, Duration bound);
    // Ends the wait at once (a second SIGTERM).
    void finish();
    bool waiting() const { return waiting_; }

private:
    void check(TimePoint now);
    // "2 control replies, 1 notify command": what is still in flight; empty when nothing.
    std::string inFlight() const;

    struct Work {
        std::string what;
        Count count;
    };
    std::vector<Work> work_;
    std::function<void()> done_;
    Scheduler::Timer poll_;
    TimePoint deadline_{};
    bool waiting_ = false;
};

} // namespace hafd::daemon
