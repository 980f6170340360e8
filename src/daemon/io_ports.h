// SPDX-License-Identifier: Apache-2.0
// The real ports (daemon/ports.h) over the io layer.
#pragma once

#include "daemon/links.h"
#include "daemon/ports.h"
#include "daemon/vip_leases.h"
#include "io/advert_socket.h"
#include "io/announcer.h"
#include "io/netlink.h"
#include "io/runtime_dir.h"

#include <functional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon {

class SocketSender final : public AdvertSender {
public:
    explicit SocketSender(io::AdvertSocket& socket) : socket_(socket) {}
    void send(std::span<const uint8_t> message, const IpAddress& source,
              const IpAddress& destination, uint32_t egressIfindex, SendReport& report) override;
    void flush() override;
    void setBatching(bool on) override { batching_ = on; }

private:
    struct Waiting {
        SendReport* report;
        IpAddress destination;
        int result;
    };
    // Adverts of a timer pass are queued, then sent together at its end: microseconds later,
    // unless the process was stopped in between. Then they are not sent
    // (io::AdvertSocket::flush(maxAge)) once the wait reached the shortest staleAfter() of the
    // instances that queued them: a Master_Down_Interval of its peers, after which one of them
    // may be master and our advert would contest it (or a thawed master would send one).
    Duration staleAfter_ = Duration::max();
    io::AdvertSocket& socket_;
    bool batching_ = false;
    std::vector<Waiting> waiting_; // in the socket's queue order
    uint64_t withheld_ = 0;        // adverts not sent because they were queued before a stall
};

// Netlink batches, with the runtime directory's record of what hafd installed kept in step (it
// finds stale VIPs after a crash where the kernel has no IFA_PROTO). The record is written after
// the current actions, through `requestSave`: a file write never delays the announcements that
// follow an install.
//
// A batch whose outcome the kernel left unknown (a lost reply) or that failed to remove an
// address calls `uncertain`: the daemon then re-reads the addresses and removes what a backup
// should not hold (daemon/kernel_events.h).
//
// `leases` (daemon/vip_leases.h) follows every VIP installed, renewed and removed here, and gives
// the lifetime VIPs are installed with.
class NetlinkVips final : public VipManager {
public:
    NetlinkVips(io::NetlinkClient& netlink, const io::RuntimeDir& runtime, const LinkTable& links,
                VipLeases& leases, std::function<void()> requestSave,
                std::function<void()> uncertain)
        : netlink_(netlink), runtime_(runtime), links_(links), leases_(leases),
          requestSave_(std::move(requestSave)), uncertain_(std::move(uncertain)) {}

    Result<unsigned> install(uint32_t ifindex, std::span<const Prefix> vips) override;
    Result<unsigned> installSource(uint32_t ifindex, const Prefix& address) override;
    Result<unsigned> remove(uint32_t ifindex, std::span<const Prefix> vips) override;
    std::vector<RenewFailure> renew(uint32_t ifindex, std::span<const Prefix> vips) override;

    // The record: what hafd installed and has not removed, by interface name, including what an
    // earlier run left and is not dealt with yet (daemon/stale_vips.h).
    bool recorded(const std::string& ifname, const Prefix& vip) const {
        return record_.contains({ifname, vip});
    }
    // Whether hafd installed `address`, on the interface named `ifname`: marked with IFA_PROTO
    // (Linux >= 6.1) or in the record. Never an operator's address, an owner's VIPs included.
    bool installedByUs(const io::AddressInfo& address, const std::string& ifname) const {
        return address.installedByHafd() || recorded(ifname, address.prefix);
    }
    void record(const std::string& ifname, const Prefix& vip);
    void forget(const std::string& ifname, const Prefix& vip);
    // Empties the record (at start, before the earlier run's is dealt with).
    void clearRecord();
    // Writes the record if it changed since the last write.
    void saveRecord();

private:
    // One add batch; `leased`: VIPs, with the lease, followed in leases_.
    Result<unsigned> add(uint32_t ifindex, std::span<const Prefix> vips, bool leased);
    // Whether hafd installed `vip`, present on `ifindex` (before this run's record of it).
    bool oursOn(uint32_t ifindex, const std::string& ifname, const Prefix& vip) const;
    void changed();

    io::NetlinkClient& netlink_;
    const io::RuntimeDir& runtime_;
    const LinkTable& links_;
    VipLeases& leases_;
    std::function<void()> requestSave_;
    std::function<void()> uncertain_;
    // (ifname, VIP): a set, so that recording 1000 VIPs is not a quadratic search between an
    // install and its announcement.
    std::set<std::pair<std::string, Prefix>> record_;
    bool dirty_ = false;
};

class FrameAnnouncer final : public Announcer {
public:
    explicit FrameAnnouncer(io::Announcer& announcer) : announcer_(announcer) {}
    int announce(uint32_t ifindex, const proto::MacAddress& mac, std::span<const IpAddress> vips,
                 bool router) override {
        return announcer_.announce(ifindex, mac, vips, router);
    }

private:
    io::Announcer& announcer_;
};

} // namespace hafd::daemon
