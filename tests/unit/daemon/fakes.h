// SPDX-License-Identifier: Apache-2.0
// Hand-written fakes of the daemon's ports (daemon/ports.h) that record what they were asked
// (STYLE.md habit 6), shared by the daemon's unit tests.
#pragma once

#include "config/config.h"
#include "daemon/ports.h"
#include "daemon/vip_leases.h"

#include <cerrno>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon::test {

// The instance the daemon's unit tests start from: "vi" on eth0, VRID 51, adverts every 100 ms,
// one VIP 198.51.100.10; each test changes what it is about.
inline config::Instance instanceConfig(uint8_t priority = 150) {
    using namespace std::chrono_literals;
    config::Instance c;
    c.name = "vi";
    c.interface = "eth0";
    c.vrid = 51;
    c.priority = priority;
    c.advertInterval = 100ms;
    c.addresses = {*Prefix::parse("198.51.100.10")};
    return c;
}

struct Sent {
    std::vector<uint8_t> message;
    IpAddress source, destination;
    uint32_t egress;
};

// What reached the fakes, in order: "advert", "+", "-", "announce".
using Order = std::vector<std::string>;

// Queues while `batching` (as SocketSender during a timer pass) and reports on flush().
struct FakeSender : AdvertSender {
    std::vector<Sent> sent; // what left, in order
    int result = 0;
    bool batching = false;
    Order* order = nullptr;
    std::vector<std::pair<Sent, SendReport*>> queued;
    void send(std::span<const uint8_t> m, const IpAddress& s, const IpAddress& d, uint32_t e,
              SendReport& report) override {
        Sent one{{m.begin(), m.end()}, s, d, e};
        if (batching) {
            queued.emplace_back(std::move(one), &report);
            return;
        }
        flush();
        leave(one, report);
    }
    void flush() override {
        auto q = std::move(queued);
        queued.clear();
        for (auto& [one, report] : q)
            leave(one, *report);
    }
    void setBatching(bool on) override { batching = on; }
    void leave(const Sent& one, SendReport& report) {
        sent.push_back(one);
        if (order)
            order->push_back("advert");
        report.advertSent(one.destination, result);
    }
};

struct FakeVips : VipManager {
    std::vector<std::pair<char, uint32_t>> calls; // ('+'|'-', ifindex)
    unsigned newlyAdded = 1;
    bool installFails = false; // as the kernel refusing: EACCES with IPv6 disabled
    Order* order = nullptr;
    Result<unsigned> install(uint32_t ifindex, std::span<const Prefix>) override {
        calls.push_back({'+', ifindex});
        if (order)
            order->push_back("+");
        if (installFails)
            return Unexpected{Error{"2001:db8::51/128: Permission denied"}};
        return newlyAdded;
    }
    // The VMAC's advert source counts as an install ('+').
    Result<unsigned> installSource(uint32_t ifindex, const Prefix& address) override {
        return install(ifindex, {&address, 1});
    }
    Result<unsigned> remove(uint32_t ifindex, std::span<const Prefix> vips) override {
        calls.push_back({'-', ifindex});
        if (order)
            order->push_back("-");
        return static_cast<unsigned>(vips.size());
    }
    // Renewals ('r'), with what each was asked to renew; `renewFails` fails every VIP. With
    // `leases` and `clock` set, a renewal that works is noted there, as NetlinkVips does.
    std::vector<std::vector<Prefix>> renewed;
    bool renewFails = false;
    VipLeases* leases = nullptr;
    const TimePoint* clock = nullptr;
    std::vector<RenewFailure> renew(uint32_t ifindex, std::span<const Prefix> vips) override {
        calls.push_back({'r', ifindex});
        renewed.emplace_back(vips.begin(), vips.end());
        std::vector<RenewFailure> failed;
        for (const auto& v : vips) {
            if (renewFails)
                failed.push_back({v, "No such device"});
            else if (leases && clock)
                leases->renewed(ifindex, v, *clock);
        }
        return failed;
    }
};

struct FakeAnnouncer : Announcer {
    std::vector<TimePoint> rounds; // the scheduler time of each round
    TimePoint* clock = nullptr;
    Order* order = nullptr;
    int announce(uint32_t, const proto::MacAddress&, std::span<const IpAddress> vips,
                 bool) override {
        rounds.push_back(clock ? *clock : TimePoint{});
        if (order)
            order->push_back("announce");
        return static_cast<int>(vips.size());
    }
};

// One advert channel whose join the test controls (joinResult: 0 or -errno).
struct FakeChannel : AdvertChannel {
    FakeSender fake;
    int joinResult = 0;
    bool isJoined = false;
    int joins = 0;
    AdvertSender& sender() override { return fake; }
    int joinGroup() override {
        ++joins;
        isJoined = joinResult == 0;
        return joinResult;
    }
    bool joined() const override { return isJoined; }
};

} // namespace hafd::daemon::test
