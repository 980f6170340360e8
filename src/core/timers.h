// SPDX-License-Identifier: Apache-2.0
// The VRRP timer arithmetic (RFC 9568 §6.1, RFC 3768 §6.1), as pure functions on microsecond
// durations. Centiseconds are too coarse: at a 1 cs interval every Skew_Time would round to 0 and
// all backups would time out together (PROTOCOL.md §3.1).
#pragma once

#include "common/time.h"
#include "proto/advert.h"

#include <cstdint>

namespace hafd::core {

// Skew_Time for a router of `priority`.
//   v3 (RFC 9568 §6.1): ((256 - Priority) * Master_Adver_Interval) / 256
//   v2 (RFC 3768 §6.1): (256 - Priority) / 256 seconds, whatever the interval.
// Exact values have a fraction of 1/256 µs at most; the result is truncated to the microsecond
// below (e.g. priority 254 at 10 ms: exactly 78.125 µs, returned as 78 µs).
Duration skewTime(proto::Version version, uint8_t priority, Duration masterAdverInterval);

// Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (both versions; v2 passes its own
// Advertisement_Interval as `masterAdverInterval`).
Duration masterDownInterval(proto::Version version, uint8_t priority, Duration masterAdverInterval);

// The next Adver_Timer deadline after the one at `deadline` fired at `now` (RFC 9568 §6.4.3 M2).
// It follows the ideal schedule deadline + interval so adverts do not drift by the time it takes
// to handle each one (PROTOCOL.md §6 item 14). If `now` is already an interval or more past the
// deadline (a stalled loop), missed adverts are not sent in a burst: the schedule restarts at
// now + interval.
TimePoint nextAdverDeadline(TimePoint deadline, Duration interval, TimePoint now);

// The interval an advert carries, as a duration: v3 centiseconds; v2 carries seconds, which the
// codec already converted to centiseconds (proto::Advertisement::intervalCs).
inline Duration advertInterval(uint16_t intervalCs) {
    return centiseconds(intervalCs);
}

} // namespace hafd::core
