// SPDX-License-Identifier: Apache-2.0
// Actions out of a VirtualRouter, executed by the daemon in the order given.
#pragma once

#include "common/address.h"
#include "core/fault.h"
#include "core/state.h"
#include "proto/advert.h"

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace hafd::core {

// Send one advertisement now, built from advertisement(priority) of the router.
struct SendAdvert {
    uint8_t priority = 0;
};

// In FAULT for `send`: try whether adverts leave again, with an advert no VRRP speaker acts on
// (probeAdvertisement(): VRID 0, which RFC 9568 §7.1 makes every receiver discard, priority 0).
// The result comes back as AdvertSent; the first one that leaves clears the cause.
struct SendProbe {};

// Add all the instance's VIPs (one acknowledged netlink batch), or remove them.
struct InstallVips {};
struct RemoveVips {};

// A master's VIP list changed on reload: remove `removed`, add `added` and announce the added
// ones (announce.count each); the VIPs that stay are not touched.
struct ChangeVips {
    std::vector<Prefix> added;
    std::vector<Prefix> removed;
};

// Announce every VIP with `count` GARPs/NAs per VIP (the first round at once, the rest paced by
// the instance's announce.interval).
struct Announce {
    unsigned count = 1;
};

// The router changed state. The daemon logs one line and runs notifications. Always the last
// action of a transition, after the exit and entry actions (e.g. entering Master: SendAdvert,
// InstallVips, Announce, StateChanged), so notifications see the VIPs already in place.
struct StateChanged {
    State from = State::Initialize;
    State to = State::Initialize;
    Reason reason = Reason::Startup;
    uint8_t priority = 0; // our priority at the time
    FaultSet faults;      // the fault causes present (entering FAULT: why)
};

// The set of fault causes changed while the router stays in FAULT (a cause came or went, another
// remains). For the log and status; no transition.
struct FaultCausesChanged {
    FaultSet from;
    FaultSet to;
};

// A backup started or stopped following a live master without changing state (its first
// accepted advert; its Master_Down_Timer expiring while a sync group holds it): the daemon's
// sync groups look again (VirtualRouter::followsLiveMaster()).
struct FollowingChanged {};
// Remove these addresses, found on the interface outside Master (core::StrayVips).
struct RemoveStrayVips {
    std::vector<Prefix> vips;
};

// An advert was discarded for an instance-level reason; the router has counted it already.
struct Dropped {
    proto::DropReason reason;
    IpAddress source;
};

// A peer's adverts differ from ours in something that causes dual masters beside keepalived
// (PROTOCOL.md §6). Reported once per change per peer and field; `theirs` empty = difference gone.
struct PeerDifference {
    enum class Field : uint8_t { Version, Interval, Addresses, ChecksumForm, Owner };
    IpAddress peer;
    Field field;
    std::string ours;
    std::string theirs;
};
const char* fieldName(PeerDifference::Field f); // "version", "interval", …

// Run the fence command before claiming (DESIGN.md §4): the master we last heard, at `master`
// (its advert source; unspecified when only heartbeats named it), is to be cut off. The outcome
// comes back as FenceDone{id}; a newer RunFence or a claim no longer pending makes it moot.
struct RunFence {
    uint64_t id = 0;
    IpAddress master;
};

// Probe the IPv4 VIPs with ARP (RFC 5227: sender address 0.0.0.0) before claiming after a master
// failure (config probe_before_claim); the outcome comes back as ProbeDone{id}.
struct RunProbe {
    uint64_t id = 0;
};

// A named handover (core/handover.cpp): tell the cluster at once, by a heartbeat, that this
// VRID's VIPs are released and `node` takes over. Comes after RemoveVips, before priority 0.
struct NameSuccessor {
    std::string node;
};

using Action = std::variant<SendAdvert, SendProbe, InstallVips, RemoveVips, ChangeVips, Announce,
                            StateChanged, FaultCausesChanged, FollowingChanged, RemoveStrayVips,
                            Dropped, PeerDifference, RunFence, RunProbe, NameSuccessor>;

} // namespace hafd::core
