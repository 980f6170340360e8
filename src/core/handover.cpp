// SPDX-License-Identifier: Apache-2.0
// A named handover (DESIGN.md §7): RFC 9568 makes every backup wait Skew_Time after a
// priority-0 advert, so that the highest one claims first and the others hear it in time. Among
// hafd nodes with heartbeats that wait buys nothing: every node sees the others' priorities, so
// the releasing master knows who comes first and says so. It removes its VIPs, names that node
// in a heartbeat (NameSuccessor), then sends priority 0; the named node claims when the
// heartbeat arrives (HandedOver), and the VIP is away for the time a datagram takes plus one
// netlink install, whatever the advert interval. The others go on by RFC 9568: they hear the
// successor's advert long before their Skew_Time is up, and it outranks them. A router outside
// the cluster heard on the VRID turns naming off (SuccessorKnown stays empty), so it keeps the
// RFC's order; so does a release without the claim rule (no cluster), where the VIPs may go
// after the advert.
#include "core/virtual_router.h"

namespace hafd::core {

void VirtualRouter::on(const SuccessorKnown& e, TimePoint, Actions&) {
    successor_ = e.node;
}

void VirtualRouter::on(const HandedOver&, TimePoint now, Actions& out) {
    // Only a backup free to claim: a sync group's hold, or rules off, keep the RFC's way (the
    // priority-0 advert follows the heartbeat anyway).
    if (state_ != State::Backup || held_ || !rules_.on)
        return;
    cancelClaim();
    enterMaster(Reason::HandedOver, now, out);
}

} // namespace hafd::core
