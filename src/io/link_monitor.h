// SPDX-License-Identifier: Apache-2.0
// Link and address changes from the kernel (DESIGN.md §3, §10): a netlink socket subscribed to
// RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR and RTNLGRP_IPV6_IFADDR. Watch fd() for Read and call read().
#pragma once

#include "io/buffer.h"
#include "io/netlink.h"
#include "io/sys_error.h"

#include <cstdint>
#include <memory>
#include <variant>
#include <vector>

struct mnl_socket;

namespace hafd::io {

// RTM_NEWLINK (a link appeared or changed: flags, carrier, name...) or RTM_DELLINK. The kernel
// does not say which fields changed: compare with what you knew. Carrier: link.carrier().
struct LinkEvent {
    bool removed = false;
    LinkInfo link;
};

// RTM_NEWADDR / RTM_DELADDR. A DAD completion shows up as a NEWADDR whose flags lost TENTATIVE.
struct AddressEvent {
    bool removed = false;
    AddressInfo address;
    // nlmsg_pid: the netlink port id of the process whose request caused the change (compare
    // with NetlinkClient::portId()); 0 when the kernel itself made it. The kernel fills it for
    // IPv4 only: IPv6 address events always carry 0, so use AddressInfo::proto there.
    uint32_t requesterPortId = 0;
};

// The socket overflowed and events were lost: re-dump links and addresses and reconcile.
struct ResyncEvent {};

using NetlinkEvent = std::variant<LinkEvent, AddressEvent, ResyncEvent>;

class LinkMonitor {
public:
    // Non-blocking, 4 MiB receive buffer (SO_RCVBUFFORCE, needs CAP_NET_ADMIN; else the default).
    // Subscribe before the initial dump, so that no change falls between the two.
    static SysResult<LinkMonitor> open();

    LinkMonitor() = default;

    int fd() const;

    // Drains the socket and appends the events, in kernel order, to `out`. After an overflow
    // (ENOBUFS) the events drained in this call are dropped and `out` gets exactly one
    // ResyncEvent: a dump taken after this call reflects everything. Returns the number of events
    // appended, or -errno on another failure.
    int read(std::vector<NetlinkEvent>& out);

private:
    MnlSocket sock_;
    Buffer buf_;
};

} // namespace hafd::io
