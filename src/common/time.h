// SPDX-License-Identifier: Apache-2.0
// Monotonic time as plain values. Nothing in here reads a clock: the daemon reads CLOCK_MONOTONIC
// and passes `now` down (DESIGN.md §1), so the core runs unchanged on a simulated clock.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace hafd {

// Microseconds: fine enough for Skew_Time at 1 cs adverts (PROTOCOL.md §3.1).
using Duration = std::chrono::microseconds;
// A point on CLOCK_MONOTONIC (steady_clock is CLOCK_MONOTONIC on Linux).
using TimePoint = std::chrono::time_point<std::chrono::steady_clock, Duration>;

using namespace std::chrono_literals;

constexpr Duration centiseconds(int64_t cs) {
    return Duration(cs * 10'000);
}
// Whole centiseconds in d, rounded down.
constexpr int64_t toCentiseconds(Duration d) {
    return d.count() / 10'000;
}
constexpr double toSeconds(Duration d) {
    return static_cast<double>(d.count()) / 1e6;
}
constexpr Duration fromSeconds(double s) {
    return Duration(static_cast<int64_t>(s * 1e6 + 0.5));
}

// "1.25s", "100ms", "609.375ms": for log lines.
std::string formatDuration(Duration d);

} // namespace hafd
