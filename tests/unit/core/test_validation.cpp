// SPDX-License-Identifier: Apache-2.0
// Instance-level validation of received adverts (RFC 9568 §7.1, RFC 3768 §7.1; PROTOCOL.md §3.4;
// DESIGN.md §10 "drop or log"): every drop reason is counted, reported as Dropped, and leaves the
// state machine untouched (a backup's timer keeps running). A different address list is
// accepted.
#include "router_fixture.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;
using proto::DropReason;

namespace {

uint64_t drops(const VirtualRouter& r, DropReason reason) {
    return r.counters().drops[static_cast<std::size_t>(reason)];
}

// Delivers `e` to a backup at kT0 + 1 s, checks the rendering, that nothing was accepted and
// that the Master_Down_Timer still runs from start-up.
void expectDropped(const config::Instance& inst, const Event& e, const char* rendered,
                   DropReason reason) {
    VirtualRouter r = started(inst);
    const TimePoint deadline = *r.nextDeadline();
    assert_string_equal(render(r.handle(e, kT0 + 1s)).c_str(), rendered);
    assert_int_equal(drops(r, reason), 1);
    assert_int_equal(r.counters().advertsIn, 0);
    assert_true(*r.nextDeadline() == deadline);
}

// Delivers `e` to a backup at kT0 + 1 s and checks it was accepted (B4 reset the timer).
void expectAccepted(const config::Instance& inst, const Event& e) {
    VirtualRouter r = started(inst);
    (void)r.handle(e, kT0 + 1s);
    assert_int_equal(r.counters().advertsIn, 1);
    assert_int_equal(deadlineIn(r, kT0 + 1s), us(r.masterDownInterval()));
}

config::Instance v2(proto::V2AuthType auth = proto::V2AuthType::None, const char* pass = "") {
    config::Instance inst = instance(100);
    inst.version = proto::Version::V2;
    inst.v2AuthType = auth;
    inst.v2Password = pass;
    return inst;
}

AdvertBuilder v2Advert(const char* source, uint8_t priority) {
    return advert(source, priority).version(proto::Version::V2);
}

AdvertBuilder withPassword(AdvertBuilder b, const char* bytes8) {
    b.decoded.advert.authType = proto::V2AuthType::SimplePassword;
    for (std::size_t i = 0; i < 8; ++i)
        b.decoded.advert.authData[i] = static_cast<uint8_t>(bytes8[i]);
    return b;
}

} // namespace

static void version_mismatch_is_dropped_and_reported(void**) {
    // PROTOCOL.md §6 item 4: a v2 keepalived beside a v3 hafd. Reported, then dropped.
    expectDropped(instance(100), v2Advert("192.0.2.10", 150).event(),
                  "diff(version 3/2) drop(version_mismatch)", DropReason::VersionMismatch);
}

static void v2_interval_mismatch_is_dropped(void**) {
    // RFC 3768 §7.1: MUST discard.
    expectDropped(v2(), v2Advert("192.0.2.10", 150).interval(200).event(),
                  "diff(interval 1s/2s) drop(interval_mismatch)", DropReason::IntervalMismatch);
}

static void v3_interval_difference_is_accepted_and_reported(void**) {
    VirtualRouter r = started(instance(100));
    assert_string_equal(
        render(r.handle(advert("192.0.2.10", 150).interval(200).event(), kT0 + 1s)).c_str(),
        "diff(interval 1s/2s)");
    assert_int_equal(r.counters().advertsIn, 1);
}

static void v2_auth_type_mismatch_is_dropped(void**) {
    expectDropped(v2(proto::V2AuthType::SimplePassword, "secret12"),
                  v2Advert("192.0.2.10", 150).event(), "drop(auth_mismatch)",
                  DropReason::AuthMismatch);
    expectDropped(v2(), withPassword(v2Advert("192.0.2.10", 150), "secret12").event(),
                  "drop(auth_mismatch)", DropReason::AuthMismatch);
}

static void v2_password_compares_eight_zero_padded_bytes(void**) {
    const auto pass = v2(proto::V2AuthType::SimplePassword, "secret12");
    expectAccepted(pass, withPassword(v2Advert("192.0.2.10", 150), "secret12").event());
    expectDropped(pass, withPassword(v2Advert("192.0.2.10", 150), "secret13").event(),
                  "drop(auth_mismatch)", DropReason::AuthMismatch);
    // Only the first 8 characters count (keepalived, PROTOCOL.md §4.2).
    expectAccepted(v2(proto::V2AuthType::SimplePassword, "secret12345"),
                   withPassword(v2Advert("192.0.2.10", 150), "secret12").event());
    // A short password is zero-padded: trailing bytes must be zero.
    const auto shortPass = v2(proto::V2AuthType::SimplePassword, "abc");
    expectAccepted(shortPass, withPassword(v2Advert("192.0.2.10", 150), "abc\0\0\0\0\0").event());
    expectDropped(shortPass, withPassword(v2Advert("192.0.2.10", 150), "abc\0\0\0\0x").event(),
                  "drop(auth_mismatch)", DropReason::AuthMismatch);
}

static void v2_auth_data_is_ignored_without_authentication(void**) {
    // RFC 3768 §5.3.10: auth data SHOULD be ignored on receipt with type 0.
    auto b = v2Advert("192.0.2.10", 150);
    b.decoded.advert.authData = {1, 2, 3, 4, 5, 6, 7, 8};
    expectAccepted(v2(), b.event());
}

static void multicast_instance_drops_unicast_advert(void**) {
    expectDropped(instance(100), advert("192.0.2.10", 150).destination("192.0.2.9").event(),
                  "drop(mode_mismatch)", DropReason::ModeMismatch);
}

static void unicast_instance_drops_multicast_advert(void**) {
    config::Instance inst = instance(100);
    inst.unicastPeers = {ip("192.0.2.10")};
    expectDropped(inst, advert("192.0.2.10", 150).event(), "drop(mode_mismatch)",
                  DropReason::ModeMismatch);
}

static void unicast_instance_drops_non_peer(void**) {
    config::Instance inst = instance(100);
    inst.unicastPeers = {ip("192.0.2.10"), ip("192.0.2.11")};
    expectDropped(inst, advert("192.0.2.12", 150).destination("192.0.2.9").event(),
                  "drop(not_a_peer)", DropReason::NotAPeer);
    expectAccepted(inst, advert("192.0.2.11", 150).destination("192.0.2.9").event());
}

// DESIGN.md §10: IPv4 unicast adverts need TTL 255 unless unicast_min_ttl relaxes it; IPv6
// unicast hop limits are not checked (keepalived sends 64).
static void unicast_ipv4_needs_ttl_255_unless_relaxed(void**) {
    config::Instance inst = instance(100);
    inst.unicastPeers = {ip("192.0.2.10")};
    auto b = advert("192.0.2.10", 150).destination("192.0.2.9");
    b.meta.hopLimit = 64;
    expectDropped(inst, b.event(), "drop(bad_ttl)", DropReason::BadTtl);
    b.meta.hopLimit = 254;
    expectDropped(inst, b.event(), "drop(bad_ttl)", DropReason::BadTtl);
    inst.unicastMinTtl = 254; // one router in between
    expectAccepted(inst, b.event());
    b.meta.hopLimit = 253;
    expectDropped(inst, b.event(), "drop(bad_ttl)", DropReason::BadTtl);
}

static void unicast_ipv6_takes_any_hop_limit(void**) {
    config::Instance inst = instance(100);
    inst.family = Family::V6;
    inst.addresses = {Prefix{ip("fe80::100"), 128}};
    inst.unicastPeers = {ip("fe80::10")};
    auto b = advert("fe80::10", 150).destination("fe80::9");
    b.decoded.advert.family = Family::V6;
    b.decoded.advert.addresses = {ip("fe80::100")};
    b.meta.hopLimit = 64;
    VirtualRouter r(inst);
    (void)r.handle(BindingChanged{{}, ip("fe80::9"), false}, kT0);
    (void)r.handle(Startup{}, kT0);
    (void)r.handle(b.event(), kT0 + 1s);
    assert_int_equal(r.counters().advertsIn, 1);
}

static void own_advert_is_dropped(void**) {
    expectDropped(instance(100), advert("192.0.2.9", 150).event(), "drop(own_advert)",
                  DropReason::OwnAdvert);
}

static void own_advert_follows_source_address_change(void**) {
    VirtualRouter r = started(instance(100));
    (void)r.handle(BindingChanged{{}, ip("192.0.2.77"), false}, kT0);
    assert_string_equal(render(r.handle(advert("192.0.2.77", 150).event(), kT0 + 1s)).c_str(),
                        "drop(own_advert)");
    (void)r.handle(advert("192.0.2.9", 150).event(), kT0 + 1s);
    assert_int_equal(r.counters().advertsIn, 1);
}

static void not_listening_before_startup_is_counted(void**) {
    VirtualRouter r(instance(100));
    assert_string_equal(render(r.handle(advert("192.0.2.10", 150).event(), kT0)).c_str(),
                        "drop(not_listening)");
    assert_int_equal(drops(r, DropReason::NotListening), 1);
    assert_int_equal(static_cast<int>(r.state()), static_cast<int>(State::Initialize));
}

static void different_address_list_is_accepted_and_reported(void**) {
    // RFC 9568 §7.1: MAY log, never drop (DESIGN.md §10) — unlike keepalived (§6 item 3).
    VirtualRouter r = started(instance(100));
    const auto e = advert("192.0.2.10", 150).addresses({ip("192.0.2.101")}).event();
    assert_string_equal(render(r.handle(e, kT0 + 1s)).c_str(),
                        "diff(addresses 192.0.2.100/192.0.2.101)");
    assert_int_equal(r.counters().advertsIn, 1);
    assert_int_equal(deadlineIn(r, kT0 + 1s), us(r.masterDownInterval()));
}

static void unknown_destination_is_not_held_against_advert(void**) {
    auto b = advert("192.0.2.10", 150);
    b.meta.destination = IpAddress();
    expectAccepted(instance(100), b.event());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_mismatch_is_dropped_and_reported),
        cmocka_unit_test(v2_interval_mismatch_is_dropped),
        cmocka_unit_test(v3_interval_difference_is_accepted_and_reported),
        cmocka_unit_test(v2_auth_type_mismatch_is_dropped),
        cmocka_unit_test(v2_password_compares_eight_zero_padded_bytes),
        cmocka_unit_test(v2_auth_data_is_ignored_without_authentication),
        cmocka_unit_test(multicast_instance_drops_unicast_advert),
        cmocka_unit_test(unicast_instance_drops_multicast_advert),
        cmocka_unit_test(unicast_instance_drops_non_peer),
        cmocka_unit_test(unicast_ipv4_needs_ttl_255_unless_relaxed),
        cmocka_unit_test(unicast_ipv6_takes_any_hop_limit),
        cmocka_unit_test(own_advert_is_dropped),
        cmocka_unit_test(own_advert_follows_source_address_change),
        cmocka_unit_test(not_listening_before_startup_is_counted),
        cmocka_unit_test(different_address_list_is_accepted_and_reported),
        cmocka_unit_test(unknown_destination_is_not_held_against_advert),
    };
    return cmocka_run_group_tests_name("core-validation", tests, nullptr, nullptr);
}
