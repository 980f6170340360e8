// SPDX-License-Identifier: Apache-2.0
// Internal to io/: what NetlinkClient and LinkMonitor share: their socket, and RTM_NEWLINK /
// RTM_NEWADDR parsing (the client's dumps, the monitor's events).
#pragma once

#include "io/netlink.h"

#include <libmnl/libmnl.h>

#include <cstddef>
#include <optional>

namespace hafd::io::detail {

// The receive buffer the client's and the monitor's sockets ask for (4 MiB; a smaller one
// overflows sooner, which the monitor answers with a re-dump and the client with ENOBUFS).
constexpr int kRouteRcvBufBytes = 4 << 20;

// A NETLINK_ROUTE socket (`flags`: SOCK_CLOEXEC, SOCK_NONBLOCK) with a receive buffer of
// `rcvbufBytes` (SO_RCVBUFFORCE, else as much as SO_RCVBUF allows), bound to the multicast
// `groups` (0: none).
SysResult<MnlSocket> openRouteSocket(int flags, unsigned groups, int rcvbufBytes);

// Whether `nlh` is a whole message within the `len` bytes left of a receive buffer: what
// mnl_nlmsg_ok() should say. libmnl 1.0.4 compares nlmsg_len with `len` as a signed int, so a
// length of 2 GiB or more passes, and mnl_nlmsg_next() then steps outside the buffer. Walk a
// buffer with this and mnl_nlmsg_next().
bool messageOk(const nlmsghdr* nlh, int len);

// Calls f(nlh) for every whole message in the first `n` bytes of `buf` (a receive buffer), in
// order, until f returns false. Every walk of a netlink buffer in io/ goes through here.
template <typename F>
void forEachMessage(const void* buf, std::size_t n, F&& f) {
    int len = static_cast<int>(n);
    for (auto* nlh = static_cast<const nlmsghdr*>(buf); messageOk(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len))
        if (!f(nlh))
            return;
}

// nullopt if the message is not a well-formed link message of a device (bridge-port and other
// per-family link messages are skipped).
std::optional<LinkInfo> parseLink(const nlmsghdr* nlh);
// nullopt if the message is not a well-formed IPv4/IPv6 address message.
std::optional<AddressInfo> parseAddress(const nlmsghdr* nlh);

} // namespace hafd::io::detail
