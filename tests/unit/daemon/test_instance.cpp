// SPDX-License-Identifier: Apache-2.0
// The daemon's action executor (daemon::Instance) with fake ports: what each core action turns
// into at the kernel boundary, and when.
#include "daemon/instance.h"

#include "common/log.h"
#include "ctl/json.h"
#include "proto/advert.h"

#include "unit_test.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;

namespace {

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
    void leave(const Sent& one, SendReport& report) {
        sent.push_back(one);
        order->push_back("advert");
        report.advertSent(one.destination, result);
    }
};

struct FakeVips : VipManager {
    std::vector<std::pair<char, uint32_t>> calls; // ('+'|'-', ifindex)
    unsigned newlyAdded = 1;
    Order* order = nullptr;
    Result<unsigned> install(uint32_t ifindex, std::span<const Prefix>) override {
        calls.push_back({'+', ifindex});
        order->push_back("+");
        return newlyAdded;
    }
    Result<void> remove(uint32_t ifindex, std::span<const Prefix>) override {
        calls.push_back({'-', ifindex});
        order->push_back("-");
        return {};
    }
};

struct FakeAnnouncer : Announcer {
    std::vector<TimePoint> rounds; // the scheduler time of each round
    TimePoint* clock = nullptr;
    Order* order = nullptr;
    int announce(uint32_t, const proto::MacAddress&, std::span<const IpAddress> vips,
                 bool) override {
        rounds.push_back(*clock);
        order->push_back("announce");
        return static_cast<int>(vips.size());
    }
};

std::vector<std::string> gLog;
void captureSink(log::Level, std::string_view m) {
    gLog.emplace_back(m);
}
int logged(const std::string& needle) {
    int n = 0;
    for (const auto& l : gLog)
        n += l.find(needle) != std::string::npos;
    return n;
}

// One instance on a fake interface, with a scheduler whose hardware timer is the test's clock.
struct Rig {
    TimePoint now{};
    std::optional<TimePoint> armed;
    Scheduler scheduler{[this](std::optional<TimePoint> t) {
        armed = t;
    }};
    Order order;
    FakeSender sender;
    FakeVips vips;
    FakeAnnouncer announcer;
    std::vector<core::StateChanged> changes;
    std::unique_ptr<Instance> instance;

    explicit Rig(config::Instance cfg) {
        announcer.clock = &now;
        sender.order = vips.order = announcer.order = &order;
        instance = std::make_unique<Instance>(
            std::move(cfg), scheduler, vips, announcer,
            [this](const Instance&, const core::StateChanged& c) { changes.push_back(c); });
        Binding b;
        b.ifindex = 2;
        b.vipIfindex = 2;
        b.mac = {2, 0, 0, 0, 0, 1};
        b.sender = &sender;
        instance->bind(b);
        instance->handle(core::LinkChanged{true, *IpAddress::parse("192.0.2.1")}, now);
        instance->handle(core::Startup{}, now);
    }
    // Advances the clock to the next armed deadline and fires it, batching the adverts of the
    // pass as the daemon does.
    void step() {
        assert_true(armed.has_value());
        now = *armed;
        sender.batching = true;
        scheduler.fire(now);
        sender.batching = false;
        sender.flush();
    }
    void becomeMaster() {
        for (int i = 0; i < 10 && instance->router().state() != core::State::Master; ++i)
            step();
        assert_int_equal(static_cast<int>(instance->router().state()),
                         static_cast<int>(core::State::Master));
    }
};

config::Instance baseConfig() {
    config::Instance c;
    c.name = "vi";
    c.interface = "eth0";
    c.vrid = 51;
    c.priority = 150;
    c.advertInterval = 100ms;
    c.addresses = {*Prefix::parse("198.51.100.10")};
    c.announce.count = 3;
    c.announce.interval = 10ms;
    return c;
}

proto::Decoded decodeSent(const Sent& s) {
    proto::RxMeta meta{s.source, s.destination, 255, 2};
    auto d = proto::decode(s.message, meta);
    assert_true(d.ok());
    return *d;
}

void becoming_master_sends_advert_then_installs_then_announces(void**) {
    Rig r(baseConfig());
    const TimePoint start = r.now;
    r.becomeMaster();
    // Master_Down_Interval for priority 150 at 100 ms: 3 x 100 + 106/256 x 100 ms.
    assert_int_equal((r.now - start).count(), 341406);
    assert_int_equal(r.sender.sent.size(), 1);
    const auto d = decodeSent(r.sender.sent[0]);
    assert_int_equal(d.advert.priority, 150);
    assert_int_equal(d.advert.vrid, 51);
    assert_true(r.sender.sent[0].destination == vrrpMulticastGroup(Family::V4));
    assert_int_equal(r.vips.calls.size(), 1);
    assert_int_equal(r.vips.calls[0].first, '+');
    assert_int_equal(r.announcer.rounds.size(), 1); // the first round leaves at once
    assert_true(r.announcer.rounds[0] == r.now);
    assert_true(r.instance->vipsInstalled());
    assert_int_equal(r.changes.size(), 2); // INIT -> BACKUP -> MASTER
    // The advert was queued in the timer pass, yet left before the VIPs were installed.
    assert_true(r.order == Order({"advert", "+", "announce"}));
}

void announcement_rounds_are_paced_by_the_interval(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    const TimePoint master = r.now;
    // Two more rounds at +10 ms and +20 ms; adverts continue in between.
    while (r.announcer.rounds.size() < 3 && r.now < master + 50ms)
        r.step();
    assert_int_equal(r.announcer.rounds.size(), 3);
    assert_true(r.announcer.rounds[1] == master + 10ms);
    assert_true(r.announcer.rounds[2] == master + 20ms);
    // And no fourth round before the second burst (announce.delay, 5 s).
    while (r.now < master + 1s)
        r.step();
    assert_int_equal(r.announcer.rounds.size(), 3);
}

void unicast_sends_one_advert_per_peer_checksummed_for_it(void**) {
    auto cfg = baseConfig();
    cfg.unicastPeers = {*IpAddress::parse("192.0.2.2"), *IpAddress::parse("192.0.2.3")};
    Rig r(cfg);
    r.becomeMaster();
    assert_int_equal(r.sender.sent.size(), 2);
    for (std::size_t i = 0; i < 2; ++i) {
        const auto& s = r.sender.sent[i];
        assert_true(s.destination == cfg.unicastPeers[i]);
        decodeSent(s); // verifies the checksum against this peer's address
        // With the other peer as destination the pseudo-header checksum no longer matches.
        Sent other = s;
        other.destination = cfg.unicastPeers[1 - i];
        proto::RxMeta meta{other.source, other.destination, 255, 2};
        auto d = proto::decode(other.message, meta);
        assert_true(!d.ok() || d->checksumForm != proto::ChecksumForm::PseudoHeader);
    }
}

void shutdown_of_a_master_sends_priority_zero_and_removes_vips(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    r.sender.sent.clear();
    r.instance->handle(core::Shutdown{}, r.now);
    assert_int_equal(r.sender.sent.size(), 1);
    assert_int_equal(decodeSent(r.sender.sent[0]).advert.priority, 0);
    assert_int_equal(r.vips.calls.back().first, '-');
    assert_false(r.instance->vipsInstalled());
    // Pending announcement rounds are cancelled with the VIPs.
    const auto rounds = r.announcer.rounds.size();
    for (int i = 0; i < 5 && r.armed; ++i)
        r.step();
    assert_int_equal(r.announcer.rounds.size(), rounds);
}

void vips_lost_while_master_are_restored_and_logged_only_if_missing(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    gLog.clear();
    log::setSink(captureSink);
    r.vips.newlyAdded = 0; // the echo of our own removal: nothing was missing
    r.instance->handle(core::VipsLost{}, r.now);
    assert_int_equal(r.vips.calls.size(), 2);
    assert_int_equal(logged("removed by someone else"), 0);
    r.vips.newlyAdded = 1;
    r.instance->handle(core::VipsLost{}, r.now);
    assert_int_equal(r.vips.calls.size(), 3);
    assert_int_equal(logged("removed by someone else"), 1);
    log::setSink(nullptr);
}

void failed_sends_are_counted_always_and_logged_once_per_streak(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    gLog.clear();
    log::setSink(captureSink);
    r.sender.result = -EADDRNOTAVAIL;
    const TimePoint from = r.now;
    while (r.now < from + 1s)
        r.step();
    assert_int_equal(logged("sending advert"), 1);
    r.sender.result = 0;
    r.step();
    r.step();
    assert_int_equal(logged("adverts leave again"), 1);
    log::setSink(nullptr);
    const auto st = r.instance->status(r.now);
    assert_true(st.counters.at("send_errors") >= 9);
}

void one_log_line_per_transition(void**) {
    gLog.clear();
    log::setSink(captureSink);
    Rig r(baseConfig());
    r.becomeMaster();
    log::setSink(nullptr);
    assert_int_equal(logged("instance vi: INIT -> BACKUP (startup), priority 150"), 1);
    assert_int_equal(logged("instance vi: BACKUP -> MASTER (master_down), priority 150"), 1);
}

void status_survives_the_json_round_trip(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    ctl::Status st;
    st.version = "test";
    st.instances.push_back(r.instance->status(r.now));
    ctl::Status back;
    std::string error;
    assert_true(ctl::parseStatusReply(ctl::formatStatusReply(st), back, error));
    assert_int_equal(back.instances.size(), 1);
    const auto& i = back.instances[0];
    assert_string_equal(i.state.c_str(), "MASTER");
    assert_int_equal(i.priority, 150);
    assert_string_equal(i.vips.at(0).c_str(), "198.51.100.10/32");
    assert_true(i.vipsInstalled);
    assert_string_equal(i.lastTransitions.at(0).to.c_str(), "MASTER");
    assert_int_equal(i.drops.count("bad_checksum"), 1);
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(becoming_master_sends_advert_then_installs_then_announces),
        cmocka_unit_test(announcement_rounds_are_paced_by_the_interval),
        cmocka_unit_test(unicast_sends_one_advert_per_peer_checksummed_for_it),
        cmocka_unit_test(shutdown_of_a_master_sends_priority_zero_and_removes_vips),
        cmocka_unit_test(vips_lost_while_master_are_restored_and_logged_only_if_missing),
        cmocka_unit_test(failed_sends_are_counted_always_and_logged_once_per_streak),
        cmocka_unit_test(one_log_line_per_transition),
        cmocka_unit_test(status_survives_the_json_round_trip),
    };
    return cmocka_run_group_tests_name("daemon-instance", tests, nullptr, nullptr);
}
