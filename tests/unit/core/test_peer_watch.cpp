// SPDX-License-Identifier: Apache-2.0
// Per-peer difference reports (DESIGN.md §3; PROTOCOL.md §6 items 1, 3, 4, 5, 8): once per change
// per peer and field, once more (with `theirs` empty) when the difference goes away, and a
// bounded peer table.
#include "core/peer_watch.h"
#include "router_fixture.h"
#include "unit_test.h"

#include <string>

using namespace hafd;
using namespace hafd::core;
using namespace hafd::core::test;

namespace {

std::string feed(VirtualRouter& r, const AdvertBuilder& b) {
    return render(r.handle(b.event(), kT0 + 1s));
}

} // namespace

static void version_difference_reported_once_and_cleared(void**) {
    VirtualRouter r = started(instance(100));
    const auto v2 = advert("192.0.2.10", 150).version(proto::Version::V2);
    assert_string_equal(feed(r, v2).c_str(), "diff(version 3/2) drop(version_mismatch)");
    assert_string_equal(feed(r, v2).c_str(), "drop(version_mismatch)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150)).c_str(), "diff(version 3/)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150)).c_str(), "");
}

static void interval_difference_reported_per_change(void**) {
    VirtualRouter r = started(instance(100));
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(200)).c_str(),
                        "diff(interval 1s/2s)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(200)).c_str(), "");
    // Still different, but differently: one more line.
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(300)).c_str(),
                        "diff(interval 1s/3s)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(100)).c_str(),
                        "diff(interval 1s/)");
}

static void address_list_compared_as_sorted_set(void**) {
    config::Instance inst = instance(100);
    inst.addresses = {Prefix{ip("192.0.2.100"), 32}, Prefix{ip("192.0.2.101"), 32}};
    VirtualRouter r = started(inst);
    // Same set in another order: nothing to say (RFC 9568 §5.2.9 only recommends an order).
    assert_string_equal(
        feed(r, advert("192.0.2.10", 150).addresses({ip("192.0.2.101"), ip("192.0.2.100")}))
            .c_str(),
        "");
    // Both sides rendered sorted.
    assert_string_equal(
        feed(r, advert("192.0.2.10", 150).addresses({ip("192.0.2.102"), ip("192.0.2.100")}))
            .c_str(),
        "diff(addresses 192.0.2.100 192.0.2.101/192.0.2.100 192.0.2.102)");
    // The same differing set, now in order: already reported.
    assert_string_equal(
        feed(r, advert("192.0.2.10", 150).addresses({ip("192.0.2.100"), ip("192.0.2.102")}))
            .c_str(),
        "");
    assert_string_equal(
        feed(r, advert("192.0.2.10", 150).addresses({ip("192.0.2.100"), ip("192.0.2.101")}))
            .c_str(),
        "diff(addresses 192.0.2.100 192.0.2.101/)");
}

static void checksum_form_difference_reported_and_cleared(void**) {
    VirtualRouter r = started(instance(100));
    using F = proto::ChecksumForm;
    assert_string_equal(feed(r, advert("192.0.2.10", 150).form(F::MessageOnly)).c_str(),
                        "diff(checksum_form pseudo_header/rfc9568)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150).form(F::MessageOnly)).c_str(), "");
    assert_string_equal(feed(r, advert("192.0.2.10", 150).form(F::LegacyUnicast)).c_str(),
                        "diff(checksum_form pseudo_header/legacy_unicast)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150)).c_str(),
                        "diff(checksum_form pseudo_header/)");

    // An instance told to send the RFC 9568 form reports keepalived's.
    config::Instance inst = instance(100);
    inst.checksum = F::MessageOnly;
    VirtualRouter q = started(inst);
    assert_string_equal(feed(q, advert("192.0.2.10", 150)).c_str(),
                        "diff(checksum_form rfc9568/pseudo_header)");
}

static void checksum_form_only_compared_for_ipv4_v3(void**) {
    // IPv6 always uses its pseudo-header: a configured IPv4 form means nothing there.
    config::Instance inst = instance(100);
    inst.family = Family::V6;
    inst.addresses = {Prefix{ip("fe80::52"), 128}};
    inst.checksum = proto::ChecksumForm::MessageOnly;
    VirtualRouter r(inst);
    (void)r.handle(BindingChanged{{}, ip("fe80::ff:fe00:a"), false}, kT0);
    (void)r.handle(Startup{}, kT0);
    auto b = advert("fe80::ff:fe00:b", 150).addresses({ip("fe80::52")});
    b.decoded.advert.family = Family::V6;
    b.meta.destination = vrrpMulticastGroup(Family::V6);
    assert_string_equal(feed(r, b).c_str(), "");
    assert_int_equal(r.counters().advertsIn, 1);
}

static void peers_are_tracked_separately(void**) {
    VirtualRouter r = started(instance(100));
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(200)).c_str(),
                        "diff(interval 1s/2s)");
    assert_string_equal(feed(r, advert("192.0.2.11", 150).interval(200)).c_str(),
                        "diff(interval 1s/2s)");
    assert_string_equal(feed(r, advert("192.0.2.10", 150).interval(200)).c_str(), "");
}

static void peer_table_is_bounded_least_recently_heard_first(void**) {
    PeerWatch w;
    OwnProfile ours;
    ours.addresses = {ip("192.0.2.100")};
    proto::Decoded d;
    d.advert.addresses = {ip("192.0.2.100")};
    d.advert.intervalCs = 200; // differs from ours: one report per new peer
    auto peer = [](int i) {
        return IpAddress::v4(198, 51, 100, static_cast<uint8_t>(i));
    };
    auto reports = [&](int i) {
        std::vector<Action> out;
        w.observe(peer(i), d, ours, out);
        return out.size();
    };
    for (int i = 1; i <= 16; ++i)
        assert_int_equal(reports(i), 1);
    assert_int_equal(w.size(), PeerWatch::kMaxPeers);
    assert_int_equal(reports(1), 0);  // peer 1 heard again: now the most recent
    assert_int_equal(reports(17), 1); // evicts peer 2, the least recently heard
    assert_int_equal(w.size(), PeerWatch::kMaxPeers);
    assert_int_equal(reports(1), 0);
    assert_int_equal(reports(17), 0);
    assert_int_equal(reports(2), 1); // forgotten, so reported again
    // A flood of spoofed sources never grows the table.
    for (int i = 18; i < 250; ++i)
        (void)reports(i);
    assert_int_equal(w.size(), PeerWatch::kMaxPeers);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(version_difference_reported_once_and_cleared),
        cmocka_unit_test(interval_difference_reported_per_change),
        cmocka_unit_test(address_list_compared_as_sorted_set),
        cmocka_unit_test(checksum_form_difference_reported_and_cleared),
        cmocka_unit_test(checksum_form_only_compared_for_ipv4_v3),
        cmocka_unit_test(peers_are_tracked_separately),
        cmocka_unit_test(peer_table_is_bounded_least_recently_heard_first),
    };
    return cmocka_run_group_tests_name("core-peers", tests, nullptr, nullptr);
}
