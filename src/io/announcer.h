// SPDX-License-Identifier: Apache-2.0
// Gratuitous ARP and unsolicited Neighbour Advertisements for VIPs (PROTOCOL.md §5), one round
// per call, sent with sendmmsg() on an AF_PACKET socket so that 1000 frames leave in one system
// call. The frames come from proto::buildGratuitousArp / proto::buildUnsolicitedNa; counts and
// pacing (5 per VIP, a second burst...) are the caller's. The same socket sends the RFC 5227
// ARP probes of probe_before_claim (proto::buildArpProbe); io/arp_watch.h hears the answers.
#pragma once

#include "common/address.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"
#include "proto/frames.h"

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <utility>
#include <vector>

namespace hafd::io {

class Announcer {
public:
    // An AF_PACKET/SOCK_RAW socket that only sends (protocol 0). Needs CAP_NET_RAW.
    static SysResult<Announcer> open();

    // Sends one frame per VIP out of `ifindex` with source MAC `mac` (the interface's own MAC, or
    // the VMAC): a gratuitous ARP for an IPv4 VIP, an unsolicited NA with R = `router` for an IPv6
    // one (set router only when ipv6Forwarding() says so, as keepalived does). Returns how many
    // frames were sent, in order from the first VIP: fewer than vips.size() when the device queue
    // filled (the rest may be retried later), or -errno if none could be sent (-ENETDOWN, -ENXIO
    // when the interface is down or gone).
    int announce(uint32_t ifindex, const proto::MacAddress& mac, std::span<const IpAddress> vips,
                 bool router);

    // Sends one RFC 5227 ARP probe (sender IP 0.0.0.0, sender hardware `mac`) per IPv4 address
    // of `vips` out of `ifindex`; other addresses are skipped. Returns how many frames were
    // sent, as announce() does.
    int probe(uint32_t ifindex, const proto::MacAddress& mac, std::span<const IpAddress> vips);

private:
    // Writes frame `i` into `slot`: its length (0: skip it) and EtherType.
    using Build =
        std::function<std::pair<std::size_t, uint16_t>(std::size_t i, std::span<uint8_t> slot)>;
    int send(uint32_t ifindex, std::size_t count, const Build& build);

    UniqueFd fd_;
    std::vector<uint8_t> frames_; // reused between rounds
};

// /proc/sys/net/ipv6/conf/<ifname>/forwarding: 1 on, 0 off, or -errno (-ENOENT: no such
// interface or no IPv6; -EINVAL: a name that is not an interface name).
int ipv6Forwarding(const std::string& ifname);

} // namespace hafd::io
