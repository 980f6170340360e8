// SPDX-License-Identifier: Apache-2.0
// The real ports (daemon/ports.h) over the io layer.
#pragma once

#include "daemon/links.h"
#include "daemon/ports.h"
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
    // While on, send() queues; the daemon turns it on for a timer pass and flushes after.
    void setBatching(bool on) { batching_ = on; }

private:
    io::AdvertSocket& socket_;
    bool batching_ = false;
    std::vector<std::pair<SendReport*, IpAddress>> waiting_; // in the socket's queue order
};

// Netlink batches, with the runtime directory's record of what hafd installed kept in step (it
// finds stale VIPs after a crash where the kernel has no IFA_PROTO). The record is written after
// the current actions, through `requestSave`: a file write never delays the announcements that
// follow an install.
class NetlinkVips final : public VipManager {
public:
    NetlinkVips(io::NetlinkClient& netlink, const io::RuntimeDir& runtime, const LinkTable& links,
                std::function<void()> requestSave)
        : netlink_(netlink), runtime_(runtime), links_(links),
          requestSave_(std::move(requestSave)) {}

    Result<unsigned> install(uint32_t ifindex, std::span<const Prefix> vips) override;
    Result<void> remove(uint32_t ifindex, std::span<const Prefix> vips) override;

    // Forgets every record (after stale VIPs were removed at start).
    void clearRecord();
    // Writes the record if it changed since the last write.
    void saveRecord();

private:
    void changed();

    io::NetlinkClient& netlink_;
    const io::RuntimeDir& runtime_;
    const LinkTable& links_;
    std::function<void()> requestSave_;
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
