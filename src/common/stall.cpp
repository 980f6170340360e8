// SPDX-License-Identifier: Apache-2.0
#include "common/stall.h"

#include <algorithm>

namespace hafd {

std::string Stall::clocks() const {
    if (late > Duration::zero() && suspended > Duration::zero())
        return "monotonic+boottime";
    if (suspended > Duration::zero())
        return "boottime";
    return late > Duration::zero() ? "monotonic" : "";
}

Stall measureStall(const ClockSample& lastRun, const ClockSample& now,
                   std::optional<TimePoint> expectedWake) {
    Stall s;
    if (expectedWake) {
        const TimePoint from = std::max(*expectedWake, lastRun.monotonic);
        s.late = std::max(Duration::zero(), now.monotonic - from);
    }
    // The offsets as durations: BOOTTIME - MONOTONIC, each since boot.
    const Duration before = lastRun.boottime - lastRun.monotonic.time_since_epoch();
    const Duration after = now.boottime - now.monotonic.time_since_epoch();
    if (after - before >= kSuspendJitter)
        s.suspended = after - before;
    return s;
}

} // namespace hafd
