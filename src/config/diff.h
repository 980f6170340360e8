// SPDX-License-Identifier: Apache-2.0
// What a reload changes (DESIGN.md §6, §10 "Reload identity"): instances are matched by name; a
// change of vrid, interface, family, version, vmac, or multicast <-> unicast is a graceful
// remove and add; every other setting applies in place. The schema tables say which settings
// differ and which carry the identity (Key::same, Key::identity). Pure: the daemon applies the
// result.
#pragma once

#include "config/config.h"

#include <string>
#include <vector>

namespace hafd::config {

struct InstanceChange {
    std::string name;
    // The settings that differ, by their names in the file ("priority", "addresses",
    // "announce", "track", "notify", "auth", ...), in the schema's order: for the log.
    std::vector<std::string> settings;
    // Recreated only: what made it a remove and add, in the schema's order, among "interface",
    // "vrid", "version", "family" (of the addresses), "unicast_peers" (multicast <-> unicast)
    // and "vmac".
    std::vector<std::string> identity;

    bool operator==(const InstanceChange&) const = default;
};

struct ConfigDiff {
    std::vector<std::string> added;        // in `next` only, in its order
    std::vector<std::string> removed;      // in `running` only, in its order
    std::vector<InstanceChange> recreated; // identity changed: remove gracefully, then add
    std::vector<InstanceChange> changed;   // apply in place
    std::vector<std::string> unchanged;    // sameSettings(): keep state, VIPs and adverts
    // The top-level sections that differ: "node", "scripts", "auth", "cluster", "fence",
    // "checks", "groups", in the file's order. Lists of named entries compare by name, so
    // reordering checks, groups or cluster nodes is no change; the top-level auth changing also
    // shows in the instances using it.
    std::vector<std::string> sections;

    // Whether nothing at all differs.
    bool empty() const;
};

// `recreated`, `changed` and `unchanged` follow `next`'s order.
ConfigDiff diff(const Config& running, const Config& next);

// The settings of an in-place change from `running` to `next` (same name) that alter adverts in
// a way peers drop until they carry the same change, for the daemon to warn about
// (DESIGN.md §10: "Changing a VIP list one node at a time makes keepalived peers drop our
// adverts"): "addresses" when the advertised address set differs (keepalived compares it),
// "advert_interval" with VRRPv2 (RFC 3768 peers drop another interval), "v2_password", and
// "auth" when signing starts, stops or moves to another key id (receive-only does not sign).
// Empty when none.
std::vector<std::string> peerVisibleChanges(const Instance& running, const Instance& next);

} // namespace hafd::config
