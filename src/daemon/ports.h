// SPDX-License-Identifier: Apache-2.0
// The seams between the daemon's instances and the kernel (STYLE.md habit 6): small interfaces the
// io layer implements for real (daemon/io_ports.cpp) and tests implement with fakes that record
// what they were asked.
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "common/time.h"
#include "core/fault.h"
#include "proto/frames.h"

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hafd::daemon {

// Learns the outcome of the adverts it sent: 0 or -errno; -EADDRNOTAVAIL: the source address is
// not usable yet (retry later).
class SendReport {
public:
    // -ESTALE: not sent, because the process was held up between queueing and sending for
    // longer than staleAfter() (the stall watch then decides what this node is).
    virtual void advertSent(const IpAddress& destination, int result) = 0;
    // How late a queued advert may still leave: past this its peers may have replaced us.
    virtual Duration staleAfter() const { return Duration::max(); }

protected:
    ~SendReport() = default;
};

// Sends VRRP messages out of one interface (an io::AdvertSocket).
class AdvertSender {
public:
    virtual ~AdvertSender() = default;
    // Sends one message now, or, while the daemon batches a timer pass, queues it until flush()
    // (the pass's adverts then leave in one system call). `report` learns the result exactly
    // once and must live until then.
    virtual void send(std::span<const uint8_t> message, const IpAddress& source,
                      const IpAddress& destination, uint32_t egressIfindex, SendReport& report) = 0;
    // Sends what is queued and reports each result. An instance flushes before it touches its
    // VIPs, so its advert never trails the address changes that follow it.
    virtual void flush() = 0;
    // While on, send() queues (the daemon turns it on for a timer pass and flushes after).
    virtual void setBatching(bool on) = 0;
};

// One advert socket (an interface and a family), shared by the instances bound to it: what the
// binder needs of it. The daemon's channels are daemon::Socket (sockets.h); tests use fakes.
class AdvertChannel {
public:
    virtual ~AdvertChannel() = default;
    virtual AdvertSender& sender() = 0;
    // Joins the VRRP multicast group (idempotent): 0 or -errno.
    virtual int joinGroup() = 0;
    virtual bool joined() const = 0;
};

// A VIP whose kernel lease could not be renewed, and why ("No such device").
struct RenewFailure {
    Prefix vip;
    std::string reason;
};

// Adds and removes VIPs, each set in one acknowledged netlink batch. With a kernel lease on
// VIPs (`cluster`, daemon/vip_leases.h) the VIPs carry it: those added, and those of ours found
// already there, which are renewed.
class VipManager {
public:
    virtual ~VipManager() = default;
    // Returns how many of `vips` were not there before (0: all were already present).
    virtual Result<unsigned> install(uint32_t ifindex, std::span<const Prefix> vips) = 0;
    // An address that is not a VIP (an IPv6 VMAC's advert source, ports.h Binding): added like
    // one, but permanent and never renewed.
    virtual Result<unsigned> installSource(uint32_t ifindex, const Prefix& address) = 0;
    // Returns how many of `vips` were there and are gone now (0: none was present).
    virtual Result<unsigned> remove(uint32_t ifindex, std::span<const Prefix> vips) = 0;
    // Renews the kernel lease of `vips`, VIPs hafd holds on `ifindex`, in one batch (replacing
    // them with the current lease, or permanent without one). Returns the ones that failed.
    virtual std::vector<RenewFailure> renew(uint32_t ifindex, std::span<const Prefix> vips) = 0;
};

// Sends one round of gratuitous ARPs / unsolicited NAs.
class Announcer {
public:
    virtual ~Announcer() = default;
    // Returns the number of frames sent, or -errno.
    virtual int announce(uint32_t ifindex, const proto::MacAddress& mac,
                         std::span<const IpAddress> vips, bool router) = 0;
};

// Everything an instance needs from the outside, for its current interface binding (the
// binder's work, daemon/binder.h).
struct Binding {
    uint32_t ifindex = 0;    // the interface the instance runs on (0: not present)
    uint32_t vipIfindex = 0; // where VIPs go and announcements leave: the VMAC or ifindex
    proto::MacAddress mac{}; // source MAC of announcements: the VMAC or the interface's
    bool routerFlag = false; // IPv6: NA with R=1 (forwarding on, as keepalived)
    AdvertSender* sender = nullptr;
    // An IPv6 VMAC: the parent's link-local, which adverts leave from. It is put on the VMAC
    // only while master (before the first advert, removed with the VIPs), so a backup's VMAC
    // holds no address and never answers neighbour discovery with the shared virtual MAC.
    std::optional<Prefix> vmacSource;
    // What the router was told of this binding (core::BindingChanged): the binder's fault
    // causes, the advert source address and whether the VIPs are the interface's own.
    core::FaultSet faults{core::FaultCause::Link};
    IpAddress source;
    bool owner = false;
};

} // namespace hafd::daemon
