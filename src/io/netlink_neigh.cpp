// SPDX-License-Identifier: Apache-2.0
// NetlinkClient::forgetUnresolvedNeighbour: one RTM_GETNEIGH for the address, and an
// RTM_DELNEIGH only when the kernel's entry is unresolved (INCOMPLETE or FAILED). A resolved,
// static (PERMANENT, NOARP) or absent entry is left alone.
#include "io/netlink.h"

#include "io/netlink_parse.h"

#include <libmnl/libmnl.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <optional>

namespace hafd::io {

namespace {

void putNeighbourMessage(uint8_t* at, uint16_t type, uint16_t flags, uint32_t seq, uint32_t ifindex,
                         const IpAddress& address) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(at);
    nlh->nlmsg_type = type;
    nlh->nlmsg_flags = NLM_F_REQUEST | flags;
    nlh->nlmsg_seq = seq;
    auto* ndm = static_cast<ndmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ndmsg)));
    ndm->ndm_family = address.family() == Family::V4 ? AF_INET : AF_INET6;
    ndm->ndm_ifindex = static_cast<int>(ifindex);
    mnl_attr_put(nlh, NDA_DST, address.bytes().size(), address.bytes().data());
}

} // namespace

// The reply to request `seq`: the neighbour's state (>= 0), or -errno (-ENOENT: no entry).
int NetlinkClient::awaitNeighbourReply(uint32_t seq) {
    const int fd = mnl_socket_get_fd(sock_.get());
    for (;;) {
        const ssize_t n = recv(fd, rxBuf_.data(), rxBuf_.size(), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return -errno; // EAGAIN: the 5 s timeout
        }
        std::optional<int> reply;
        detail::forEachMessage(rxBuf_.data(), static_cast<std::size_t>(n), [&](const nlmsghdr* m) {
            if (m->nlmsg_seq != seq)
                return true; // a stale reply of an earlier request
            if (m->nlmsg_type == NLMSG_ERROR)
                reply = m->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr))
                            ? -EBADMSG
                            : static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m))->error;
            else if (m->nlmsg_type == RTM_NEWNEIGH && m->nlmsg_len >= mnl_nlmsg_size(sizeof(ndmsg)))
                reply = static_cast<const ndmsg*>(mnl_nlmsg_get_payload(m))->ndm_state;
            return !reply;
        });
        if (reply)
            return *reply;
    }
}

int NetlinkClient::forgetUnresolvedNeighbour(uint32_t ifindex, const IpAddress& address) {
    alignas(nlmsghdr) uint8_t req[128];
    putNeighbourMessage(req, RTM_GETNEIGH, 0, ++seq_, ifindex, address);
    if (mnl_socket_sendto(sock_.get(), req, reinterpret_cast<nlmsghdr*>(req)->nlmsg_len) < 0)
        return -errno;
    const int state = awaitNeighbourReply(seq_);
    if (state == -ENOENT)
        return 0;
    if (state < 0)
        return state;
    if (!(state & (NUD_INCOMPLETE | NUD_FAILED)))
        return 0;
    putNeighbourMessage(req, RTM_DELNEIGH, NLM_F_ACK, ++seq_, ifindex, address);
    if (mnl_socket_sendto(sock_.get(), req, reinterpret_cast<nlmsghdr*>(req)->nlmsg_len) < 0)
        return -errno;
    const int r = awaitNeighbourReply(seq_);
    return r == 0 ? 1 : r == -ENOENT ? 0 : r;
}

} // namespace hafd::io
