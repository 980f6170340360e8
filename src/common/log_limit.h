// SPDX-License-Identifier: Apache-2.0
// A log line per interval at most, for events a flood could repeat thousands of times a second
// (refused control connections, adverts for VRIDs not configured here): the first event is
// logged, later ones only once `every` has passed, and the line can say how many were not.
#pragma once

#include "common/time.h"

#include <cstdint>
#include <optional>

namespace hafd::log {

class Limit {
public:
    explicit constexpr Limit(Duration every) : every_(every) {}

    // Whether an event at `now` may be logged. Declined events are counted until the next
    // allowed one, which skipped() then reports.
    bool allow(TimePoint now) {
        if (last_ && now - *last_ < every_) {
            ++pending_;
            return false;
        }
        last_ = now;
        skipped_ = pending_;
        pending_ = 0;
        return true;
    }

    // The events declined between the last allowed one and the one before it.
    uint64_t skipped() const { return skipped_; }

private:
    Duration every_;
    std::optional<TimePoint> last_;
    uint64_t pending_ = 0;
    uint64_t skipped_ = 0;
};

} // namespace hafd::log
