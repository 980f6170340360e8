// SPDX-License-Identifier: Apache-2.0
// One VRRP virtual router (RFC 9568 §6) as a pure state machine: events in, actions out. No
// clock, no sockets, no logging above debug. The daemon calls handle() for events and
// onTimeout() once nextDeadline() has passed; both return the actions to carry out in order.
#pragma once

#include "common/time.h"
#include "config/config.h"
#include "core/actions.h"
#include "core/events.h"
#include "core/state.h"
#include "proto/advert.h"

#include <optional>
#include <vector>

namespace hafd::core {

struct Counters {
    uint64_t advertsIn = 0;   // accepted by the router
    uint64_t advertsOut = 0;  // SendAdvert actions issued
    uint64_t transitions = 0;
    uint64_t becameMaster = 0;
    uint64_t priorityZeroIn = 0;
    uint64_t priorityZeroOut = 0;
    proto::DropCounters drops{};
};

class VirtualRouter {
public:
    explicit VirtualRouter(config::Instance instance);

    std::vector<Action> handle(const Event& event, TimePoint now);
    std::vector<Action> onTimeout(TimePoint now);
    // The earliest time onTimeout() has work to do; nullopt when no timer runs.
    std::optional<TimePoint> nextDeadline() const;

    // The advert this router sends at `priority` (SendAdvert::priority): our version, VRID,
    // interval and the VIPs that fit in one advert (DESIGN.md §3).
    proto::Advertisement advertisement(uint8_t priority) const;

    State state() const;
    uint8_t priority() const;                   // effective priority
    const config::Instance& instance() const;
    Duration masterAdverInterval() const;       // learned from the master (v3)
    Duration skewTime() const;                  // ((256 - Priority) * Master_Adver_Interval) / 256
    Duration masterDownInterval() const;        // 3 * Master_Adver_Interval + Skew_Time
    const Counters& counters() const;
    // The address adverts are sent from (from LinkChanged); unspecified until known.
    const IpAddress& sourceAddress() const;

private:
    // (members: the implementation's choice)
};

} // namespace hafd::core
