// SPDX-License-Identifier: Apache-2.0
#include "daemon/scheduler.h"

namespace hafd::daemon {

Scheduler::Timer::Timer(Scheduler& scheduler, std::function<void(TimePoint)> callback)
    : scheduler_(scheduler), callback_(std::move(callback)) {}

Scheduler::Timer::~Timer() {
    cancel();
}

void Scheduler::Timer::arm(TimePoint when) {
    if (armed_)
        scheduler_.timers_.erase(it_);
    it_ = scheduler_.timers_.emplace(when, this);
    armed_ = true;
    scheduler_.rearm();
}

void Scheduler::Timer::set(std::optional<TimePoint> when) {
    if (when)
        arm(*when);
    else
        cancel();
}

void Scheduler::Timer::cancel() {
    if (!armed_)
        return;
    scheduler_.timers_.erase(it_);
    armed_ = false;
    scheduler_.rearm();
}

void Scheduler::fire(TimePoint now) {
    firing_ = true;
    while (!timers_.empty() && timers_.begin()->first <= now) {
        Timer* t = timers_.begin()->second;
        timers_.erase(timers_.begin());
        t->armed_ = false;
        t->callback_(now);
    }
    firing_ = false;
    armedAt_.reset(); // the hardware timer has expired
    rearm();
}

std::optional<TimePoint> Scheduler::earliest() const {
    if (timers_.empty())
        return std::nullopt;
    return timers_.begin()->first;
}

void Scheduler::tighten() {
    const auto next = earliest();
    if (firing_ || !next || !armedAt_ || *armedAt_ >= *next)
        return;
    armedAt_ = next;
    arm_(next);
}

// The hardware timer is moved only when it would fire too late. A deadline that moved later (a
// backup's Master_Down_Timer, pushed back by every advert) or was cancelled leaves it where it
// is, until tighten() at the end of the batch of adverts that moved it (or, without one, it
// fires early once, finds nothing due and is set to the real earliest). With many backups that
// saves a timerfd_settime() per received advert.
void Scheduler::rearm() {
    if (firing_)
        return; // fire() re-arms once at the end
    const auto next = earliest();
    if (!next || (armedAt_ && *armedAt_ <= *next))
        return;
    armedAt_ = next;
    arm_(next);
}

} // namespace hafd::daemon
