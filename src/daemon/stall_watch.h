// SPDX-License-Identifier: Apache-2.0
// Stalls of the loop (DESIGN.md §4 "Freeze"): on every wake-up, before any socket, timer or
// signal callback of that iteration, how long the loop was absent beyond what it expected
// (common/stall.h: a timer that fired late on CLOCK_MONOTONIC, CLOCK_BOOTTIME running ahead
// across a suspend). A stall of kStallFloor or more goes to every instance first
// (core::Stalled: a master that may have been replaced steps down without a word, a backup
// reads the adverts queued meanwhile before it claims), is logged once, and is counted for
// `hafctl status`.
#pragma once

#include "common/stall.h"
#include "common/time.h"
#include "daemon/binder.h"
#include "io/loop.h"

#include <cstdint>
#include <functional>
#include <optional>

namespace hafd::daemon {

class StallWatch {
public:
    // The earliest time the loop means to wake (its protocol timer's deadline; nullopt when it
    // has none), asked just before each sleep.
    using ExpectedWake = std::function<std::optional<TimePoint>()>;

    StallWatch(io::Loop& loop, ExpectedWake expectedWake, Instances& instances);

    uint64_t count() const { return count_; } // stalls of kStallFloor or more
    Duration longest() const { return longest_; }
    // When the last one ended (CLOCK_MONOTONIC); nullopt before the first.
    std::optional<TimePoint> last() const { return last_; }

private:
    void beforeSleep();
    void woke();
    void report(const Stall& stall, TimePoint now);

    ExpectedWake expectedWake_;
    Instances& instances_;
    io::WakeWatcher watcher_;
    ClockSample lastRun_;                 // the previous wake-up (or the start)
    std::optional<TimePoint> expected_{}; // what beforeSleep() learned
    uint64_t count_ = 0;
    Duration longest_{};
    std::optional<TimePoint> last_;
};

} // namespace hafd::daemon
