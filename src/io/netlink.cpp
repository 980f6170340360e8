// SPDX-License-Identifier: Apache-2.0
#include "io/netlink.h"

#include "io/netlink_parse.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>
#include <sys/time.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>

namespace hafd::io {

namespace {

constexpr std::size_t kRxBufferBytes = 64 * 1024; // > the largest dump skb (32 KiB)
// One sendmsg() carries at most this much: well under the default sk_sndbuf (212992), which a
// single netlink message may not exceed (TOOLCHAIN.md §2: 240 KB failed with EMSGSIZE).
constexpr std::size_t kChunkBytes = 64 * 1024;
constexpr std::size_t kMaxAddrMsgBytes = 128; // nlmsghdr + ifaddrmsg + 5 attributes, aligned
// What one queued reply costs in the receive buffer (skb truesize): 256 ACKs filled 212992 bytes.
constexpr std::size_t kReplyCost = 1024;
// A dump the kernel marks interrupted (NLM_F_DUMP_INTR: the table changed under it) is taken
// again after a pause that doubles each time. Right after a large batch the kernel is still
// finishing each IPv6 address (its DAD work runs after the ACK, one notification per address),
// so immediate retries all land inside that burst. 1 + 2 + … + 64 ms: at most ~127 ms in all.
constexpr int kDumpRetries = 8;

void putAddressMessage(uint8_t* at, bool add, uint32_t seq, uint32_t ifindex, const Prefix& p,
                       const AddOptions& options, bool ack) {
    nlmsghdr* nlh = mnl_nlmsg_put_header(at);
    nlh->nlmsg_type = add ? RTM_NEWADDR : RTM_DELADDR;
    nlh->nlmsg_flags = NLM_F_REQUEST;
    if (add)
        nlh->nlmsg_flags |= NLM_F_CREATE | (options.replace ? NLM_F_REPLACE : NLM_F_EXCL);
    if (ack)
        nlh->nlmsg_flags |= NLM_F_ACK;
    nlh->nlmsg_seq = seq;
    auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
    const bool v6 = p.address.family() == Family::V6;
    ifa->ifa_family = v6 ? AF_INET6 : AF_INET;
    ifa->ifa_prefixlen = p.length;
    ifa->ifa_scope = RT_SCOPE_UNIVERSE; // IPv6 derives the scope from the address itself
    ifa->ifa_index = ifindex;
    const auto bytes = p.address.bytes();
    mnl_attr_put(nlh, IFA_LOCAL, bytes.size(), bytes.data());
    mnl_attr_put(nlh, IFA_ADDRESS, bytes.size(), bytes.data());
    if (!add)
        return;
    // RFC 9568 §8.2.2: a VIP may be answered for by the backup during a restart; keepalived
    // installs IPv6 VIPs with nodad too (PROTOCOL.md §2.2).
    const uint32_t flags = v6 ? IFA_F_NODAD : 0;
    ifa->ifa_flags = static_cast<uint8_t>(flags);
    mnl_attr_put_u32(nlh, IFA_FLAGS, flags);
    mnl_attr_put_u8(nlh, IFA_PROTO, kIfaProtoHafd);
    if (options.lifetime) {
        ifa_cacheinfo ci{};
        ci.ifa_valid = options.lifetime->validSeconds;
        ci.ifa_prefered = options.lifetime->preferredSeconds;
        mnl_attr_put(nlh, IFA_CACHEINFO, sizeof ci, &ci);
    }
}

int setInt(mnl_socket* s, int level, int name, int value) {
    return setsockopt(mnl_socket_get_fd(s), level, name, &value, sizeof value) < 0 ? -errno : 0;
}

} // namespace

SysResult<NetlinkClient> NetlinkClient::open() {
    NetlinkClient c;
    // Replies to a large batch must all fit in the receive buffer (TOOLCHAIN.md §2).
    auto sock = detail::openRouteSocket(SOCK_CLOEXEC, 0, detail::kRouteRcvBufBytes);
    if (!sock)
        return Unexpected{sock.error()};
    c.sock_ = std::move(*sock);
    // ACKs without a copy of the request.
    (void)setInt(c.sock_.get(), SOL_NETLINK, NETLINK_CAP_ACK, 1);
    // A dump never blocks for long, but never hang the loop on a kernel that does not answer.
    const timeval tv{5, 0};
    (void)setsockopt(mnl_socket_get_fd(c.sock_.get()), SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    int rcvbuf = 0;
    socklen_t len = sizeof rcvbuf;
    getsockopt(mnl_socket_get_fd(c.sock_.get()), SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);
    c.maxMsgsPerChunk_ = std::max<std::size_t>(16, static_cast<std::size_t>(rcvbuf) / kReplyCost);
    c.seq_ = static_cast<uint32_t>(time(nullptr));
    c.rxBuf_ = Buffer(kRxBufferBytes);
    return c;
}

uint32_t NetlinkClient::portId() const {
    return sock_ ? mnl_socket_get_portid(sock_.get()) : 0;
}

SysResult<std::vector<AddressResult>> NetlinkClient::addAddresses(uint32_t ifindex,
                                                                  std::span<const Prefix> prefixes,
                                                                  const AddOptions& options) {
    return batch(true, ifindex, prefixes, options);
}

SysResult<std::vector<AddressResult>>
NetlinkClient::removeAddresses(uint32_t ifindex, std::span<const Prefix> prefixes) {
    return batch(false, ifindex, prefixes, {});
}

SysResult<std::vector<AddressResult>> NetlinkClient::batch(bool add, uint32_t ifindex,
                                                           std::span<const Prefix> prefixes,
                                                           const AddOptions& options) {
    std::vector<AddressResult> results(prefixes.size());
    // The chunk buffer lives with the client: a fresh 64 KiB per transition, freed and carved up
    // by small allocations in between, made the heap grow with every master that took over.
    std::vector<uint8_t>& buf = txBuf_;
    buf.resize(kChunkBytes);
    const uint32_t seqBase = seq_ + 1;
    seq_ += static_cast<uint32_t>(prefixes.size());
    std::size_t i = 0;
    while (i < prefixes.size()) {
        // Fill one chunk: as many messages as fit in its bytes and in the receive buffer's
        // capacity for replies.
        const std::size_t first = i;
        std::size_t used = 0;
        for (bool last = false; !last; ++i) {
            // The last of the chunk (which carries the ACK) when the batch ends, another message
            // might not fit, or the replies would not.
            last = i + 1 == prefixes.size() || used + 2 * kMaxAddrMsgBytes > kChunkBytes ||
                   i + 1 - first == maxMsgsPerChunk_;
            auto* nlh = reinterpret_cast<nlmsghdr*>(buf.data() + used);
            putAddressMessage(buf.data() + used, add, seqBase + static_cast<uint32_t>(i), ifindex,
                              prefixes[i], options, ackEvery_ || last);
            used += MNL_ALIGN(nlh->nlmsg_len);
        }
        buf.resize(used);
        const int err = sendChunk(buf, seqBase + static_cast<uint32_t>(first),
                                  seqBase + static_cast<uint32_t>(i - 1), add, results, seqBase);
        buf.resize(kChunkBytes);
        if (err < 0) {
            if (first == 0)
                return sysFail(-err,
                               add ? "netlink RTM_NEWADDR batch" : "netlink RTM_DELADDR batch");
            for (std::size_t k = first; k < prefixes.size(); ++k)
                results[k].error = err;
            break;
        }
    }
    return results;
}

int NetlinkClient::sendChunk(const std::vector<uint8_t>& buf, uint32_t seqFirst, uint32_t seqLast,
                             bool add, std::vector<AddressResult>& results, uint32_t seqBase) {
    if (mnl_socket_sendto(sock_.get(), buf.data(), buf.size()) < 0)
        return -errno;
    const std::size_t count = seqLast - seqFirst + 1;
    std::vector<bool> seen(count, false);
    bool done = false, overflow = false;
    const int fd = mnl_socket_get_fd(sock_.get());
    while (!done) {
        // The kernel handled the whole chunk inside sendmsg(): every reply is queued already.
        // After an overflow the last ACK may be lost, so stop at an empty queue.
        const ssize_t n = recv(fd, rxBuf_.data(), rxBuf_.size(), overflow ? MSG_DONTWAIT : 0);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            if (errno == ENOBUFS) {
                overflow = true;
                continue;
            }
            break; // EAGAIN (empty after an overflow, or the 5 s timeout): outcome unknown
        }
        detail::forEachMessage(
            rxBuf_.data(), static_cast<std::size_t>(n), [&](const nlmsghdr* nlh) {
                if (nlh->nlmsg_type != NLMSG_ERROR ||
                    nlh->nlmsg_len < mnl_nlmsg_size(sizeof(nlmsgerr)))
                    return true;
                const uint32_t k = nlh->nlmsg_seq - seqFirst;
                if (k >= count)
                    return true; // a stale reply of an earlier request
                const auto* e = static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(nlh));
                seen[k] = true;
                AddressResult& r = results[nlh->nlmsg_seq - seqBase];
                r.error = e->error;
                if ((add && e->error == -EEXIST) || (!add && e->error == -EADDRNOTAVAIL)) {
                    r.error = 0;
                    r.noop = true;
                }
                if (nlh->nlmsg_seq == seqLast)
                    done = true;
                return true;
            });
    }
    // Without an ACK per message, silence means success, but only once the last one's ACK has
    // arrived (the kernel answers in order).
    for (std::size_t k = 0; k < count; ++k)
        if (!seen[k] && (!done || ackEvery_))
            results[seqFirst - seqBase + k].error = -ENOBUFS;
    return 0;
}

template <typename T, typename Parse>
SysResult<std::vector<T>> NetlinkClient::dump(uint16_t type, const char* what, Parse parse) {
    const int fd = mnl_socket_get_fd(sock_.get());
    for (int attempt = 0; attempt < kDumpRetries; ++attempt) {
        uint8_t req[64];
        nlmsghdr* nlh = mnl_nlmsg_put_header(req);
        nlh->nlmsg_type = type;
        nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
        nlh->nlmsg_seq = ++seq_;
        const uint32_t seq = nlh->nlmsg_seq;
        if (type == RTM_GETLINK) {
            auto* ifi = static_cast<ifinfomsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifinfomsg)));
            ifi->ifi_family = AF_UNSPEC;
            mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
        } else {
            auto* ifa = static_cast<ifaddrmsg*>(mnl_nlmsg_put_extra_header(nlh, sizeof(ifaddrmsg)));
            ifa->ifa_family = AF_UNSPEC;
        }
        if (mnl_socket_sendto(sock_.get(), nlh, nlh->nlmsg_len) < 0)
            return sysFail(errno, what);

        std::vector<T> out;
        bool finished = false, interrupted = false;
        int error = 0;
        while (!finished && !error) {
            const ssize_t n = recv(fd, rxBuf_.data(), rxBuf_.size(), 0);
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return sysFail(errno, what);
            }
            detail::forEachMessage(
                rxBuf_.data(), static_cast<std::size_t>(n), [&](const nlmsghdr* m) {
                    if (m->nlmsg_seq != seq)
                        return true;
                    if (m->nlmsg_flags & NLM_F_DUMP_INTR)
                        interrupted = true;
                    if (m->nlmsg_type == NLMSG_DONE) {
                        finished = true;
                        return false;
                    }
                    if (m->nlmsg_type == NLMSG_ERROR) {
                        error = -static_cast<const nlmsgerr*>(mnl_nlmsg_get_payload(m))->error;
                        return error == 0;
                    }
                    if (auto v = parse(m))
                        out.push_back(std::move(*v));
                    return true;
                });
        }
        if (error)
            return sysFail(error, what);
        if (!interrupted)
            return out;
        if (attempt + 1 < kDumpRetries) {
            const timespec pause{0, (1L << attempt) * 1'000'000L};
            nanosleep(&pause, nullptr);
        }
    }
    return sysFail(EINTR, std::string(what) + ": dump kept changing");
}

SysResult<std::vector<LinkInfo>> NetlinkClient::dumpLinks() {
    return dump<LinkInfo>(RTM_GETLINK, "netlink RTM_GETLINK dump", detail::parseLink);
}

SysResult<std::vector<AddressInfo>> NetlinkClient::dumpAddresses() {
    return dump<AddressInfo>(RTM_GETADDR, "netlink RTM_GETADDR dump", detail::parseAddress);
}

} // namespace hafd::io
