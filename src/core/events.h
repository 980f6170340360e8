// SPDX-License-Identifier: Apache-2.0
// Events into a VirtualRouter. Each carries only what the router cannot know by itself; `now` is
// passed beside the event.
#pragma once

#include "common/address.h"
#include "config/config.h"
#include "proto/advert.h"

#include <cstdint>
#include <optional>
#include <variant>

namespace hafd::core {

// Leave Initialize: become Backup, or Master at once for an owner (I1, I2).
struct Startup {};

// Graceful stop (M1, B1): a master sends priority 0 and releases its VIPs.
struct Shutdown {};

// A packet that proto::decode() accepted, demultiplexed to this router by VRID.
struct AdvertReceived {
    proto::Decoded decoded;
    proto::RxMeta meta; // source (the tie-break address), destination, hop limit
};

// The interface became usable or unusable. Usable means: it exists, has carrier, and has the
// source address adverts need (IPv4 primary address, IPv6 link-local). `source` is that address
// (ignored when not usable: the last known one is kept). Send the first one before Startup: in
// Initialize it is only recorded, and Startup without a usable link goes to Fault.
struct LinkChanged {
    bool usable = false;
    IpAddress source;
};

// Effective priority changed (tracking, later issue). 1..254; 255 only for an owner.
struct PriorityChanged {
    uint8_t priority = 0;
};

// Someone else removed VIPs this router holds as Master (netlink monitor).
struct VipsLost {};

// The instance's settings changed on reload, in ways that apply in place (DESIGN.md §10 reload
// identity): priority, preempt, preempt_delay, timers, VIP list, unicast peers, checksum form,
// announce settings. Precondition: the identity is unchanged — VRID, interface, family, version,
// VMAC, multicast or unicast, and being the address owner; the daemon replaces an instance whose
// identity changed (graceful remove, then add).
struct Reconfigure {
    config::Instance instance;
};

using Event = std::variant<Startup, Shutdown, AdvertReceived, LinkChanged, PriorityChanged,
                           VipsLost, Reconfigure>;

} // namespace hafd::core
