// SPDX-License-Identifier: Apache-2.0
// Duplicate detection before a claim (DESIGN.md §4, probe_before_claim): for core::RunProbe the
// room sends RFC 5227 §2.1.1 ARP probes for the instance's IPv4 VIPs out of its interface and
// listens for ARP from another node that uses one of them; the verdict goes back to the
// instance as core::ProbeDone. The core then claims, or counts a dual holder and looks again
// one Master_Down_Interval later.
//
// The probe, and what it costs: kProbes rounds kSpacing apart, each one frame per VIP (the
// first kMaxVips IPv4 VIPs, in configured order), and the verdict kWait after the first round.
// A claim that follows a master failure is that much later; an answer ends the probe at once.
// RFC 5227 waits seconds (PROBE_WAIT, PROBE_MIN/MAX, ANNOUNCE_WAIT): a host on a LAN answers
// in well under a millisecond, so a tenth of a second with three tries against loss is the
// bound chosen here.
//
// What counts as another holder: an ARP request or reply whose sender IP is a probed VIP, sent
// by another host (not one this host sends: the socket skips those), whose sender hardware
// address is not this interface's MAC. A VMAC counts as another holder: a backup holds no VIP
// on its VMAC, so an answer from the virtual MAC comes from a node that still does (where two
// nodes use the VMAC, that is the only MAC the other holder answers with). Another node's probe
// (sender IP 0.0.0.0) claims nothing: two backups claiming together are VRRP's to settle.
//
// A probe that cannot run (no interface or MAC, a socket error, no frame sent) counts as "no
// other holder", logged as an error and counted (probe_errors): a broken probe must not keep
// the VIPs down; it only loses the extra check.
#pragma once

#include "common/address.h"
#include "common/result.h"
#include "common/time.h"
#include "core/actions.h"
#include "daemon/binder.h"
#include "daemon/links.h"
#include "daemon/scheduler.h"
#include "io/announcer.h"
#include "io/loop.h"
#include "proto/frames.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace hafd::daemon {

// Stops hearing when destroyed.
class ArpListener {
public:
    virtual ~ArpListener() = default;
    // Reads what is queued now (before the verdict).
    virtual void drain() = 0;
};

// The kernel side of a probe (STYLE.md habit 6): the real one is SocketArpPort, tests use fakes.
class ArpPort {
public:
    // One ARP packet from another host; it must not destroy the listener.
    using Heard = std::function<void(const proto::ArpPacket&)>;
    virtual ~ArpPort() = default;
    virtual Result<std::unique_ptr<ArpListener>> listen(uint32_t ifindex, Heard heard) = 0;
    // One probe per VIP out of `ifindex`: frames sent, or -errno.
    virtual int probe(uint32_t ifindex, const proto::MacAddress& mac,
                      std::span<const IpAddress> vips) = 0;
};

// io::ArpWatch to hear, the daemon's io::Announcer socket to send.
class SocketArpPort final : public ArpPort {
public:
    SocketArpPort(io::Loop& loop, io::Announcer& announcer) : loop_(loop), announcer_(announcer) {}
    Result<std::unique_ptr<ArpListener>> listen(uint32_t ifindex, Heard heard) override;
    int probe(uint32_t ifindex, const proto::MacAddress& mac,
              std::span<const IpAddress> vips) override {
        return announcer_.probe(ifindex, mac, vips);
    }

private:
    io::Loop& loop_;
    io::Announcer& announcer_;
};

// The VIP of `vips` that `packet` shows another host using, by the rule above; `ours` is the
// probing interface's MAC.
std::optional<IpAddress> otherHolder(const proto::ArpPacket& packet,
                                     std::span<const IpAddress> vips,
                                     const proto::MacAddress& ours);

class DupProbe {
public:
    static constexpr unsigned kProbes = 3;
    static constexpr Duration kSpacing = std::chrono::milliseconds(20);
    static constexpr Duration kWait = std::chrono::milliseconds(100); // first round to verdict
    static constexpr std::size_t kMaxVips = 32;
    static_assert(kWait > (kProbes - 1) * kSpacing);

    DupProbe(Scheduler& scheduler, Instances& instances, const LinkTable& links, ArpPort& port)
        : scheduler_(scheduler), instances_(instances), links_(links), port_(port) {}

    // Starts the probe `p` asks for; a newer request for the instance replaces one under way.
    // The verdict reaches the instance from the scheduler, never inside this call.
    void run(const Instance& instance, const core::RunProbe& p, TimePoint now);
    // Whether a probe runs for `instance` now.
    bool running(const std::string& instance) const;

private:
    struct Run {
        explicit Run(Scheduler& s, std::function<void(TimePoint)> cb) : timer(s, std::move(cb)) {}
        uint64_t id = 0;
        bool active = false;
        uint32_t ifindex = 0;
        proto::MacAddress mac{};
        std::vector<IpAddress> vips;
        TimePoint started{};
        unsigned rounds = 0; // rounds sent
        TimePoint lastRound{};
        bool failed = false; // the probe could not run: the verdict is "no other holder"
        bool conflict = false;
        std::unique_ptr<ArpListener> listener;
        Scheduler::Timer timer;
    };

    void start(Run& r, const Instance& instance);
    void heard(const std::string& name, const proto::ArpPacket& packet);
    void onTimer(const std::string& name, TimePoint now);
    void fail(Run& r, const std::string& name, const std::string& why);
    void finish(Run& r, const std::string& name, TimePoint now);
    static TimePoint verdictAt(const Run& r);
    Instance* find(const std::string& name) const;

    Scheduler& scheduler_;
    Instances& instances_;
    const LinkTable& links_;
    ArpPort& port_;
    // By instance name; a Run stays (inactive) after its verdict, as its timer called it: the
    // runs of instances that are gone are dropped at the next run().
    std::map<std::string, std::unique_ptr<Run>> runs_;
};

} // namespace hafd::daemon
