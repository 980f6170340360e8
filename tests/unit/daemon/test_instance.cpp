// SPDX-License-Identifier: Apache-2.0
// The daemon's action executor (daemon::Instance) with fake ports: what each core action turns
// into at the kernel boundary, and when.
#include "daemon/instance.h"

#include "daemon/status.h"

#include "common/log.h"
#include "ctl/json.h"
#include "proto/advert.h"
#include "proto/auth.h"

#include "fakes.h"
#include "unit_test.h"

#include <cerrno>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

using namespace hafd;
using namespace hafd::daemon;
using namespace hafd::daemon::test;

namespace {

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

    // `vmac`: the VIPs go on interface 3, a VMAC of interface 2 (IPv6: with the parent's
    // link-local put on it while master).
    explicit Rig(config::Instance cfg, bool vmac = false) {
        announcer.clock = &now;
        sender.order = vips.order = announcer.order = &order;
        const bool v6 = cfg.family == Family::V6;
        instance = std::make_unique<Instance>(
            std::move(cfg), scheduler, vips, announcer,
            [this](const Instance&, const core::StateChanged& c) { changes.push_back(c); });
        Binding b;
        b.ifindex = 2;
        b.vipIfindex = vmac ? 3 : 2;
        if (vmac && v6)
            b.vmacSource = *Prefix::parse("fe80::1/64");
        b.mac = {2, 0, 0, 0, 0, 1};
        b.sender = &sender;
        b.faults = {};
        b.source = *IpAddress::parse(v6 ? "fe80::1" : "192.0.2.1");
        instance->bind(b);
        instance->handle(core::BindingChanged{b.faults, b.source, false}, now);
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
    config::Instance c = instanceConfig();
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

// Freeze (core::Stalled): a master stalled past its peers' shortest Master_Down_Interval leaves
// without a frame: no advert (not even priority 0), its VIPs removed, and the announcement rounds
// still paced for it cancelled. As a backup it sends nothing until its own timer claims again.
void a_stalled_master_steps_down_without_a_frame(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    assert_int_equal(r.announcer.rounds.size(), 1); // two more rounds are paced 10 ms apart
    r.sender.sent.clear();
    r.now += 1s;
    r.instance->handle(core::Stalled{1s}, r.now);
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Backup));
    assert_int_equal(r.changes.back().reason, static_cast<int>(core::Reason::Stalled));
    assert_int_equal(r.vips.calls.back().first, '-');
    assert_false(r.instance->vipsInstalled());
    const TimePoint downAt = r.now + r.instance->router().masterDownInterval();
    while (r.armed && *r.armed < downAt)
        r.step();
    assert_int_equal(r.sender.sent.size(), 0);
    assert_int_equal(r.announcer.rounds.size(), 1);
    r.becomeMaster(); // no master heard: it claims again by the usual rules
    assert_true(r.now == downAt);
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

// DESIGN.md §5: adverts that fail for one interval (a firewall dropping them: EPERM) are the
// fault cause "send": the master releases its VIPs, without a priority-0 advert. Failures are
// counted always and logged once per streak. Probes (VRID 0) go out once a second; the first
// that leaves brings the instance back to BACKUP.
void failed_sends_fault_the_master_until_a_probe_leaves(void**) {
    Rig r(baseConfig());
    r.becomeMaster();
    gLog.clear();
    log::setSink(captureSink);
    r.sender.result = -EPERM;
    r.sender.sent.clear();
    const TimePoint from = r.now;
    while (r.instance->router().state() == core::State::Master && r.now < from + 1s)
        r.step();
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Fault));
    assert_true(r.instance->router().faults() == core::FaultSet{core::FaultCause::Send});
    // The adverts at +100 and +200 ms failed: one interval of failures.
    assert_int_equal((r.now - from).count(), 200'000);
    assert_int_equal(r.vips.calls.back().first, '-');
    assert_false(r.instance->vipsInstalled());
    for (const auto& s : r.sender.sent)
        assert_int_equal(decodeSent(s).advert.priority, 150); // no priority 0 was tried
    assert_int_equal(logged("sending advert"), 1);
    assert_int_equal(logged("MASTER -> FAULT (fault: send)"), 1);
    // A probe a second later fails too; the next one leaves.
    r.sender.sent.clear();
    while (r.sender.sent.empty() && r.now < from + 2s)
        r.step(); // (a wake-up may find nothing due: the scheduler moves its timer lazily)
    assert_true(r.now == from + 1200ms);
    assert_int_equal(r.sender.sent.size(), 1);
    assert_int_equal(decodeSent(r.sender.sent[0]).advert.vrid, 0);
    r.sender.result = 0;
    while (r.sender.sent.size() < 2 && r.now < from + 3s)
        r.step();
    assert_true(r.now == from + 2200ms);
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Backup));
    assert_int_equal(logged("adverts leave again"), 1);
    assert_int_equal(logged("FAULT -> BACKUP (fault_cleared)"), 1);
    log::setSink(nullptr);
    const auto st = instanceStatus(*r.instance, r.now);
    assert_int_equal(st.counters.at("send_errors"), 3);
    assert_int_equal(st.faultsRaised.at("send"), 1);
}

// A probe leaves through the interface itself, not the VMAC: a node in FAULT must not put the
// parent's link-local on its VMAC (a backup's VMAC answering neighbour solicitations with the
// virtual MAC would pull the switch's port for it away from the master).
void probes_leave_through_the_interface_not_the_vmac(void**) {
    auto cfg = baseConfig();
    cfg.family = Family::V6;
    cfg.addresses = {*Prefix::parse("fe80::51"), *Prefix::parse("2001:db8::51")};
    cfg.vmac = true;
    Rig r(cfg, true);
    r.becomeMaster();
    assert_int_equal(r.sender.sent.back().egress, 3);
    r.sender.result = -EPERM;
    const TimePoint from = r.now;
    while (r.instance->router().state() == core::State::Master && r.now < from + 1s)
        r.step();
    const auto calls = r.vips.calls.size(); // the VIPs and the link-local went
    r.sender.sent.clear();
    while (r.sender.sent.empty() && r.now < from + 2s)
        r.step();
    assert_int_equal(r.sender.sent.size(), 1);
    assert_int_equal(decodeSent(r.sender.sent[0]).advert.vrid, 0);
    assert_int_equal(r.sender.sent[0].egress, 2);
    assert_int_equal(r.vips.calls.size(), calls); // nothing was put on the VMAC for it
}

// DESIGN.md §5: a VIP install the kernel refuses is retried 10, 40 and 160 ms later; then the
// instance resigns (priority 0 first), releases and goes to FAULT for "vips".
void install_failure_is_retried_then_faults_vips(void**) {
    Rig r(baseConfig());
    r.vips.installFails = true;
    r.becomeMaster();
    const TimePoint claimed = r.now;
    r.sender.sent.clear();
    while (r.instance->router().state() == core::State::Master && r.now < claimed + 1s)
        r.step();
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Fault));
    assert_int_equal((r.now - claimed).count(), 210'000);
    int installs = 0;
    for (const auto& c : r.vips.calls)
        installs += c.first == '+';
    assert_int_equal(installs, 4);
    assert_int_equal(r.vips.calls.back().first, '-');
    assert_int_equal(decodeSent(r.sender.sent.back()).advert.priority, 0);
    // Nothing was announced for VIPs that were never installed.
    assert_true(r.announcer.rounds.empty());
    const auto st = instanceStatus(*r.instance, r.now);
    assert_true(st.faults == std::vector<std::string>{"vips"});
    assert_int_equal(st.counters.at("vip_install_failures"), 4);
    // The cause clears after its hold-down: BACKUP, with nothing installed.
    r.vips.installFails = false;
    while (r.instance->router().state() == core::State::Fault && r.now < claimed + 2s)
        r.step();
    assert_true(r.now == claimed + 1210ms);
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Backup));
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
    st.instances.push_back(instanceStatus(*r.instance, r.now));
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

// --- authentication (AUTH_HMAC.md) -------------------------------------------------------------

std::shared_ptr<const proto::auth::Key> testKey(uint8_t fill) {
    auto k = proto::auth::Key::create(std::vector<uint8_t>(32, fill));
    assert_true(k.ok());
    return std::make_shared<const proto::auth::Key>(std::move(*k));
}

proto::auth::KeyRing testRing(uint8_t id = 1, uint8_t fill = 7) {
    return proto::auth::KeyRing({{id, testKey(fill)}}, id);
}

config::Instance authConfig(config::AuthMode mode) {
    auto c = baseConfig();
    config::Auth a;
    a.keys = {config::AuthKey{1, "/k", {}}};
    a.activeKey = 1;
    a.mode = mode;
    a.timeWindow = 5;
    c.auth = a;
    return c;
}

// An advert from `from` for the rig's VRID, signed with `key` (id `id`) unless `id` is 0, as
// the receiver hands it over: the payload and its decoding.
struct Incoming {
    std::vector<uint8_t> payload;
    proto::RxMeta meta;
};
Incoming advertFrom(const char* from, uint8_t priority, uint8_t id,
                    const proto::auth::Key* key = nullptr, int64_t seconds = 0) {
    proto::Advertisement a;
    a.vrid = 51;
    a.priority = priority;
    a.intervalCs = 10;
    a.addresses = {*IpAddress::parse("198.51.100.10")};
    Incoming in;
    in.meta = {*IpAddress::parse(from), *IpAddress::parse("224.0.0.18"), 255, 2};
    in.payload =
        proto::encode(a, proto::ChecksumForm::PseudoHeader, in.meta.source, in.meta.destination);
    if (id != 0) {
        const std::size_t n = in.payload.size();
        in.payload.resize(n + proto::auth::kTrailerLength);
        const int64_t t = seconds != 0 ? seconds : static_cast<int64_t>(std::time(nullptr));
        proto::auth::sign(in.payload, n, {proto::Version::V3, 51, in.meta.source}, id, *key,
                          proto::auth::clockSequence({t, 0}));
    }
    return in;
}

void deliver(Rig& r, const Incoming& in) {
    const auto d = proto::decode(in.payload, in.meta);
    assert_true(d.ok());
    r.instance->receive(in.payload, *d, in.meta, r.now);
}

uint64_t dropped(const Rig& r, const char* reason) {
    return instanceStatus(*r.instance, r.now).drops.at(reason);
}

void signed_adverts_carry_one_trailer_for_every_peer(void**) {
    auto cfg = authConfig(config::AuthMode::Enforce);
    cfg.unicastPeers = {*IpAddress::parse("192.0.2.2"), *IpAddress::parse("192.0.2.3")};
    Rig r(cfg);
    const auto ring = testRing();
    r.instance->setAuth(testRing());
    r.becomeMaster();
    assert_int_equal(r.sender.sent.size(), 2);
    const auto& a = r.sender.sent[0].message;
    const auto& b = r.sender.sent[1].message;
    assert_int_equal(a.size(), 12 + proto::auth::kTrailerLength);
    assert_true(std::equal(a.end() - 28, a.end(), b.end() - 28)); // one sequence, one HMAC
    for (const auto& s : r.sender.sent) {
        const auto d = decodeSent(s);
        assert_true(d.trailer);
        proto::auth::ReplayTable replay;
        const auto msg = std::span<const uint8_t>(s.message).first(12);
        const auto trailer = std::span<const uint8_t>(s.message).subspan(12).first<28>();
        assert_int_equal(proto::auth::verify(msg, trailer, {proto::Version::V3, 51, s.source}, ring,
                                             {}, std::time(nullptr), replay),
                         proto::auth::Verdict::Ok);
    }
    // receive-only sends plain VRRP.
    Rig plain(authConfig(config::AuthMode::ReceiveOnly));
    plain.instance->setAuth(testRing());
    plain.becomeMaster();
    assert_false(decodeSent(plain.sender.sent.at(0)).trailer);
}

// A forged or replayed advert never reaches the router: no transition, and the master's advert
// timer stays where it was (keepalived's master re-arms it on any packet).
void forged_adverts_move_no_timer_and_are_counted_by_reason(void**) {
    Rig r(authConfig(config::AuthMode::Enforce));
    r.instance->setAuth(testRing());
    r.becomeMaster();
    const auto deadline = r.instance->router().nextDeadline();
    const auto other = testKey(9);
    deliver(r, advertFrom("192.0.2.9", 254, 0));
    deliver(r, advertFrom("192.0.2.9", 254, 1, other.get())); // right id, wrong key
    deliver(r, advertFrom("192.0.2.9", 254, 4, other.get())); // a key id we lack
    deliver(r, advertFrom("192.0.2.9", 254, 1, testKey(7).get(), std::time(nullptr) - 60));
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Master));
    assert_true(r.instance->router().nextDeadline() == deadline);
    assert_int_equal(dropped(r, "auth_missing"), 1);
    assert_int_equal(dropped(r, "auth_bad_hmac"), 1);
    assert_int_equal(dropped(r, "auth_unknown_key"), 1);
    assert_int_equal(dropped(r, "auth_stale"), 1);
    // The real thing takes over once; the same bytes again are a replay.
    const auto genuine = advertFrom("192.0.2.9", 254, 1, testKey(7).get());
    deliver(r, genuine);
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Backup));
    deliver(r, genuine);
    assert_int_equal(dropped(r, "auth_replay"), 1);
}

void permissive_accepts_plain_vrrp_and_no_auth_drops_signed(void**) {
    Rig r(authConfig(config::AuthMode::Permissive));
    r.instance->setAuth(testRing());
    r.becomeMaster();
    deliver(r, advertFrom("192.0.2.9", 254, 0));
    assert_int_equal(static_cast<int>(r.instance->router().state()),
                     static_cast<int>(core::State::Backup));

    Rig none(baseConfig());
    none.becomeMaster();
    deliver(none, advertFrom("192.0.2.9", 254, 1, testKey(7).get()));
    assert_int_equal(static_cast<int>(none.instance->router().state()),
                     static_cast<int>(core::State::Master));
    assert_int_equal(dropped(none, "length_mismatch"), 1);
}

// Reload: a rotated key ring signs with the new active key, and the sequence goes on growing.
void rekeyed_instance_signs_with_the_new_key_and_keeps_its_sequence(void**) {
    Rig r(authConfig(config::AuthMode::Enforce));
    r.instance->setAuth(testRing());
    r.becomeMaster();
    const auto& first = r.sender.sent.back().message;
    const uint64_t before =
        proto::auth::trailerSequence(std::span<const uint8_t>(first).subspan(12).first<28>());
    r.instance->setAuth(proto::auth::KeyRing({{1, testKey(7)}, {2, testKey(8)}}, 2));
    r.sender.sent.clear();
    for (int i = 0; i < 20 && r.sender.sent.empty(); ++i) // announcement rounds come first
        r.step();
    const auto& next = r.sender.sent.at(0).message;
    assert_int_equal(next[12 + 1], 2);
    assert_true(proto::auth::after(
        proto::auth::trailerSequence(std::span<const uint8_t>(next).subspan(12).first<28>()),
        before));
}

} // namespace

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(becoming_master_sends_advert_then_installs_then_announces),
        cmocka_unit_test(announcement_rounds_are_paced_by_the_interval),
        cmocka_unit_test(unicast_sends_one_advert_per_peer_checksummed_for_it),
        cmocka_unit_test(shutdown_of_a_master_sends_priority_zero_and_removes_vips),
        cmocka_unit_test(a_stalled_master_steps_down_without_a_frame),
        cmocka_unit_test(vips_lost_while_master_are_restored_and_logged_only_if_missing),
        cmocka_unit_test(failed_sends_fault_the_master_until_a_probe_leaves),
        cmocka_unit_test(install_failure_is_retried_then_faults_vips),
        cmocka_unit_test(probes_leave_through_the_interface_not_the_vmac),
        cmocka_unit_test(one_log_line_per_transition),
        cmocka_unit_test(status_survives_the_json_round_trip),
        cmocka_unit_test(signed_adverts_carry_one_trailer_for_every_peer),
        cmocka_unit_test(forged_adverts_move_no_timer_and_are_counted_by_reason),
        cmocka_unit_test(permissive_accepts_plain_vrrp_and_no_auth_drops_signed),
        cmocka_unit_test(rekeyed_instance_signs_with_the_new_key_and_keeps_its_sequence),
    };
    return cmocka_run_group_tests_name("daemon-instance", tests, nullptr, nullptr);
}
