// SPDX-License-Identifier: Apache-2.0
// The validated, immutable configuration every layer above config/ sees. libconfig types never
// leave the parser; these are plain values (STYLE.md habit 8).
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "proto/advert.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace hafd::config {

// Gratuitous ARP / unsolicited NA on becoming master (DESIGN.md §10; PROTOCOL.md §5.3).
struct Announce {
    unsigned count = 5;       // frames per VIP in each burst (1..100)
    Duration delay = 5s;      // second burst this long after becoming master; 0 = none
    Duration refresh = 60s;   // one frame per VIP this often while master; 0 = never
    Duration interval = 10ms; // pacing between the rounds of a burst (the first round of
                              // every VIP leaves at once)

    bool operator==(const Announce&) const = default;
};

struct Instance {
    std::string name;
    std::string interface;
    uint8_t vrid = 0;
    Family family = Family::V4; // the family of `addresses`
    proto::Version version = proto::Version::V3;
    uint8_t priority = 100;       // 1..254, or 255 for the address owner
    Duration advertInterval = 1s; // v3: whole centiseconds; v2: whole seconds
    bool preempt = true;
    Duration preemptDelay = 0s;
    std::vector<Prefix> addresses;       // bare addresses are /32 or /128
    std::vector<IpAddress> unicastPeers; // empty: multicast
    bool vmac = false;                   // macvlan with the virtual MAC (RFC 9568 §7.3)
    bool accept = true;                  // only true is supported for now
    proto::ChecksumForm checksum = proto::ChecksumForm::PseudoHeader; // IPv4 v3 transmit form
    Announce announce;
    proto::V2AuthType v2AuthType = proto::V2AuthType::None; // VRRPv2 interop only, no security
    std::string v2Password;                                 // at most 8 bytes, with SimplePassword

    // Where the instance and each of its settings stand in the file, for messages about host
    // facts (missing interface…) found after parsing. Keyed by setting name; "" is the group.
    // Settings of the `announce` group are keyed "announce.count" and so on.
    std::map<std::string, int> lines;
    // The setting's line; the group's when the setting is absent (defaulted); 0 when unknown.
    int lineOf(const std::string& setting) const;
    // The file holding the group: Config::file, or a file it @includes.
    std::string file;

    bool isOwner() const { return priority == 255; }
    bool isUnicast() const { return !unicastPeers.empty(); }

    // Equality ignores `lines` and `file`: moving an instance in the file is not a change.
    bool sameSettings(const Instance& o) const;
};

struct Config {
    std::string file;
    std::vector<Instance> instances;
};

} // namespace hafd::config
