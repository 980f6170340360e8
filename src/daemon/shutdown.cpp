// SPDX-License-Identifier: Apache-2.0
#include "daemon/shutdown.h"

#include "common/log.h"

namespace hafd::daemon {

namespace {
// Work in flight ends in its own time (a child exits, a reply is written): looking every 10 ms
// keeps the exit prompt without a callback from every kind of work.
constexpr Duration kPoll = 10ms;
} // namespace

Drain::Drain(Scheduler& scheduler, std::function<void()> done)
    : done_(std::move(done)), poll_(scheduler, [this](TimePoint now) { check(now); }) {}

void Drain::await(std::string what, Count count) {
    work_.push_back({std::move(what), std::move(count)});
}

void Drain::start(TimePoint now, Duration bound) {
    if (waiting_)
        return;
    waiting_ = true;
    deadline_ = now + bound;
    if (const std::string left = inFlight(); !left.empty())
        log::info("waiting up to %s for work in flight: %s", formatDuration(bound).c_str(),
                  left.c_str());
    check(now);
}

void Drain::check(TimePoint now) {
    if (!waiting_)
        return;
    const std::string left = inFlight();
    if (!left.empty() && now < deadline_) {
        poll_.arm(now + kPoll);
        return;
    }
    if (!left.empty())
        log::warning("stopping with work still in flight: %s", left.c_str());
    finish();
}

void Drain::finish() {
    if (!waiting_)
        return;
    waiting_ = false;
    poll_.cancel();
    done_();
}

std::string Drain::inFlight() const {
    std::string s;
    for (const auto& w : work_)
        if (const std::size_t n = w.count(); n > 0)
            s += (s.empty() ? "" : ", ") + std::to_string(n) + " " + w.what;
    return s;
}

} // namespace hafd::daemon
