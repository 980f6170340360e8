// SPDX-License-Identifier: Apache-2.0
// An instance's effective priority and its `track` fault from what its tracks see (DESIGN.md
// §5). Pure: the daemon keeps the checks' health and calls evaluate() when one changes.
//
// A track with weight w adds w while its check is in the state the weight refers to: positive
// weights while up, negative ones while down. Weight 0 means FAULT while down (keepalived's
// weighted checks never cause FAULT, so a weighted failure moves nothing unless the peer
// outranks us and preempts; PEERS.md §1). A role track adds the weight of the role its check
// reports while up. Unknown adds nothing and faults nothing.
#pragma once

#include "config/config.h"
#include "core/check_state.h"

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace hafd::core {

// What one track sees: its check's health and role, or its interface's state.
struct TrackView {
    Health health = Health::Unknown;
    std::string_view role;
};

struct TrackEffect {
    // The base priority plus the weights in effect, clamped to 1..254; an owner stays at 255
    // (its weights are ignored: RFC 9568 reserves 255 for the address owner).
    uint8_t priority = 0;
    // What each track adds now (0 for weight-0 tracks), in track order.
    std::vector<int> contributions;
    // The weight-0 tracks that are down, by index: the instance is in FAULT for `track` while
    // this is non-empty.
    std::vector<std::size_t> faulting;
    // Every track's health is known (the daemon starts the instance only then).
    bool known = true;
};

// `views` has one entry per track of `instance`, in order.
TrackEffect evaluate(const config::Instance& instance, std::span<const TrackView> views);

} // namespace hafd::core
