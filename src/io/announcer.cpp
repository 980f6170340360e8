// SPDX-License-Identifier: Apache-2.0
#include "io/announcer.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace hafd::io {

namespace {
constexpr std::size_t kFrameSlot = std::max(proto::kGarpFrameLength, proto::kNaFrameLength);
constexpr unsigned kMaxPerCall = 1024; // UIO_MAXIOV: sendmmsg() handles at most this many
} // namespace

SysResult<Announcer> Announcer::open() {
    // Protocol 0: the socket receives nothing.
    const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return sysFail(errno, "socket(AF_PACKET, SOCK_RAW)");
    Announcer a;
    a.fd_.reset(fd);
    return a;
}

int Announcer::announce(uint32_t ifindex, const proto::MacAddress& mac,
                        std::span<const IpAddress> vips, bool router) {
    return send(ifindex, vips.size(), [&](std::size_t i, std::span<uint8_t> slot) {
        const bool v4 = vips[i].family() == Family::V4;
        const std::size_t len = v4 ? proto::buildGratuitousArp(slot, mac, vips[i])
                                   : proto::buildUnsolicitedNa(slot, mac, vips[i], router);
        return std::pair{len, static_cast<uint16_t>(v4 ? ETH_P_ARP : ETH_P_IPV6)};
    });
}

int Announcer::probe(uint32_t ifindex, const proto::MacAddress& mac,
                     std::span<const IpAddress> vips) {
    return send(ifindex, vips.size(), [&](std::size_t i, std::span<uint8_t> slot) {
        return std::pair{proto::buildArpProbe(slot, mac, vips[i]), uint16_t{ETH_P_ARP}};
    });
}

int Announcer::send(uint32_t ifindex, std::size_t count, const Build& build) {
    frames_.resize(count * kFrameSlot);
    std::vector<sockaddr_ll> dests(count);
    std::vector<iovec> iovs(count);
    std::vector<mmsghdr> msgs(count);
    std::size_t n = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const std::span<uint8_t> slot(frames_.data() + n * kFrameSlot, kFrameSlot);
        const auto [len, ethertype] = build(i, slot);
        if (len == 0)
            continue;
        sockaddr_ll& ll = dests[n];
        ll = {};
        ll.sll_family = AF_PACKET;
        ll.sll_ifindex = static_cast<int>(ifindex);
        ll.sll_protocol = htons(ethertype);
        ll.sll_halen = ETH_ALEN;
        std::memcpy(ll.sll_addr, slot.data(), ETH_ALEN); // the frame's destination MAC
        iovs[n] = {slot.data(), len};
        msgs[n] = {};
        msgs[n].msg_hdr.msg_name = &ll;
        msgs[n].msg_hdr.msg_namelen = sizeof ll;
        msgs[n].msg_hdr.msg_iov = &iovs[n];
        msgs[n].msg_hdr.msg_iovlen = 1;
        ++n;
    }
    std::size_t sent = 0;
    while (sent < n) {
        const auto batch = static_cast<unsigned>(std::min<std::size_t>(n - sent, kMaxPerCall));
        const int r = sendmmsg(fd_.get(), msgs.data() + sent, batch, 0);
        if (r < 0) {
            if (errno == EINTR)
                continue;
            if (sent == 0)
                return -errno;
            break; // ENOBUFS and the like: report what went out
        }
        sent += static_cast<std::size_t>(r);
        if (static_cast<unsigned>(r) < batch)
            break; // sendmmsg() stops at the first failing frame
    }
    return static_cast<int>(sent);
}

int ipv6Forwarding(const std::string& ifname) {
    if (ifname.empty() || ifname.size() >= IFNAMSIZ || ifname == "." || ifname == ".." ||
        ifname.find('/') != std::string::npos)
        return -EINVAL;
    const std::string path = "/proc/sys/net/ipv6/conf/" + ifname + "/forwarding";
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    char c = 0;
    const ssize_t n = ::read(fd, &c, 1);
    const int e = errno;
    ::close(fd);
    if (n < 0)
        return -e;
    if (n != 1)
        return -EIO;
    return c == '0' ? 0 : 1;
}

} // namespace hafd::io
