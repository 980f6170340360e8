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
//
// Yielding: a backup that yields treats the new master's adverts as B4 even when they carry a
// lower priority (as with preempt off), so an operator's choice of node stands until the next
// election: a master failing (the timer runs out), a release by a master other than the one
// that named the successor, or this router leaving Backup. The namer's own priority 0 is no
// election: the named node claims at once, so it restarts Master_Down_Timer, not Skew_Time. On a
// busy host it may come before the heartbeat that names the successor (two sockets) or after the
// successor's first advert (two senders): each order ends with the timer at Master_Down_Interval.
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

// Switchover (hafctl switchover): the operator names the node. The others may outrank it, so
// everyone but the new master yields: this router, and the backups the heartbeat reaches.
// Without the rules (no cluster, no heartbeats) nobody is named: the release is RFC 9568's, the
// highest backup claims after its Skew_Time, and this router yields to it.
void VirtualRouter::on(const Relinquish& e, TimePoint now, Actions& out) {
    if (state_ != State::Master || owner_ || e.to.empty() == rules_.on)
        return;
    if (rules_.on)
        successor_ = e.to;
    enterBackup(Reason::Switchover, now, advertisementInterval(), out, true);
    yielding_ = true;
    yieldFrom_ = source_; // our own adverts never come back: only another release ends it
    awaitingRelease_ = false;
}

void VirtualRouter::on(const Yield&, TimePoint now, Actions&) {
    if (state_ != State::Backup)
        return;
    yielding_ = true;
    if (resigned_) {
        // The namer's release came first and started Skew_Time (and ended an earlier yield):
        // wait for the named node as for a master instead.
        yieldFrom_ = resigned_;
        resigned_.reset(); // accounted for: the next handover's release is awaited afresh
        masterDownAt_ = now + masterDownInterval();
        downReason_ = Reason::MasterDown;
        return;
    }
    awaitingRelease_ = true;
}

} // namespace hafd::core
