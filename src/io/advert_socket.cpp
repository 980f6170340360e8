// SPDX-License-Identifier: Apache-2.0
#include "io/advert_socket.h"

#include "io/loop.h"

#include "proto/ipv4.h"

#include <linux/filter.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace hafd::io {

namespace {

constexpr int kRxBufferBytes = 1 << 20; // ~1000 adverts queued: many VRIDs at 1 cs

constexpr int kTrafficClass = proto::kVrrpTos;

// Offset of the checksum in the VRRP header, for IPV6_CHECKSUM (RFC 9568 §5.1).
constexpr int kVrrpChecksumOffset = 6;

int setInt(int fd, int level, int name, int value) {
    return setsockopt(fd, level, name, &value, sizeof value) < 0 ? -errno : 0;
}

SysResult<UniqueFd> rawSocket(int domain, int protocol, const char* what) {
    const int fd = socket(domain, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, protocol);
    if (fd < 0)
        return sysFail(errno, what);
    return UniqueFd(fd);
}

// Adds the option name to a failure: "setsockopt(IP_MULTICAST_ALL) on eth0".
Unexpected<SysError> optFail(int negErrno, const char* opt, const std::string& ifname) {
    return sysFail(-negErrno, std::string("setsockopt(") + opt + ") on " + ifname);
}

// A classic BPF program that accepts nothing: the IPv6 send socket (protocol 112) would otherwise
// queue a copy of every received advert that nobody reads.
int dropEverything(int fd) {
    static sock_filter code[] = {{BPF_RET | BPF_K, 0, 0, 0}};
    sock_fprog prog{};
    prog.len = 1;
    prog.filter = code;
    return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) < 0 ? -errno : 0;
}

void toSockaddr(const IpAddress& a, uint32_t scope, sockaddr_storage& ss, socklen_t& len) {
    std::memset(&ss, 0, sizeof ss);
    if (a.family() == Family::V4) {
        sockaddr_in sin{};
        sin.sin_family = AF_INET;
        std::memcpy(&sin.sin_addr, a.bytes().data(), 4);
        std::memcpy(&ss, &sin, sizeof sin);
        len = sizeof sin;
    } else {
        sockaddr_in6 sin6{};
        sin6.sin6_family = AF_INET6;
        std::memcpy(&sin6.sin6_addr, a.bytes().data(), 16);
        if (a.isLinkLocal() || a.isMulticast())
            sin6.sin6_scope_id = scope;
        std::memcpy(&ss, &sin6, sizeof sin6);
        len = sizeof sin6;
    }
}

// The one control message of `m` (whose msg_control has room for it).
template <typename T>
void putControl(msghdr& m, int level, int type, const T& value) {
    m.msg_controllen = CMSG_SPACE(sizeof(T));
    cmsghdr* c = CMSG_FIRSTHDR(&m);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = CMSG_LEN(sizeof(T));
    std::memcpy(CMSG_DATA(c), &value, sizeof value);
}

} // namespace

SysResult<AdvertSocket> AdvertSocket::open(Family family, const std::string& ifname,
                                           uint32_t ifindex) {
    AdvertSocket s;
    s.family_ = family;
    s.ifname_ = ifname;
    s.ifindex_ = ifindex;
    const bool v4 = family == Family::V4;
    const int domain = v4 ? AF_INET : AF_INET6;

    // Receive socket.
    auto rx = rawSocket(domain, proto::kIpProtoVrrp,
                        v4 ? "socket(AF_INET, SOCK_RAW, 112)" : "socket(AF_INET6, SOCK_RAW, 112)");
    if (!rx)
        return Unexpected{rx.error()};
    s.rx_ = std::move(*rx);
    const int fd = s.rx_.get();
    if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, ifname.c_str(),
                   static_cast<socklen_t>(ifname.size())) < 0)
        return sysFail(errno, "setsockopt(SO_BINDTODEVICE) to " + ifname);
    if (setInt(fd, SOL_SOCKET, SO_RCVBUFFORCE, kRxBufferBytes) < 0)
        (void)setInt(fd, SOL_SOCKET, SO_RCVBUF, kRxBufferBytes); // capped by rmem_max
    int err = 0;
    if ((err = setInt(fd, SOL_SOCKET, SO_TIMESTAMPNS, 1)) < 0)
        return optFail(err, "SO_TIMESTAMPNS", ifname);
    if (v4) {
        if ((err = setInt(fd, IPPROTO_IP, IP_MULTICAST_ALL, 0)) < 0)
            return optFail(err, "IP_MULTICAST_ALL", ifname);
        if ((err = setInt(fd, IPPROTO_IP, IP_PKTINFO, 1)) < 0)
            return optFail(err, "IP_PKTINFO", ifname);
    } else {
        if ((err = setInt(fd, IPPROTO_IPV6, IPV6_MULTICAST_ALL, 0)) < 0)
            return optFail(err, "IPV6_MULTICAST_ALL", ifname);
        if ((err = setInt(fd, IPPROTO_IPV6, IPV6_RECVPKTINFO, 1)) < 0)
            return optFail(err, "IPV6_RECVPKTINFO", ifname);
        if ((err = setInt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, 1)) < 0)
            return optFail(err, "IPV6_RECVHOPLIMIT", ifname);
    }

    // Send socket: receives nothing.
    if (v4) {
        // IPPROTO_RAW implies IP_HDRINCL and never receives.
        auto tx = rawSocket(AF_INET, IPPROTO_RAW, "socket(AF_INET, SOCK_RAW, IPPROTO_RAW)");
        if (!tx)
            return Unexpected{tx.error()};
        s.tx_ = std::move(*tx);
        if ((err = setInt(s.tx_.get(), IPPROTO_IP, IP_MULTICAST_LOOP, 0)) < 0)
            return optFail(err, "IP_MULTICAST_LOOP", ifname);
    } else {
        auto tx = rawSocket(AF_INET6, proto::kIpProtoVrrp, "socket(AF_INET6, SOCK_RAW, 112)");
        if (!tx)
            return Unexpected{tx.error()};
        s.tx_ = std::move(*tx);
        const int t = s.tx_.get();
        if ((err = dropEverything(t)) < 0)
            return optFail(err, "SO_ATTACH_FILTER", ifname);
        if ((err = setInt(t, IPPROTO_IPV6, IPV6_CHECKSUM, kVrrpChecksumOffset)) < 0)
            return optFail(err, "IPV6_CHECKSUM", ifname);
        if ((err = setInt(t, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, proto::kVrrpTtl)) < 0)
            return optFail(err, "IPV6_MULTICAST_HOPS", ifname);
        if ((err = setInt(t, IPPROTO_IPV6, IPV6_UNICAST_HOPS, proto::kVrrpTtl)) < 0)
            return optFail(err, "IPV6_UNICAST_HOPS", ifname);
        if ((err = setInt(t, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, 0)) < 0)
            return optFail(err, "IPV6_MULTICAST_LOOP", ifname);
        if ((err = setInt(t, IPPROTO_IPV6, IPV6_TCLASS, kTrafficClass)) < 0)
            return optFail(err, "IPV6_TCLASS", ifname);
    }
    s.rxBuf_ = Buffer(kBatch * kSlotBytes);
    return s;
}

// IP_ADD/DROP_MEMBERSHIP or IPV6_JOIN/LEAVE_GROUP for the VRRP group on this interface;
// 0 or -errno.
int AdvertSocket::changeMembership(bool join) {
    const IpAddress group = vrrpMulticastGroup(family_);
    int r;
    if (family_ == Family::V4) {
        ip_mreqn m{};
        std::memcpy(&m.imr_multiaddr, group.bytes().data(), 4);
        m.imr_ifindex = static_cast<int>(ifindex_);
        r = setsockopt(rx_.get(), IPPROTO_IP, join ? IP_ADD_MEMBERSHIP : IP_DROP_MEMBERSHIP, &m,
                       sizeof m);
    } else {
        ipv6_mreq m{};
        std::memcpy(&m.ipv6mr_multiaddr, group.bytes().data(), 16);
        m.ipv6mr_interface = ifindex_;
        r = setsockopt(rx_.get(), IPPROTO_IPV6, join ? IPV6_JOIN_GROUP : IPV6_LEAVE_GROUP, &m,
                       sizeof m);
    }
    return r < 0 ? -errno : 0;
}

int AdvertSocket::joinGroup() {
    if (joined_)
        return 0;
    if (const int r = changeMembership(true); r < 0 && r != -EADDRINUSE)
        return r;
    joined_ = true;
    return 0;
}

int AdvertSocket::leaveGroup() {
    if (!joined_)
        return 0;
    joined_ = false;
    // EADDRNOTAVAIL / ENODEV: the membership is already gone (interface removed).
    if (const int r = changeMembership(false); r < 0 && r != -EADDRNOTAVAIL && r != -ENODEV)
        return r;
    return 0;
}

namespace {

// The kernel's receive stamp is CLOCK_REALTIME; the daemon's timers are CLOCK_MONOTONIC. The age
// of the packet (realtime now minus the stamp) is taken off monotonic now. A realtime step
// between the two reads could make the age absurd: it is then bounded to [0, 1 s].
TimePoint arrivalTime(msghdr& msg) {
    const TimePoint now = monotonicNow();
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_TIMESTAMPNS)
            continue;
        timespec stamp;
        std::memcpy(&stamp, CMSG_DATA(c), sizeof stamp);
        timespec real{};
        clock_gettime(CLOCK_REALTIME, &real);
        const int64_t ageNs =
            (real.tv_sec - stamp.tv_sec) * 1'000'000'000LL + (real.tv_nsec - stamp.tv_nsec);
        const int64_t ageUs = std::clamp<int64_t>(ageNs / 1000, 0, 1'000'000);
        return now - Duration(ageUs);
    }
    return now;
}

} // namespace

namespace {

// Ancillary data one received advert may carry.
union Control {
    cmsghdr align;
    char buf[CMSG_SPACE(sizeof(in6_pktinfo)) + CMSG_SPACE(sizeof(int)) +
             CMSG_SPACE(sizeof(in_pktinfo)) + CMSG_SPACE(sizeof(timespec))];
};

} // namespace

// Fills `out` from one received datagram `data` and its header `msg` (cmsgs, source).
void AdvertSocket::parse(msghdr& msg, std::span<const uint8_t> data, RxPacket& out) const {
    out = RxPacket{};
    out.meta.ifindex = ifindex_;
    out.arrived = arrivalTime(msg);
    if (msg.msg_flags & MSG_TRUNC) {
        // Longer than any VRRP advert can be (the slot holds 8 KiB).
        out.drop = proto::DropReason::LengthMismatch;
        return;
    }
    if (family_ == Family::V4) {
        for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO) {
                in_pktinfo pi;
                std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
                out.meta.ifindex = static_cast<uint32_t>(pi.ipi_ifindex);
            }
        }
        auto parsed = proto::parseIpv4(data);
        if (!parsed) {
            out.drop = parsed.error();
            return;
        }
        const uint32_t ifindex = out.meta.ifindex;
        out.meta = parsed->meta;
        out.meta.ifindex = ifindex;
        out.payload = parsed->payload;
        return;
    }
    for (cmsghdr* c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != IPPROTO_IPV6)
            continue;
        if (c->cmsg_type == IPV6_PKTINFO) {
            in6_pktinfo pi;
            std::memcpy(&pi, CMSG_DATA(c), sizeof pi);
            out.meta.destination =
                IpAddress(Family::V6, {reinterpret_cast<const uint8_t*>(&pi.ipi6_addr), 16});
            out.meta.ifindex = pi.ipi6_ifindex;
        } else if (c->cmsg_type == IPV6_HOPLIMIT) {
            int hops;
            std::memcpy(&hops, CMSG_DATA(c), sizeof hops);
            out.meta.hopLimit = hops;
        }
    }
    if (static_cast<const sockaddr*>(msg.msg_name)->sa_family == AF_INET6) {
        sockaddr_in6 sin6;
        std::memcpy(&sin6, msg.msg_name, sizeof sin6);
        out.meta.source =
            IpAddress(Family::V6, {reinterpret_cast<const uint8_t*>(&sin6.sin6_addr), 16});
    }
    out.payload = data;
}

int AdvertSocket::receive(std::span<RxPacket> out) {
    const std::size_t want = std::min(out.size(), kBatch);
    if (want == 0)
        return 0;
    std::array<mmsghdr, kBatch> msgs{};
    std::array<iovec, kBatch> iov{};
    std::array<sockaddr_storage, kBatch> from{};
    std::array<Control, kBatch> control;
    for (std::size_t i = 0; i < want; ++i) {
        iov[i] = {rxBuf_.data() + i * kSlotBytes, kSlotBytes};
        msghdr& m = msgs[i].msg_hdr;
        m.msg_name = &from[i];
        m.msg_namelen = sizeof from[i];
        m.msg_iov = &iov[i];
        m.msg_iovlen = 1;
        m.msg_control = control[i].buf;
        m.msg_controllen = sizeof control[i].buf;
    }
    int n;
    do
        n = recvmmsg(rx_.get(), msgs.data(), static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
    for (int i = 0; i < n; ++i)
        parse(msgs[static_cast<std::size_t>(i)].msg_hdr,
              {rxBuf_.data() + static_cast<std::size_t>(i) * kSlotBytes,
               std::min<std::size_t>(msgs[static_cast<std::size_t>(i)].msg_len, kSlotBytes)},
              out[static_cast<std::size_t>(i)]);
    return n;
}

int AdvertSocket::receive(RxPacket& out) {
    return receive(std::span<RxPacket>(&out, 1));
}

int AdvertSocket::send(std::span<const uint8_t> message, const IpAddress& source,
                       const IpAddress& destination, uint32_t egressIfindex) {
    if (const int rc = queue(message, source, destination, egressIfindex); rc < 0)
        return rc;
    return flush().back();
}

int AdvertSocket::queue(std::span<const uint8_t> message, const IpAddress& source,
                        const IpAddress& destination, uint32_t egressIfindex) {
    if (source.family() != family_ || destination.family() != family_)
        return -EAFNOSUPPORT;
    Pending p;
    p.egressIfindex = egressIfindex ? egressIfindex : ifindex_;
    sockaddr_storage to;
    socklen_t toLength = 0;
    toSockaddr(destination, p.egressIfindex, to, toLength);
    static_assert(sizeof p.to >= sizeof(sockaddr_in6));
    std::memcpy(p.to, &to, toLength);
    p.toLength = toLength;
    p.offset = txBytes_.size();
    if (family_ == Family::V4) {
        p.length = proto::kIpv4HeaderLength + message.size();
        txBytes_.resize(p.offset + p.length);
        const std::span<uint8_t> at(txBytes_.data() + p.offset, p.length);
        if (proto::buildIpv4Header(at, source, destination, message.size(), nextId_) == 0) {
            txBytes_.resize(p.offset);
            return -EINVAL;
        }
        ++nextId_;
        std::memcpy(at.data() + proto::kIpv4HeaderLength, message.data(), message.size());
    } else {
        p.length = message.size();
        txBytes_.insert(txBytes_.end(), message.begin(), message.end());
        std::memcpy(p.source, source.bytes().data(), 16);
    }
    if (pending_.empty())
        firstQueuedAt_ = monotonicNow();
    pending_.push_back(p);
    return 0;
}

std::span<const int> AdvertSocket::flush(Duration maxAge) {
    if (pending_.empty() || monotonicNow() - firstQueuedAt_ <= maxAge)
        return flush();
    results_.assign(pending_.size(), -ESTALE);
    pending_.clear();
    txBytes_.clear();
    return results_;
}

std::span<const int> AdvertSocket::flush() {
    const std::size_t n = pending_.size();
    results_.assign(n, 0);
    txMsgs_.assign(n, mmsghdr{});
    txIov_.resize(n);
    txControl_.assign(n, TxControl{});
    auto& msgs = txMsgs_;
    auto& iov = txIov_;
    auto& control = txControl_;
    for (std::size_t i = 0; i < n; ++i) {
        Pending& p = pending_[i];
        iov[i] = {txBytes_.data() + p.offset, p.length};
        msghdr& m = msgs[i].msg_hdr;
        m.msg_name = p.to;
        m.msg_namelen = p.toLength;
        m.msg_iov = &iov[i];
        m.msg_iovlen = 1;
        m.msg_control = control[i].buf;
        if (family_ == Family::V4) {
            // The egress interface; the source stays the one in our header.
            in_pktinfo pi{};
            pi.ipi_ifindex = static_cast<int>(p.egressIfindex);
            putControl(m, IPPROTO_IP, IP_PKTINFO, pi);
        } else {
            in6_pktinfo pi{};
            std::memcpy(&pi.ipi6_addr, p.source, 16);
            pi.ipi6_ifindex = p.egressIfindex;
            putControl(m, IPPROTO_IPV6, IPV6_PKTINFO, pi);
        }
    }
    // sendmmsg() stops at the first message that fails: it returns how many went before it
    // (and the error is lost), or -1 when the first one failed. So the failing message is met
    // again as the first of the next call, which reports it.
    std::size_t i = 0;
    while (i < n) {
        const unsigned vlen = static_cast<unsigned>(std::min<std::size_t>(n - i, UIO_MAXIOV));
        const int sent = sendmmsg(tx_.get(), msgs.data() + i, vlen, 0);
        if (sent > 0) {
            i += static_cast<std::size_t>(sent);
            continue;
        }
        if (sent < 0 && errno == EINTR)
            continue;
        const int e = sent < 0 ? errno : EIO;
        // IPV6_PKTINFO with a source that is not (yet) usable on the interface, e.g. a link-local
        // still tentative, fails with EINVAL; without pktinfo the kernel says EADDRNOTAVAIL.
        // Report both as the one transient condition.
        results_[i++] = family_ == Family::V6 && e == EINVAL ? -EADDRNOTAVAIL : -e;
    }
    pending_.clear();
    txBytes_.clear();
    return results_;
}

} // namespace hafd::io
