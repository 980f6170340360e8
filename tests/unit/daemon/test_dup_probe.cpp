// SPDX-License-Identifier: Apache-2.0
// Duplicate detection before a claim (daemon/dup_probe.h) with a fake ARP port: the rounds of
// RFC 5227 probes and their timing, the verdict a heard answer gives, and a probe that cannot
// run letting the claim go ahead.
#include "daemon/dup_probe.h"

#include "daemon/instance.h"
#include "daemon/status.h"

#include "common/log.h"

#include "fakes.h"
#include "unit_test.h"

#include <cerrno>
#include <memory>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;
using namespace hafd::daemon::test;

namespace {

std::vector<std::string> gLog;
void captureSink(log::Level level, std::string_view m) {
    gLog.push_back(std::string(log::levelName(level)) + ": " + std::string(m));
}
int logged(const std::string& needle) {
    int n = 0;
    for (const auto& l : gLog)
        n += l.find(needle) != std::string::npos;
    return n;
}

const proto::MacAddress kOurMac{2, 0, 0, 0, 0, 1};
const proto::MacAddress kOtherMac{2, 0, 0, 0, 0, 2};
constexpr uint32_t kIfindex = 2;

IpAddress ip(const char* text) {
    return *IpAddress::parse(text);
}

// Records what the room asked for; the test plays the other hosts through `heard`.
struct FakeArpPort : ArpPort {
    struct Listener : ArpListener {
        FakeArpPort& port;
        explicit Listener(FakeArpPort& p) : port(p) { ++port.open; }
        ~Listener() override { --port.open; }
        void drain() override {
            ++port.drains;
            for (const auto& p : port.queued)
                port.heard(p);
            port.queued.clear();
        }
    };
    struct Round {
        TimePoint at;
        uint32_t ifindex;
        proto::MacAddress mac;
        std::vector<IpAddress> vips;
    };
    const TimePoint* clock = nullptr;
    int open = 0; // listeners alive
    int drains = 0;
    std::vector<uint32_t> listened;
    std::vector<Round> rounds;
    Heard heard;
    std::vector<proto::ArpPacket> queued; // read only by drain(): an answer the loop had not read
    bool listenFails = false;
    int sendResult = 0; // 0: every frame; else -errno

    Result<std::unique_ptr<ArpListener>> listen(uint32_t ifindex, Heard h) override {
        listened.push_back(ifindex);
        if (listenFails)
            return Unexpected{
                Error{"socket(AF_PACKET, SOCK_RAW) for ARP: Operation not permitted"}};
        heard = std::move(h);
        return std::unique_ptr<ArpListener>(std::make_unique<Listener>(*this));
    }
    int probe(uint32_t ifindex, const proto::MacAddress& mac,
              std::span<const IpAddress> vips) override {
        rounds.push_back({*clock, ifindex, mac, {vips.begin(), vips.end()}});
        return sendResult != 0 ? sendResult : static_cast<int>(vips.size());
    }
};

proto::ArpPacket reply(const char* sender, const proto::MacAddress& mac) {
    proto::ArpPacket p;
    p.op = proto::ArpPacket::Op::Reply;
    p.sourceMac = p.senderMac = mac;
    p.senderIp = ip(sender);
    p.targetMac = kOurMac;
    return p;
}

config::Instance probingConfig() {
    config::Instance c = instanceConfig();
    c.addresses = {*Prefix::parse("198.51.100.10"), *Prefix::parse("198.51.100.11/24")};
    c.probeBeforeClaim = true;
    return c;
}

// One instance on interface 2 (MAC kOurMac; with `vmac`, its VIPs on a VMAC, interface 3),
// its probe hook wired to a DupProbe as the daemon wires it.
struct Rig {
    TimePoint now{};
    std::optional<TimePoint> armed;
    Scheduler scheduler{[this](std::optional<TimePoint> t) {
        armed = t;
    }};
    FakeSender sender;
    FakeVips vips;
    FakeAnnouncer announcer;
    FakeArpPort port;
    LinkTable links;
    Instances instances;
    std::unique_ptr<DupProbe> prober;
    std::vector<core::RunProbe> requests;

    explicit Rig(config::Instance cfg, bool vmac = false) {
        port.clock = &now;
        io::LinkInfo eth0;
        eth0.ifindex = kIfindex;
        eth0.name = "eth0";
        eth0.mac.assign(kOurMac.begin(), kOurMac.end());
        links.reset({eth0}, {});
        instances.push_back(
            std::make_unique<Instance>(std::move(cfg), scheduler, vips, announcer,
                                       [](const Instance&, const core::StateChanged&) {}));
        prober = std::make_unique<DupProbe>(scheduler, instances, links, port);
        Instance& i = *instances.back();
        i.setProbeHook([this](const Instance& in, const core::RunProbe& p) {
            requests.push_back(p);
            prober->run(in, p, now);
        });
        Binding b;
        b.ifindex = kIfindex;
        b.vipIfindex = vmac ? 3 : kIfindex;
        b.mac = vmac ? proto::virtualMac(Family::V4, 51) : kOurMac;
        b.sender = &sender;
        b.faults = {};
        b.source = ip("192.0.2.1");
        i.bind(b);
        i.handle(core::BindingChanged{b.faults, b.source, false}, now);
        i.handle(core::Startup{}, now);
    }
    Instance& instance() { return *instances.front(); }
    core::State state() { return instance().router().state(); }
    void step() {
        assert_true(armed.has_value());
        now = std::max(now, *armed);
        scheduler.fire(now);
    }
    // Steps until the instance asks for a probe (its Master_Down_Timer, from start-up).
    void untilProbe() {
        const std::size_t before = requests.size();
        for (int i = 0; i < 10 && requests.size() == before; ++i)
            step();
        assert_int_equal(requests.size(), before + 1);
    }
    uint64_t counter(const char* name) { return instanceStatus(instance(), now).counters.at(name); }
};

} // namespace

// RFC 5227 §2.1.1, shortened: 3 rounds 20 ms apart, the verdict 100 ms after the first; no
// answer, so the claim follows it.
static void no_answer_claims_after_three_rounds_and_the_wait(void**) {
    Rig r(probingConfig());
    r.untilProbe();
    const TimePoint started = r.now;
    assert_true(r.state() == core::State::Backup);
    assert_int_equal(r.port.open, 1);
    assert_int_equal(r.port.rounds.size(), 1); // the first round leaves at once
    while (r.state() != core::State::Master && r.now < started + 1s)
        r.step();
    assert_true(r.state() == core::State::Master);
    assert_true(r.now == started + DupProbe::kWait);
    assert_int_equal(r.port.rounds.size(), DupProbe::kProbes);
    for (std::size_t k = 0; k < r.port.rounds.size(); ++k) {
        const auto& round = r.port.rounds[k];
        assert_true(round.at == started + static_cast<int>(k) * DupProbe::kSpacing);
        assert_int_equal(round.ifindex, kIfindex);
        assert_true(round.mac == kOurMac);
        assert_int_equal(round.vips.size(), 2);
        assert_true(round.vips[0] == ip("198.51.100.10"));
        assert_true(round.vips[1] == ip("198.51.100.11"));
    }
    assert_int_equal(r.port.listened.size(), 1);
    assert_int_equal(r.port.listened[0], kIfindex);
    assert_int_equal(r.port.drains, 1); // a last look before the verdict
    assert_int_equal(r.port.open, 0);   // closed once the verdict is in
    assert_int_equal(r.counter("probes"), 1);
    assert_int_equal(r.counter("probe_errors"), 0);
    assert_int_equal(r.counter("dual_holders"), 0);
    assert_int_equal(logged("found no other holder in 100 ms"), 1);
}

// An answer from another MAC: a dual holder, said once, the claim held back at once; the next
// probe one Master_Down_Interval later, and a claim when that one finds nobody.
static void an_answer_from_another_mac_holds_the_claim_back(void**) {
    gLog.clear();
    Rig r(probingConfig());
    r.untilProbe();
    const TimePoint started = r.now;
    r.step(); // the second round
    r.now += 1ms;
    r.port.heard(reply("198.51.100.11", kOtherMac));
    r.port.heard(reply("198.51.100.10", kOtherMac)); // the same probe: said once
    r.step();
    assert_true(r.now < started + DupProbe::kWait); // no need to wait for the rest
    assert_true(r.state() == core::State::Backup);
    assert_int_equal(r.port.open, 0);
    assert_int_equal(r.counter("dual_holders"), 1);
    assert_int_equal(r.counter("probes"), 1);
    assert_int_equal(
        logged("warning: instance vi: 198.51.100.11 is in use by 02:00:00:00:00:02 (ARP reply): "
               "another node holds it; staying backup"),
        1);
    assert_int_equal(logged("is in use by"), 1);
    assert_true(r.instance().router().claim().stage ==
                core::VirtualRouter::ClaimStage::Conflict); // "dual_holder" in status
    // The next probe, one Master_Down_Interval later; nobody answers it.
    const TimePoint conflictAt = r.now;
    r.untilProbe();
    assert_true(r.now == conflictAt + r.instance().router().masterDownInterval());
    assert_int_equal(r.requests.back().id, 2);
    while (r.state() != core::State::Master && r.now < conflictAt + 2s)
        r.step();
    assert_true(r.state() == core::State::Master);
    assert_int_equal(r.counter("dual_holders"), 1);
    assert_int_equal(r.counter("probes"), 2);
}

// An answer the loop had not read when the wait ended still counts (the last look).
static void an_answer_queued_at_the_verdict_counts(void**) {
    Rig r(probingConfig());
    r.untilProbe();
    r.port.queued.push_back(reply("198.51.100.10", kOtherMac));
    for (int i = 0; i < 5 && r.port.open == 1; ++i)
        r.step();
    assert_int_equal(r.port.open, 0);
    assert_true(r.state() == core::State::Backup);
    assert_int_equal(r.counter("dual_holders"), 1);
}

// What is not another holder: this interface's own MAC, an address that is not probed, and
// another node's probe. The virtual MAC is another holder's: a backup holds no VIP on it.
static void only_another_hosts_use_of_a_probed_vip_is_a_conflict(void**) {
    const std::vector<IpAddress> vips = {ip("198.51.100.10"), ip("198.51.100.11")};
    assert_true(otherHolder(reply("198.51.100.11", kOtherMac), vips, kOurMac) ==
                ip("198.51.100.11"));
    assert_false(otherHolder(reply("198.51.100.10", kOurMac), vips, kOurMac).has_value());
    assert_false(otherHolder(reply("198.51.100.12", kOtherMac), vips, kOurMac).has_value());
    proto::ArpPacket probe = reply("0.0.0.0", kOtherMac);
    probe.op = proto::ArpPacket::Op::Request;
    probe.targetIp = ip("198.51.100.10");
    assert_false(otherHolder(probe, vips, kOurMac).has_value());
    proto::ArpPacket garp = reply("198.51.100.10", proto::virtualMac(Family::V4, 51));
    garp.op = proto::ArpPacket::Op::Request;
    assert_true(otherHolder(garp, vips, kOurMac).has_value());
}

// The answer our own MAC gives (a stray copy) keeps nothing back.
static void our_own_mac_is_no_conflict(void**) {
    Rig r(probingConfig());
    r.untilProbe();
    r.port.heard(reply("198.51.100.10", kOurMac));
    for (int i = 0; i < 5 && r.state() != core::State::Master; ++i)
        r.step();
    assert_true(r.state() == core::State::Master);
    assert_int_equal(r.counter("dual_holders"), 0);
}

// With a VMAC the probe still leaves from the interface, with its own MAC: a backup must not
// teach the switches that the virtual MAC is behind its port.
static void with_a_vmac_the_probe_uses_the_interfaces_own_mac(void**) {
    Rig r(probingConfig(), true);
    r.untilProbe();
    assert_int_equal(r.port.rounds.size(), 1);
    assert_int_equal(r.port.rounds[0].ifindex, kIfindex);
    assert_true(r.port.rounds[0].mac == kOurMac);
    assert_int_equal(r.port.listened[0], kIfindex);
}

// A probe that cannot run lets the claim go ahead at once, logged and counted.
static void a_probe_that_cannot_run_does_not_keep_the_vips_down(void**) {
    for (int which = 0; which < 2; ++which) {
        gLog.clear();
        Rig r(probingConfig());
        if (which == 0)
            r.port.listenFails = true;
        else
            r.port.sendResult = -ENETDOWN;
        r.untilProbe();
        const TimePoint started = r.now;
        if (r.state() != core::State::Master)
            r.step(); // the verdict is due at once: it may have come in the same pass
        assert_true(r.state() == core::State::Master);
        assert_true(r.now == started);
        assert_int_equal(r.port.open, 0);
        assert_int_equal(r.counter("probe_errors"), 1);
        assert_int_equal(r.counter("probes"), 1);
        assert_int_equal(r.counter("dual_holders"), 0);
        assert_int_equal(logged(which == 0 ? "error: instance vi: the ARP probe cannot run "
                                             "(socket(AF_PACKET, SOCK_RAW) for ARP: Operation "
                                             "not permitted): claiming without it"
                                           : "error: instance vi: the ARP probe cannot run "
                                             "(sending on eth0: Network is down)"),
                         1);
    }
}

// At most kMaxVips addresses per round, the first ones configured.
static void the_probe_is_bounded_to_the_first_vips(void**) {
    config::Instance c = probingConfig();
    c.addresses.clear();
    for (int k = 0; k < 40; ++k)
        c.addresses.push_back(*Prefix::parse("198.51.100." + std::to_string(10 + k)));
    Rig r(std::move(c));
    r.untilProbe();
    assert_int_equal(r.port.rounds[0].vips.size(), DupProbe::kMaxVips);
    assert_true(r.port.rounds[0].vips.back() == ip("198.51.100.41"));
}

// A loop that ran late sends its rounds late; the answers still get the time after the last.
static void a_late_loop_still_listens_after_the_last_round(void**) {
    Rig r(probingConfig());
    r.untilProbe();
    const TimePoint started = r.now;
    r.now = started + 500ms; // the second round's timer fires 480 ms late
    r.scheduler.fire(r.now);
    assert_int_equal(r.port.rounds.size(), 2);
    while (r.state() != core::State::Master && r.now < started + 2s)
        r.step();
    assert_int_equal(r.port.rounds.size(), 3);
    assert_true(r.port.rounds[2].at == started + 520ms);
    assert_true(r.now == started + 520ms + DupProbe::kWait - 2 * DupProbe::kSpacing);
}

// A newer request replaces the run under way (its listener closes; one verdict, the newer).
static void a_newer_request_replaces_the_run(void**) {
    Rig r(probingConfig());
    r.untilProbe();
    r.prober->run(r.instance(), core::RunProbe{r.requests.back().id}, r.now + 5ms);
    assert_int_equal(r.port.open, 1);
    assert_int_equal(r.port.listened.size(), 2);
    while (r.state() != core::State::Master)
        r.step();
    assert_int_equal(r.counter("probes"), 1);
    assert_int_equal(r.port.open, 0);
}

int main() {
    log::setSink(captureSink);
    log::setThreshold(log::Level::Info);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(no_answer_claims_after_three_rounds_and_the_wait),
        cmocka_unit_test(an_answer_from_another_mac_holds_the_claim_back),
        cmocka_unit_test(an_answer_queued_at_the_verdict_counts),
        cmocka_unit_test(only_another_hosts_use_of_a_probed_vip_is_a_conflict),
        cmocka_unit_test(our_own_mac_is_no_conflict),
        cmocka_unit_test(with_a_vmac_the_probe_uses_the_interfaces_own_mac),
        cmocka_unit_test(a_probe_that_cannot_run_does_not_keep_the_vips_down),
        cmocka_unit_test(the_probe_is_bounded_to_the_first_vips),
        cmocka_unit_test(a_late_loop_still_listens_after_the_last_round),
        cmocka_unit_test(a_newer_request_replaces_the_run),
    };
    return cmocka_run_group_tests_name("daemon-dup-probe", tests, nullptr, nullptr);
}
