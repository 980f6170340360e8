// SPDX-License-Identifier: Apache-2.0
// rtnetlink requests with libmnl (DESIGN.md §3, §10; TOOLCHAIN.md §2): VIP addresses added or
// removed in one acknowledged batch, and dumps of links and addresses. Synchronous: the kernel
// handles a batch inside sendmsg(), so a call returns within milliseconds, even for 1000
// addresses; call it from the loop.
#pragma once

#include "common/address.h"
#include "io/buffer.h"
#include "io/sys_error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

struct mnl_socket;

namespace hafd::io {

// An owned libmnl socket (closed on destruction).
struct MnlSocketClose {
    void operator()(mnl_socket* s) const;
};
using MnlSocket = std::unique_ptr<mnl_socket, MnlSocketClose>;

// IFA_PROTO (Linux >= 6.1) on every address hafd installs, so stale VIPs left by a crash can be
// told from an operator's addresses. The kernel uses 0..3 (unspec, kernel_lo, kernel_ra,
// kernel_ll); 104 is 'h'. Name it for `ip` with "104 hafd" in /etc/iproute2/rt_addrprotos.d/.
// Older kernels ignore the attribute (and then hafd relies on the runtime-directory record).
inline constexpr uint8_t kIfaProtoHafd = 104;

// The kernel's "forever" lifetime.
inline constexpr uint32_t kInfiniteLifetime = 0xffffffff;

struct LinkInfo {
    uint32_t ifindex = 0;
    std::string name;
    uint32_t flags = 0;         // IFF_* incl. IFF_UP, IFF_RUNNING, IFF_LOWER_UP
    std::vector<uint8_t> mac;   // IFLA_ADDRESS (6 bytes on Ethernet; empty if none)
    std::string kind;           // IFLA_INFO_KIND: "veth", "macvlan", "bridge"...; "" for plain NICs
    uint32_t parentIfindex = 0; // IFLA_LINK (a macvlan's or veth's lower device), 0 if none
    uint32_t mtu = 0;
    uint8_t operState = 0; // IF_OPER_* (RFC 2863)

    bool adminUp() const; // IFF_UP
    bool carrier() const; // IFF_LOWER_UP: the link has carrier
    bool running() const; // IFF_RUNNING: operationally up
};

struct AddressInfo {
    uint32_t ifindex = 0;
    Prefix prefix;                // the local address (IFA_LOCAL, else IFA_ADDRESS) / prefix length
    uint32_t flags = 0;           // IFA_F_* (IFA_FLAGS if present): SECONDARY, TENTATIVE, NODAD...
    uint8_t scope = 0;            // RT_SCOPE_*: 0 universe, 253 link, 254 host
    std::optional<uint8_t> proto; // IFA_PROTO when the kernel reports one
    uint32_t validLifetime = kInfiniteLifetime;     // seconds left
    uint32_t preferredLifetime = kInfiniteLifetime; // seconds left

    bool installedByHafd() const { return proto == kIfaProtoHafd; }
    bool secondary() const; // IFA_F_SECONDARY
    bool tentative() const; // IFA_F_TENTATIVE: IPv6 DAD not finished, not usable as source
};

// A kernel lease on an address (DESIGN.md §4): the kernel removes it `validSeconds` after the
// last add/refresh. kInfiniteLifetime for either means no limit.
struct Lifetime {
    uint32_t validSeconds = kInfiniteLifetime;
    uint32_t preferredSeconds = kInfiniteLifetime;
};

struct AddOptions {
    // Sets IFA_CACHEINFO; none: permanent.
    std::optional<Lifetime> lifetime;
    // false: an address already present is left exactly as it is (result: noop).
    // true (NLM_F_REPLACE): an address already present is updated, its lifetime refreshed. Only
    // for addresses hafd knows it installed: it would also rewrite an operator's address.
    bool replace = false;
};

// The outcome of one address of a batch.
struct AddressResult {
    int error = 0;     // 0 or -errno (-ENOBUFS: the reply was lost, outcome unknown: re-dump)
    bool noop = false; // error == 0 and nothing changed: add found it present / remove found it
                       // absent
};

class NetlinkClient {
public:
    // A NETLINK_ROUTE socket with a 4 MiB receive buffer (SO_RCVBUFFORCE, needs CAP_NET_ADMIN;
    // smaller batches are sent without it).
    static SysResult<NetlinkClient> open();

    NetlinkClient() = default;

    // The port id of this socket. The kernel copies it into nlmsg_pid of the IPv4 address events
    // our requests cause (IPv6 address events always carry 0: tell hafd's apart by IFA_PROTO).
    uint32_t portId() const;

    // Adds `prefixes` to interface `ifindex` in one batch, each with IFA_PROTO = kIfaProtoHafd,
    // IPv6 ones with IFA_F_NODAD. The result has one entry per prefix, in order. The whole call
    // fails only if the request could not be sent at all.
    SysResult<std::vector<AddressResult>> addAddresses(uint32_t ifindex,
                                                       std::span<const Prefix> prefixes,
                                                       const AddOptions& options = {});
    // Removes `prefixes` (address and prefix length must match) from `ifindex` in one batch.
    SysResult<std::vector<AddressResult>> removeAddresses(uint32_t ifindex,
                                                          std::span<const Prefix> prefixes);

    // Every link / address of the namespace (retried if the kernel flags the dump inconsistent).
    SysResult<std::vector<LinkInfo>> dumpLinks();
    SysResult<std::vector<AddressInfo>> dumpAddresses();

    // Removes the kernel's neighbour entry (ARP, IPv6 ND) for `address` on `ifindex` when it is
    // unresolved (INCOMPLETE or FAILED), so that the next packet to it starts a resolution at
    // once instead of at the entry's next retransmission (up to retrans_time, 1 s by default,
    // after a carrier loss). 1: removed; 0: none, or resolved or static (left alone); -errno.
    int forgetUnresolvedNeighbour(uint32_t ifindex, const IpAddress& address);

    // For the benchmark in tests/io only: ask an ACK for every message instead of the last one.
    void setAckEveryMessageForTest(bool on) { ackEvery_ = on; }

private:
    SysResult<std::vector<AddressResult>>
    batch(bool add, uint32_t ifindex, std::span<const Prefix> prefixes, const AddOptions& options);
    // Sends the messages in `buf` (sequence numbers seqFirst..seqLast) and records their
    // outcomes in results[seq - seqBase]. 0, or -errno if sendmsg() failed.
    int sendChunk(const std::vector<uint8_t>& buf, uint32_t seqFirst, uint32_t seqLast, bool add,
                  std::vector<AddressResult>& results, uint32_t seqBase);
    template <typename T, typename Parse>
    SysResult<std::vector<T>> dump(uint16_t type, const char* what, Parse parse);
    int awaitNeighbourReply(uint32_t seq);

    MnlSocket sock_;
    uint32_t seq_ = 0;
    std::size_t maxMsgsPerChunk_ = 0;
    bool ackEvery_ = false;
    Buffer rxBuf_;
    std::vector<uint8_t> txBuf_; // one batch chunk, reused
};

} // namespace hafd::io
