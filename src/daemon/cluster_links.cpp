// SPDX-License-Identifier: Apache-2.0
// The cluster room and the links: after a carrier loss the kernel keeps this node's heartbeats
// to the other nodes queued behind unresolved neighbour entries, and asks again only every
// retrans_time (1 s by default): the peers would miss this node's vote for up to that long
// after the link is back (a soak showed a master losing its quorum 0.8 s after a peer's link
// came back, when another node left). So when a link comes back, the entries still unresolved
// are forgotten and a heartbeat leaves at once, which resolves them anew.
#include "common/log.h"
#include "daemon/cluster.h"

#include <cstring>

namespace hafd::daemon {

void Cluster::carrierUp(io::NetlinkClient& netlink, const io::LinkInfo& link) {
    unsigned forgotten = 0;
    for (const core::NodeView& node : view_.nodes()) {
        if (node.self)
            continue;
        const int r = netlink.forgetUnresolvedNeighbour(link.ifindex, node.address);
        if (r > 0)
            ++forgotten;
        else if (r < 0)
            log::debug("cluster: %s: neighbour entry of %s: %s", link.name.c_str(),
                       node.address.toString().c_str(), std::strerror(-r));
    }
    if (forgotten > 0)
        log::info("cluster: %s has carrier again: %u unresolved neighbour entr%s of other nodes "
                  "forgotten, heartbeats sent now",
                  link.name.c_str(), forgotten, forgotten == 1 ? "y" : "ies");
    sendTimer_.arm(io::monotonicNow());
}

} // namespace hafd::daemon
