// SPDX-License-Identifier: Apache-2.0
#include "io/link_monitor.h"

#include "io/netlink_parse.h"

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <cerrno>

namespace hafd::io {

namespace {
constexpr std::size_t kBufferBytes = 64 * 1024;
} // namespace

SysResult<LinkMonitor> LinkMonitor::open() {
    LinkMonitor m;
    auto sock = detail::openRouteSocket(SOCK_NONBLOCK | SOCK_CLOEXEC,
                                        RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR,
                                        detail::kRouteRcvBufBytes);
    if (!sock)
        return Unexpected{sock.error()};
    m.sock_ = std::move(*sock);
    m.buf_ = Buffer(kBufferBytes);
    return m;
}

int LinkMonitor::fd() const {
    return sock_ ? mnl_socket_get_fd(sock_.get()) : -1;
}

int LinkMonitor::read(std::vector<NetlinkEvent>& out) {
    const std::size_t start = out.size();
    bool overflow = false;
    for (;;) {
        const ssize_t n = recv(fd(), buf_.data(), buf_.size(), 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                overflow = true;
                continue;
            }
            if (errno == EAGAIN || errno == EWOULDBLOCK)
                break;
            return -errno;
        }
        if (overflow)
            continue; // a re-dump after this call covers it
        detail::forEachMessage(buf_.data(), static_cast<std::size_t>(n), [&](const nlmsghdr* nlh) {
            switch (nlh->nlmsg_type) {
            case RTM_NEWLINK:
            case RTM_DELLINK:
                if (auto l = detail::parseLink(nlh))
                    out.push_back(LinkEvent{nlh->nlmsg_type == RTM_DELLINK, std::move(*l)});
                break;
            case RTM_NEWADDR:
            case RTM_DELADDR:
                if (auto a = detail::parseAddress(nlh))
                    out.push_back(AddressEvent{nlh->nlmsg_type == RTM_DELADDR, std::move(*a),
                                               nlh->nlmsg_pid});
                break;
            default:
                break;
            }
            return true;
        });
    }
    if (overflow) {
        out.erase(out.begin() + static_cast<std::ptrdiff_t>(start), out.end());
        out.emplace_back(std::in_place_type<ResyncEvent>);
    }
    return static_cast<int>(out.size() - start);
}

} // namespace hafd::io
