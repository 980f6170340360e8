// SPDX-License-Identifier: Apache-2.0
// FAULT is a set of named causes (DESIGN.md §5): an instance is in FAULT while any cause is
// present and leaves it only when the set is empty. Each cause has one owner that raises and
// clears it: the daemon's binder (link, source, join), the router itself from the results of
// its actions (vips, send), and the later features (track, sync_group, maintenance, quorum).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace hafd::core {

enum class FaultCause : uint8_t {
    Link,        // the interface is missing, down or without carrier (or its VMAC cannot be made)
    Source,      // no usable source address for adverts (IPv4 primary, IPv6 link-local)
    Join,        // the VRRP multicast group could not be joined (retried by the daemon)
    Vips,        // the VIPs could not be installed, after the retries of VirtualRouter
    Send,        // adverts could not be sent for one advert interval
    Track,       // a tracked interface or check at weight 0 is down
    SyncGroup,   // another instance of the sync group is in FAULT
    Maintenance, // the operator drained this node
    Quorum,      // this node has no quorum
};
inline constexpr std::size_t kFaultCauseCount = static_cast<std::size_t>(FaultCause::Quorum) + 1;

// "link", "source", "join", "vips", "send", "track", "sync_group", "maintenance", "quorum":
// stable, they reach logs, status and notify scripts.
const char* faultCauseName(FaultCause cause);

// A small set of causes, as a bit mask.
class FaultSet {
public:
    constexpr FaultSet() = default;
    constexpr FaultSet(std::initializer_list<FaultCause> causes) {
        for (const FaultCause c : causes)
            bits_ = static_cast<uint16_t>(bits_ | bit(c));
    }

    constexpr bool has(FaultCause c) const { return (bits_ & bit(c)) != 0; }
    constexpr bool empty() const { return bits_ == 0; }
    constexpr void set(FaultCause c, bool on = true) {
        bits_ = static_cast<uint16_t>(on ? bits_ | bit(c) : bits_ & ~bit(c));
    }
    constexpr void clear(FaultCause c) { set(c, false); }
    // The causes of `this` and of `o` / of `this` that are in `o`.
    constexpr FaultSet operator|(FaultSet o) const { return FaultSet(bits_ | o.bits_); }
    constexpr FaultSet operator&(FaultSet o) const { return FaultSet(bits_ & o.bits_); }
    constexpr FaultSet without(FaultSet o) const { return FaultSet(bits_ & ~o.bits_); }
    constexpr bool operator==(const FaultSet&) const = default;

    // The causes' names in cause order, and "link, send" ("" when empty).
    std::vector<std::string> names() const;
    std::string toString() const;

private:
    constexpr explicit FaultSet(unsigned bits) : bits_(static_cast<uint16_t>(bits)) {}
    static constexpr unsigned bit(FaultCause c) { return 1U << static_cast<unsigned>(c); }
    uint16_t bits_ = 0;
};

// The causes the daemon's binder owns (core::BindingChanged carries them).
inline constexpr FaultSet kBindingFaults{FaultCause::Link, FaultCause::Source, FaultCause::Join};
// The causes under which no advert can leave: a master entering FAULT with one of them does not
// try its priority-0 advert.
inline constexpr FaultSet kSilencingFaults{FaultCause::Link, FaultCause::Source, FaultCause::Send};

} // namespace hafd::core
