// SPDX-License-Identifier: Apache-2.0
// VRRP advertisement sockets, one per (interface, family) (PROTOCOL.md §2.3, DESIGN.md §10).
//
// Receive: a raw IP socket for protocol 112 bound to the interface with SO_BINDTODEVICE (never
// bind() to an address: it would then miss multicast adverts), IP(V6)_MULTICAST_ALL off so groups
// joined by other sockets are not delivered, the VRRP group joined only on request. It gets both
// multicast and unicast adverts of that interface; the caller tells them apart by
// RxMeta::destination. No IPV6_CHECKSUM on it: the kernel would silently drop bad checksums,
// which hafd verifies (proto::decode) and counts.
//
// Send: a separate socket that receives nothing. IPv4 builds the IP header itself (IP_HDRINCL via
// IPPROTO_RAW: TOS 0xc0, TTL 255, a per-socket ID counter, the source the caller gives). IPv6 lets
// the kernel fill the checksum (IPV6_CHECKSUM = 6) and pins source and egress interface with an
// IPV6_PKTINFO cmsg; hop limit 255 for multicast and unicast. Multicast loopback is off, so an
// instance never hears its own adverts through this socket.
//
// The egress interface is chosen per send, so one AdvertSocket serves the instances of its
// interface that send from a VMAC (macvlan) too: then the advert leaves with the VMAC as source
// MAC while its source IP stays the parent's primary / link-local.
#pragma once

#include "common/address.h"
#include "common/time.h"
#include "io/buffer.h"
#include "io/sys_error.h"
#include "io/unique_fd.h"
#include "proto/advert.h"
#include "proto/drop_reason.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hafd::io {

struct RxPacket {
    // When the kernel received the packet, on CLOCK_MONOTONIC (from its SO_TIMESTAMPNS stamp):
    // a backup's Master_Down_Timer runs from the advert's arrival, not from when the loop got
    // round to reading it.
    TimePoint arrived{};
    proto::RxMeta meta;                    // source, destination, TTL/hop limit, ifindex
    std::span<const uint8_t> payload;      // the VRRP message; points into the socket's buffer and
                                           // stays valid until the next receive()
    std::optional<proto::DropReason> drop; // set when the IPv4 header was malformed (payload empty)
};

class AdvertSocket {
public:
    // Opens the receive and send sockets for `ifname` (whose index is `ifindex`). Needs
    // CAP_NET_RAW. The group is not joined yet (joinGroup()).
    static SysResult<AdvertSocket> open(Family family, const std::string& ifname, uint32_t ifindex);

    AdvertSocket() = default;

    Family family() const { return family_; }
    const std::string& ifname() const { return ifname_; }
    uint32_t ifindex() const { return ifindex_; }
    // The receive socket (non-blocking): watch it for Read in the loop.
    int fd() const { return rx_.get(); }

    // Joins / leaves 224.0.0.18 or ff02::12 on the interface. Idempotent. 0 or -errno. Closing
    // the socket leaves the group too. If the interface is deleted (and maybe re-created), close
    // this socket and open a new one: SO_BINDTODEVICE and the membership refer to the old index.
    int joinGroup();
    int leaveGroup();
    bool joined() const { return joined_; }

    // Takes the next queued advert. Returns 1 with `out` filled, 0 when the queue is empty
    // (EAGAIN), or -errno.
    int receive(RxPacket& out);
    // Takes up to out.size() (at most kBatch) queued adverts in one system call. Returns how many
    // were taken (0: none queued) or -errno; fewer than asked means the queue is empty now, so a
    // backup hearing one advert per wake-up costs one call, not a second that finds nothing. The
    // payloads stay valid until the next receive().
    int receive(std::span<RxPacket> out);

    static constexpr std::size_t kBatch = 16;
    // A receive slot: larger than any VRRP advert (IPv6 with 255 addresses and an auth_hmac
    // trailer is 4 KiB); a longer datagram is dropped as a length mismatch.
    static constexpr std::size_t kSlotBytes = 8192;

    // Sends one VRRP message (as encoded by proto::encode, with the checksum computed for
    // `destination`; for IPv4 v3 unicast to several peers re-checksum with proto::setChecksum per
    // peer). `source`: the interface's primary IPv4 address / IPv6 link-local. `destination`: the
    // group or a unicast peer. `egressIfindex`: 0 for this socket's interface, or the VMAC's.
    // Returns 0 or -errno. -EADDRNOTAVAIL means the source address is not usable yet (an IPv6
    // link-local still tentative after link-up, or not configured): transient, retry later.
    // Sends whatever was queued first (see flush()).
    int send(std::span<const uint8_t> message, const IpAddress& source,
             const IpAddress& destination, uint32_t egressIfindex = 0);

    // Batched sending: queue() takes the arguments of send() and copies the message; flush()
    // sends everything queued with sendmmsg() (the adverts of a timer pass of many instances in
    // one system call, not one each) and returns each message's result in queue order (0 or
    // -errno, as send()), valid until the next queue(), send() or flush(). queue() itself
    // returns -errno for a message that cannot be sent at all (wrong family), which is then
    // not queued.
    int queue(std::span<const uint8_t> message, const IpAddress& source,
              const IpAddress& destination, uint32_t egressIfindex = 0);
    std::size_t queued() const { return pending_.size(); }
    std::span<const int> flush();
    // The same, unless the first message waited longer than `maxAge` since queue(): the
    // process was stopped or starved in between (SIGSTOP, a frozen VM) and what was decided
    // before may be wrong now. Then nothing is sent, and every result is -ESTALE.
    std::span<const int> flush(Duration maxAge);

private:
    int changeMembership(bool join);
    void parse(msghdr& msg, std::span<const uint8_t> data, RxPacket& out) const;

    Family family_ = Family::V4;
    std::string ifname_;
    uint32_t ifindex_ = 0;
    UniqueFd rx_;
    UniqueFd tx_;
    bool joined_ = false;
    uint16_t nextId_ = 1; // IPv4 identification, per socket, as keepalived
    Buffer rxBuf_;

    struct Pending {
        std::size_t offset = 0, length = 0; // in txBytes_
        uint8_t to[28] = {}; // sockaddr_in or sockaddr_in6 (not sockaddr_storage: 128 bytes)
        uint32_t toLength = 0;
        uint32_t egressIfindex = 0;
        uint8_t source[16] = {}; // IPv6: the IPV6_PKTINFO source
    };
    std::vector<uint8_t> txBytes_; // the queued messages back to back (IPv4: with IP header)
    std::vector<Pending> pending_;
    TimePoint firstQueuedAt_{}; // CLOCK_MONOTONIC, when pending_ got its first message
    std::vector<int> results_;
    // flush()'s sendmmsg() arguments, kept so that a timer pass does not allocate them anew.
    union TxControl {
        cmsghdr align;
        char buf[CMSG_SPACE(sizeof(in6_pktinfo))];
    };
    std::vector<mmsghdr> txMsgs_;
    std::vector<iovec> txIov_;
    std::vector<TxControl> txControl_;
};

} // namespace hafd::io
