// SPDX-License-Identifier: Apache-2.0
// Many logical timers on one precise hardware timer (a timerfd, DESIGN.md §1): every router's
// protocol deadline and every paced announcement is a Scheduler::Timer. The scheduler keeps them
// ordered and asks for the hardware timer to be armed at the earliest.
#pragma once

#include "common/time.h"

#include <functional>
#include <map>
#include <optional>

namespace hafd::daemon {

class Scheduler {
public:
    // Arms the one hardware timer at an absolute monotonic time. The scheduler never asks for it
    // to be disarmed (nullopt is not passed): a timer that fires with nothing due costs one
    // wake-up, which is rarer than moving it on every change.
    using ArmFn = std::function<void(std::optional<TimePoint>)>;

    class Timer {
    public:
        Timer(Scheduler& scheduler, std::function<void(TimePoint now)> callback);
        ~Timer();
        Timer(const Timer&) = delete;
        Timer& operator=(const Timer&) = delete;

        // (Re)arms at `when`; a time in the past fires at the next Scheduler::fire().
        void arm(TimePoint when);
        // Arms at `when`, or cancels if nullopt.
        void set(std::optional<TimePoint> when);
        void cancel();
        bool armed() const { return armed_; }
        TimePoint deadline() const { return it_->first; }

    private:
        friend class Scheduler;
        Scheduler& scheduler_;
        std::function<void(TimePoint)> callback_;
        std::multimap<TimePoint, Timer*>::iterator it_;
        bool armed_ = false;
    };

    explicit Scheduler(ArmFn arm) : arm_(std::move(arm)) {}

    // Runs every timer due at or before `now`, in deadline order, then re-arms the hardware
    // timer. Callbacks may arm and cancel timers, including their own.
    void fire(TimePoint now);

    std::optional<TimePoint> earliest() const;

    // Moves the hardware timer to the real earliest deadline when it is armed earlier (deadlines
    // pushed back since). The daemon calls it once per batch of received adverts: one
    // timerfd_settime() a wake-up instead of one per advert, and no wake-up that finds nothing
    // due.
    void tighten();

private:
    void rearm();

    ArmFn arm_;
    std::multimap<TimePoint, Timer*> timers_;
    std::optional<TimePoint> armedAt_;
    bool firing_ = false;
};

} // namespace hafd::daemon
