// SPDX-License-Identifier: Apache-2.0
// Events into a VirtualRouter. Each carries only what the router cannot know by itself; `now` is
// passed beside the event.
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "config/config.h"
#include "core/fault.h"
#include "proto/advert.h"

#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace hafd::core {

// Leave Initialize: become Backup, or Master at once at priority 255 (I1, I2); Fault when a
// cause is present.
struct Startup {};

// Graceful stop (M1, B1): a master sends priority 0 and releases its VIPs.
struct Shutdown {};

// A packet that proto::decode() accepted, demultiplexed to this router by VRID.
struct AdvertReceived {
    proto::Decoded decoded;
    proto::RxMeta meta; // source (the tie-break address), destination, hop limit
};

// Where the instance runs, as the daemon's binder sees it (send one before Startup: in
// Initialize it is only recorded, and Startup with a fault goes to Fault):
// - `faults`: which of the binder's causes (kBindingFaults: link, source, join) are present; the
//   others are not touched;
// - `source`: the address adverts leave from (IPv4 primary, IPv6 link-local), ignored while link
//   or source is at fault (the last known one is kept, so that a resigning master can name it);
// - `owner`: the VIPs are all addresses of the interface that hafd did not install, so the
//   router is their owner (RFC 9568) and never installs or removes them. Read only outside
//   Master: while master the router keeps what it became master with.
struct BindingChanged {
    FaultSet faults;
    IpAddress source;
    bool owner = false;
};

// A cause owned by a later feature (track, sync group, maintenance, quorum) appeared or went.
struct FaultChanged {
    FaultCause cause = FaultCause::Track;
    bool present = false;
};

// The outcome of the SendAdvert / SendProbe actions. The daemon reports every failure and the
// first success after failures (not every success: they are the common case on a hot path).
struct AdvertSent {
    bool ok = false;
};

// The outcome of InstallVips, and of the additions of ChangeVips: false when any VIP could not be
// installed.
struct VipsInstalled {
    bool ok = false;
};

// Addresses marked as installed by hafd that are VIPs of this router were found on its interface
// (a removal that failed, a leftover). Outside Master they go (RemoveStrayVips).
struct StrayVips {
    std::vector<Prefix> vips;
};

// A sync group holds this router back (daemon/sync_groups.h): another member of the group on
// this node is a backup that follows a live master elsewhere, so the group belongs there. While
// held, a master resigns (priority 0, VIPs released) and a backup does not claim when its
// Master_Down_Timer expires. Released, a backup that no longer hears a master claims at once.
struct GroupHold {
    bool on = false;
};
// Effective priority changed (tracking, later issue). 1..254; 255 only for an owner.
struct PriorityChanged {
    uint8_t priority = 0;
};

// Someone else removed VIPs this router holds as Master (netlink monitor).
struct VipsLost {};

// The split-brain rules of DESIGN.md §4 for this router, from `cluster` and `fence` (send before
// Startup, and again when a reload changes them). Off (the default): plain VRRP claims.
struct ClaimRules {
    bool on = false;    // a cluster is configured
    Duration wait{};    // lease + margin: how long after last hearing the master a claim waits
    bool fence = false; // a fence command runs before a claim that follows a failure
    Duration fenceRetry = 1s;     // after the first failed fence; doubles on each failure ...
    Duration fenceRetryMax = 60s; // ... up to this
    bool operator==(const ClaimRules&) const = default;
};
struct RulesChanged {
    ClaimRules rules;
};

// A cluster heartbeat from a node that says it is master of this router's VRID: the master is
// alive even if its adverts do not reach us, which the claim rule counts as hearing it.
struct MasterHeard {};

// Another node's heartbeats say it is a backup of this router's VRID that comes before this one
// (a higher priority; at equal priority, the greater node name), and it is alive (heard within
// the lease). A pending claim that follows a failure waits while one does: that node claims
// first, and fencing the old master twice could let both claim. `node` empty: none (any more).
struct BackupAhead {
    std::string node;
};

// Master side of a named handover (core/handover.cpp): the node that takes this VRID over at
// once if this master releases it now: the live backup that comes first by heartbeats, when
// every router heard on the VRID is one of the cluster's nodes. `node` empty: none (any more);
// a release then follows RFC 9568 alone (the backups wait Skew_Time after priority 0).
struct SuccessorKnown {
    std::string node;
};

// Backup side: this VRID's master has released it (its VIPs are gone) and named this node, by
// a heartbeat. It claims at once, without Skew_Time.
struct HandedOver {};

// hafctl switchover: this master hands over to `to` (a backup of the VRID by heartbeats) on the
// operator's word: VIPs removed, `to` named, priority 0, then Backup, yielding (below) to the
// new master so as not to preempt it back.
struct Relinquish {
    std::string to; // with the rules on (a cluster), always a node; without them, empty
};

// A heartbeat named another node successor of this VRID: a backup yields to it, not preempting
// it whatever the priorities, until the next election (a master fails, or one other than the
// one that named it releases; or this router becomes master or leaves Backup).
struct Yield {};

// The outcome of RunFence `id` (outcomes of an older run are ignored).
struct FenceDone {
    uint64_t id = 0;
    bool ok = false;
};

// The outcome of RunProbe `id`: `conflict` when another MAC answered for one of the VIPs.
struct ProbeDone {
    uint64_t id = 0;
    bool conflict = false;
};

// The instance's settings changed on reload, in ways that apply in place (DESIGN.md §10 reload
// identity): priority, preempt, preempt_delay, timers, VIP list, unicast peers, checksum form,
// announce settings. Precondition: the identity is unchanged — VRID, interface, family, version,
// VMAC, multicast or unicast, and being the address owner; the daemon replaces an instance whose
// identity changed (graceful remove, then add).
struct Reconfigure {
    config::Instance instance;
};

// The daemon's loop did not run for `length`, up to now (a stall: SIGSTOP, an overloaded host, a
// suspended VM; common/stall.h). Fed to every router before anything else the loop learned on
// waking (adverts queued meanwhile, expired timers), so the router decides with the stall in
// mind (DESIGN.md §4 "Freeze", core/stall.cpp).
struct Stalled {
    Duration length{};
};

// VIPs of this master expired: their kernel lease (DESIGN.md §4) ran out because this node did
// not renew it in time. It may have been replaced meanwhile: it steps down as after a stall.
struct VipsExpired {};

using Event =
    std::variant<Startup, Shutdown, AdvertReceived, BindingChanged, FaultChanged, AdvertSent,
                 VipsInstalled, StrayVips, PriorityChanged, VipsLost, Reconfigure, GroupHold,
                 RulesChanged, MasterHeard, BackupAhead, FenceDone, ProbeDone, Stalled, VipsExpired,
                 SuccessorKnown, HandedOver, Relinquish, Yield>;

} // namespace hafd::core
