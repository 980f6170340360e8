// SPDX-License-Identifier: Apache-2.0
#include "daemon/stall_watch.h"

#include "common/log.h"
#include "daemon/instance.h"

#include <algorithm>
#include <string>

namespace hafd::daemon {

namespace {

// Stalls at least this long that changed nothing are logged at info; shorter ones at debug.
constexpr Duration kNotableStall = 100ms;

} // namespace

StallWatch::StallWatch(io::Loop& loop, ExpectedWake expectedWake, Instances& instances)
    : expectedWake_(std::move(expectedWake)), instances_(instances),
      watcher_(
          loop, [this] { beforeSleep(); }, [this] { woke(); }),
      lastRun_(io::readClocks()) {}

void StallWatch::beforeSleep() {
    expected_ = expectedWake_();
}

void StallWatch::woke() {
    const ClockSample now = io::readClocks();
    const Stall stall = measureStall(lastRun_, now, expected_);
    lastRun_ = now;
    if (stall.length() >= kStallFloor)
        report(stall, now.monotonic);
}

// Every instance hears of it before the adverts and timers of this wake-up reach any of them.
void StallWatch::report(const Stall& stall, TimePoint now) {
    ++count_;
    longest_ = std::max(longest_, stall.length());
    last_ = now;
    unsigned steppedDown = 0;
    unsigned restarted = 0;
    unsigned readFirst = 0; // a due claim put after the next read of the sockets
    // A peer could have taken over only after the shortest wait of any instance's peers.
    std::optional<Duration> shortest;
    for (auto& i : instances_) {
        const core::VirtualRouter& r = i->router();
        const core::State before = r.state();
        const auto deadline = r.nextDeadline();
        if (before == core::State::Master || before == core::State::Backup)
            shortest = std::min(shortest.value_or(Duration::max()), r.shortestPeerMasterDown());
        i->handle(core::Stalled{stall.length()}, now);
        if (before == core::State::Master && r.state() != core::State::Master)
            ++steppedDown;
        else if (before == core::State::Backup && r.nextDeadline() != deadline)
            ++(r.nextDeadline() > now + kReadFirst ? restarted : readFirst);
    }
    // Said at warning when it mattered, or could have: an instance acted on it, or it lasted as
    // long as some peer waits before it claims.
    const bool matters = steppedDown > 0 || restarted > 0 || readFirst > 0 ||
                         (shortest && stall.length() >= *shortest);
    std::string what;
    if (steppedDown > 0)
        what += ", " + std::to_string(steppedDown) + " master(s) stepped down";
    if (restarted > 0)
        what += ", " + std::to_string(restarted) + " backup(s) restarted Master_Down_Timer";
    if (readFirst > 0)
        what += ", " + std::to_string(readFirst) + " backup(s) read queued adverts before claiming";
    // A short stall that changed nothing is ordinary on a loaded host: counted in status, and
    // logged at debug only, so that it does not fill the log.
    const log::Level level = matters                           ? log::Level::Warning
                             : stall.length() >= kNotableStall ? log::Level::Info
                                                               : log::Level::Debug;
    log::write(level, "loop stalled for %s (%s: %s late on its timer, %s suspended)%s",
               formatDuration(stall.length()).c_str(), stall.clocks().c_str(),
               formatDuration(stall.late).c_str(), formatDuration(stall.suspended).c_str(),
               what.c_str());
}

} // namespace hafd::daemon
