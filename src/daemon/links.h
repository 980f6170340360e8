// SPDX-License-Identifier: Apache-2.0
// The daemon's picture of the namespace's interfaces and addresses: filled from a netlink dump,
// kept current by the monitor's events, re-dumped after the monitor lost events (ENOBUFS). It
// answers what instances need: does the interface exist and have carrier, and which address do
// adverts leave from.
#pragma once

#include "common/address.h"
#include "io/netlink.h"

#include <functional>
#include <list>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hafd::daemon {

class LinkTable {
public:
    void reset(std::vector<io::LinkInfo> links, std::vector<io::AddressInfo> addresses);

    void upsertLink(const io::LinkInfo& link);
    void removeLink(uint32_t ifindex);
    void addAddress(const io::AddressInfo& address);
    void removeAddress(const io::AddressInfo& address);

    const io::LinkInfo* find(const std::string& name) const;
    const io::LinkInfo* find(uint32_t ifindex) const;
    // In the kernel's order (the first IPv4 address of a subnet is its primary).
    const std::list<io::AddressInfo>& addresses(uint32_t ifindex) const;

    // The address adverts on `ifindex` leave from (RFC 9568 §5.1.1.1 / §5.1.2.1): IPv4, the
    // interface's primary address; IPv6, its link-local address (not tentative). Unicast peers
    // check that an advert comes from an address they list, and they list the addresses they
    // send to: towards global IPv6 peers the source is a global address of the interface (as
    // keepalived's unicast_src_ip), preferably one in a peer's prefix. `current` is kept while it
    // is still usable, so the source stays stable when addresses come and go (DESIGN.md §10);
    // `isVip` excludes hafd's VIPs, which are never a source.
    std::optional<IpAddress> sourceFor(uint32_t ifindex, Family family, const IpAddress& current,
                                       const std::function<bool(const IpAddress&)>& isVip,
                                       const std::vector<IpAddress>& unicastPeers = {}) const;

private:
    // An interface's addresses in kernel order, and an index by address: a master that installs
    // 1000 VIPs gets 1000 address events, each an O(log n) update.
    struct Addresses {
        std::list<io::AddressInfo> ordered;
        std::map<IpAddress, std::list<io::AddressInfo>::iterator> index;
    };

    std::map<uint32_t, io::LinkInfo> links_;
    std::map<uint32_t, Addresses> addresses_;
};

} // namespace hafd::daemon
