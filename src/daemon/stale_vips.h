// SPDX-License-Identifier: Apache-2.0
// VIPs an earlier run left behind (DESIGN.md §10 "Stale VIPs"): hafd killed with -9 or crashed
// while master. At start, before anything claims, they are removed:
// - every address of the runtime directory's record (what the earlier run installed and had not
//   removed), on whatever interface it names, whether or not an instance still uses it;
// - every address marked with IFA_PROTO hafd on an interface this configuration uses (the
//   record may be gone; other interfaces may belong to another hafd's namespace neighbour).
// An operator's own address carries neither mark and is never touched. A record entry for an
// interface that is not there yet stays in the record and is dealt with when the address shows
// up on that interface (onAddressAdded).
#pragma once

#include "daemon/io_ports.h"
#include "daemon/links.h"
#include "io/netlink.h"
#include "io/runtime_dir.h"

#include <cstddef>
#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon {

class StaleVips {
public:
    // Whether a running instance holds `vip` on `ifname` as master now.
    using Held = std::function<bool(const std::string& ifname, const Prefix& vip)>;

    StaleVips(io::NetlinkClient& netlink, LinkTable& links, NetlinkVips& vips)
        : netlink_(netlink), links_(links), vips_(vips) {}

    // At start: `record` is the earlier run's; `interfaces` those the configuration uses.
    void removeAtStart(const std::vector<io::InstalledVip>& record,
                       const std::set<std::string>& interfaces);
    // An address appeared: if an earlier run left it there (a pending record entry) and no
    // instance holds it now, it goes.
    void onAddressAdded(const io::AddressInfo& address, const Held& held);
    // A link appeared or was renamed: the pending entries of its name are looked for among its
    // addresses (a renamed interface keeps them and announces none).
    void onLink(const io::LinkInfo& link, const Held& held);

    std::size_t pending() const { return pending_.size(); }

private:
    // Removes `prefixes` from `ifindex` in one batch and says so; false when the kernel refused.
    bool remove(uint32_t ifindex, const std::vector<Prefix>& prefixes, const char* why);

    io::NetlinkClient& netlink_;
    LinkTable& links_;
    NetlinkVips& vips_;
    std::set<std::pair<std::string, Prefix>> pending_; // (ifname, VIP) not dealt with yet
};

} // namespace hafd::daemon
