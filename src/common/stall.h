// SPDX-License-Identifier: Apache-2.0
// How long the daemon's loop was not running beyond what it expected (a stall: SIGSTOP, an
// overloaded host, a suspended VM), from clock readings the io layer takes. Pure arithmetic: no
// clock is read here (io/loop.h reads them; daemon/stall_watch.h applies the result).
//
// Two clocks, because each misses what the other sees:
// - CLOCK_MONOTONIC runs while the process is stopped or starved, but not while the machine is
//   suspended. A loop that expected to wake at a deadline and woke later was held for the
//   difference ("late").
// - CLOCK_BOOTTIME is CLOCK_MONOTONIC plus the time spent suspended; both advance at the same
//   rate otherwise (NTP slews both alike), so their offset grows only across a suspend. Peers
//   keep running meanwhile: for them the node was silent for that time too ("suspended").
// The two add up: a suspend is time MONOTONIC never counted, so it is not part of "late".
#pragma once

#include "common/time.h"

#include <optional>
#include <string>

namespace hafd {

// One reading of both clocks, taken together (io::readClocks()).
struct ClockSample {
    TimePoint monotonic{}; // CLOCK_MONOTONIC
    Duration boottime{};   // CLOCK_BOOTTIME, since boot
};

struct Stall {
    Duration late{};      // MONOTONIC: the loop woke this long after it meant to
    Duration suspended{}; // BOOTTIME minus MONOTONIC: the machine was suspended this long
    // How long the loop was absent as its peers saw it.
    Duration length() const { return late + suspended; }
    // "monotonic" / "boottime" / "monotonic+boottime": the clocks that saw it ("" for none).
    std::string clocks() const;
};

// Delays shorter than this are the host's ordinary scheduling latency, not a stall: the daemon
// tells nobody about them. Well below the shortest Master_Down_Interval VRRP allows (3 x 10 ms).
inline constexpr Duration kStallFloor = 10ms;

// A backup whose Master_Down_Timer fell due during a stall shorter than its interval claims
// this long after waking instead of at once, so the loop reads its sockets first (see
// core/stall.cpp): one more pass of the loop, not a wait for anything.
inline constexpr Duration kReadFirst = 1ms;

// Reading two clocks one after the other moves their offset by a few microseconds; no real
// suspend is that short. A smaller growth of the offset is not counted as a suspend.
inline constexpr Duration kSuspendJitter = 1ms;

// The stall seen on waking at `now`, when the loop last ran at `lastRun` (the previous wake-up)
// and, before it went to sleep, expected to wake at `expectedWake` (its earliest deadline;
// nullopt: it had none, and could legitimately sleep for any time).
// - late: now - max(expectedWake, lastRun.monotonic), when positive. Taking the later of the two
//   means a wake-up that was already overdue when the loop last ran (the deadline passed while
//   callbacks ran) counts only the time since then, so one stall is never counted twice.
// - suspended: how much the BOOTTIME - MONOTONIC offset grew since lastRun, when that is at least
//   kSuspendJitter (reading jitter moves it by microseconds either way).
Stall measureStall(const ClockSample& lastRun, const ClockSample& now,
                   std::optional<TimePoint> expectedWake);

} // namespace hafd
