// SPDX-License-Identifier: Apache-2.0
// Shared helpers for the core unit tests: a default instance, advert builders, and a compact
// rendering of action lists so that each test states the expected actions as one string, e.g.
// "send(100) install announce(5) state(BACKUP>MASTER master_down)".
#pragma once

#include "config/config.h"
#include "core/virtual_router.h"

#include <optional>
#include <string>
#include <vector>

namespace hafd::core::test {

// An arbitrary origin for the virtual clock.
inline constexpr TimePoint kT0 = TimePoint{} + 1000s;

IpAddress ip(const char* text);

// v3, IPv4, VRID 51, priority 100, 1 s, one VIP 192.0.2.100, multicast, preempt, no delay,
// announce count 5 / delay 5 s / refresh 60 s.
config::Instance instance(uint8_t priority = 100);

// Our source address in the tests: 192.0.2.9 (a peer 192.0.2.10 is numerically greater but
// textually smaller, which catches string compares in the tie-break).
IpAddress ourSource();

// A received advert that passes every check against instance(): v3, IPv4, VRID 51, 1 s, VIP
// 192.0.2.100, to 224.0.0.18, checksum form pseudo-header. Adjust the fields, then event().
struct AdvertBuilder {
    proto::Decoded decoded;
    proto::RxMeta meta;

    AdvertBuilder(const char* source, uint8_t priority);
    AdvertBuilder& interval(uint16_t cs);
    AdvertBuilder& version(proto::Version v);
    AdvertBuilder& addresses(std::vector<IpAddress> list);
    AdvertBuilder& destination(const char* text);
    AdvertBuilder& form(proto::ChecksumForm f);
    Event event() const { return AdvertReceived{decoded, meta}; }
};
inline AdvertBuilder advert(const char* source, uint8_t priority) {
    return AdvertBuilder(source, priority);
}

// Renders actions as space-separated tokens:
//   send(P) probe install remove change(+added -removed) announce(N) state(FROM>TO reason)
//   state(FROM>FAULT reason[cause,cause]) causes(link>link,send) stray(vips) drop(reason)
//   diff(field ours/theirs) fence(id master) probe_vips(id)
// FollowingChanged (a note for sync groups, not a protocol action) shows as "following" only
// when `following` is set.
std::string render(const std::vector<Action>& actions, bool following = false);

// The binding events: a usable link with source ourSource() (`owner`: the VIPs are the
// interface's own), and a link that is down.
Event linkUp(bool owner = false);
Event linkDown();

// A router with a usable link (source ourSource()) that has received Startup at kT0; at
// priority 255 it owns its VIPs (BindingChanged::owner), as the RFC's address owner.
VirtualRouter started(const config::Instance& inst);
// A router made master by its Master_Down_Timer; returns the time it became master in `at`.
VirtualRouter master(const config::Instance& inst, TimePoint& at);

// Microseconds of a duration, for assert_int_equal.
inline long long us(Duration d) {
    return static_cast<long long>(d.count());
}
// The next deadline relative to `now`, in µs; -1 when no timer runs.
long long deadlineIn(const VirtualRouter& r, TimePoint now);

} // namespace hafd::core::test
