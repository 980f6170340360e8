// SPDX-License-Identifier: Apache-2.0
#include "core/timers.h"

namespace hafd::core {

Duration skewTime(proto::Version version, uint8_t priority, Duration masterAdverInterval) {
    const int64_t weight = 256 - static_cast<int64_t>(priority);
    switch (version) {
    case proto::Version::V2:
        // RFC 3768 §6.1: (256 - Priority) / 256 seconds.
        return Duration(weight * 1'000'000 / 256);
    case proto::Version::V3:
        // RFC 9568 §6.1: ((256 - Priority) * Master_Adver_Interval) / 256. The product fits in
        // 64 bits for any interval below 10^16 µs.
        return Duration(weight * masterAdverInterval.count() / 256);
    }
    return Duration(0);
}

Duration masterDownInterval(proto::Version version, uint8_t priority,
                            Duration masterAdverInterval) {
    // RFC 9568 §6.1 / RFC 3768 §6.1: 3 * Master_Adver_Interval + Skew_Time.
    return 3 * masterAdverInterval + skewTime(version, priority, masterAdverInterval);
}

TimePoint nextAdverDeadline(TimePoint deadline, Duration interval, TimePoint now) {
    const TimePoint ideal = deadline + interval;
    // More than one interval late: resync instead of firing a burst of catch-up adverts.
    if (ideal <= now)
        return now + interval;
    return ideal;
}

} // namespace hafd::core
