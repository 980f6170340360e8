// SPDX-License-Identifier: Apache-2.0
// keepalived 2.2.7's adverts (PROTOCOL.md §1.6, TV1–TV9, TV11): decode gives the documented
// fields and checksum form, and encoding the same advert gives the same bytes.
#include "proto/advert.h"

#include "proto_test.h"
#include "unit_test.h"

#include <cstring>

using namespace hafd;
using namespace hafd::proto;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

struct Expected {
    Version version = Version::V3;
    Family family = Family::V4;
    uint8_t vrid = 0;
    uint8_t priority = 0;
    uint16_t intervalCs = 100;
    std::vector<const char*> addresses;
    ChecksumForm form = ChecksumForm::PseudoHeader;
    V2AuthType auth = V2AuthType::None;
    const char* password = ""; // v2 auth data, zero-padded to 8 bytes
};

Advertisement advertOf(const Expected& e) {
    Advertisement a;
    a.version = e.version;
    a.family = e.family;
    a.vrid = e.vrid;
    a.priority = e.priority;
    a.intervalCs = e.intervalCs;
    for (const char* text : e.addresses)
        a.addresses.push_back(ip(text));
    a.authType = e.auth;
    std::memcpy(a.authData.data(), e.password, std::strlen(e.password));
    return a;
}

// Decodes the frame's VRRP message, checks every field, and re-encodes the expected advert.
void checkVector(const char* frameHex, const Expected& e) {
    const Bytes frame = hex(frameHex);
    const Bytes msg = proto_test::vrrpMessage(frame);
    const RxMeta meta = proto_test::rxMeta(frame);

    const auto r = decode(msg, meta);
    assert_true(r.ok());
    const Advertisement& a = r->advert;
    assert_int_equal(static_cast<int>(a.version), static_cast<int>(e.version));
    assert_int_equal(static_cast<int>(a.family), static_cast<int>(e.family));
    assert_int_equal(a.vrid, e.vrid);
    assert_int_equal(a.priority, e.priority);
    assert_int_equal(a.intervalCs, e.intervalCs);
    assert_int_equal(a.addresses.size(), e.addresses.size());
    for (std::size_t i = 0; i < e.addresses.size(); ++i)
        assert_string_equal(a.addresses[i].toString().c_str(), e.addresses[i]);
    assert_string_equal(checksumFormName(r->checksumForm), checksumFormName(e.form));
    assert_int_equal(static_cast<int>(a.authType), static_cast<int>(e.auth));
    assert_true(a == advertOf(e));

    // Encode the expected advert with the same form: the very bytes keepalived sent.
    const Bytes out = encode(advertOf(e), e.form, meta.source, meta.destination);
    assert_int_equal(out.size(), msg.size());
    assert_memory_equal(out.data(), msg.data(), msg.size());
    assert_int_equal(messageLength(e.version, e.family, e.addresses.size()), msg.size());
}

// The frame's VRRP message with its checksum replaced.
Bytes withChecksum(const char* frameHex, uint16_t checksum) {
    Bytes msg = proto_test::vrrpMessage(hex(frameHex));
    msg[6] = static_cast<uint8_t>(checksum >> 8);
    msg[7] = static_cast<uint8_t>(checksum & 0xff);
    return msg;
}

} // namespace

static void tv1_v3_ipv4_multicast_advert_round_trips(void**) {
    checkVector(proto_test::kTv1, {.vrid = 51, .priority = 150, .addresses = {"192.0.2.100"}});
}

static void tv2_priority_zero_advert_round_trips(void**) {
    checkVector(proto_test::kTv2, {.vrid = 51, .priority = 0, .addresses = {"192.0.2.100"}});
}

static void tv3_backup_node_advert_round_trips(void**) {
    checkVector(proto_test::kTv3, {.vrid = 51, .priority = 100, .addresses = {"192.0.2.100"}});
}

static void tv4_v3_ipv6_multicast_advert_round_trips(void**) {
    const Expected e{.family = Family::V6,
                     .vrid = 52,
                     .priority = 150,
                     .addresses = {"fe80::52", "2001:db8::100"}};
    checkVector(proto_test::kTv4, e);
    // PROTOCOL.md: the priority-0 form has checksum 0xa3a1; node B (prio 100) sends 0x3fa0.
    Advertisement a = advertOf(e);
    a.priority = 0;
    auto out = encode(a, ChecksumForm::PseudoHeader, ip("fe80::ff:fe00:a"), ip("ff02::12"));
    assert_int_equal(out.size(), 40);
    assert_int_equal(out[6] << 8 | out[7], 0xa3a1);
    a.priority = 100;
    out = encode(a, ChecksumForm::PseudoHeader, ip("fe80::ff:fe00:b"), ip("ff02::12"));
    assert_int_equal(out[6] << 8 | out[7], 0x3fa0);
}

static void tv5_v2_advert_round_trips_with_interval_in_seconds(void**) {
    const Expected e{.version = Version::V2,
                     .vrid = 53,
                     .priority = 150,
                     .intervalCs = 100, // 1 s on the wire
                     .addresses = {"192.0.2.53", "192.0.2.54"},
                     .form = ChecksumForm::MessageOnly};
    checkVector(proto_test::kTv5, e);
    // PROTOCOL.md: priority 0 gives 0x5a5b, node B's priority 100 gives 0xf65a.
    Advertisement a = advertOf(e);
    a.priority = 0;
    auto out = encode(a, ChecksumForm::PseudoHeader, ip("192.0.2.1"), ip("224.0.0.18"));
    assert_int_equal(out[6] << 8 | out[7], 0x5a5b); // v2 ignores the requested form
    a.priority = 100;
    out = encode(a, ChecksumForm::MessageOnly, ip("192.0.2.2"), ip("224.0.0.18"));
    assert_int_equal(out[6] << 8 | out[7], 0xf65a);
    a.intervalCs = 300;
    out = encode(a, ChecksumForm::MessageOnly, ip("192.0.2.2"), ip("224.0.0.18"));
    assert_int_equal(out[5], 3);
}

static void tv6_unicast_checksum_with_real_destination_is_pseudo_header(void**) {
    checkVector(proto_test::kTv6, {.vrid = 61, .priority = 150, .addresses = {"192.0.2.161"}});
}

static void tv7_old_keepalived_unicast_checksum_is_legacy_unicast(void**) {
    checkVector(proto_test::kTv7, {.vrid = 61,
                                   .priority = 150,
                                   .addresses = {"192.0.2.161"},
                                   .form = ChecksumForm::LegacyUnicast});
}

static void tv8_ipv6_unicast_with_hop_limit_64_round_trips(void**) {
    checkVector(
        proto_test::kTv8,
        {.family = Family::V6, .vrid = 62, .priority = 150, .addresses = {"2001:db8::162"}});
}

static void tv9_v2_simple_password_round_trips(void**) {
    checkVector(proto_test::kTv9, {.version = Version::V2,
                                   .vrid = 63,
                                   .priority = 150,
                                   .addresses = {"192.0.2.163"},
                                   .form = ChecksumForm::MessageOnly,
                                   .auth = V2AuthType::SimplePassword,
                                   .password = "secret12"});
}

static void tv11_owner_priority_255_round_trips(void**) {
    checkVector(proto_test::kTv11, {.vrid = 90, .priority = 255, .addresses = {"192.0.2.190"}});
}

// RFC 9568 §5.2.8 (Cisco; keepalived >= 2.2.8 v3_checksum_as_v2): no IPv4 pseudo-header.
static void message_only_ipv4_v3_checksum_is_accepted_as_rfc9568(void**) {
    struct {
        const char* frame;
        uint16_t checksum; // PROTOCOL.md: "message-only form would be ..."
    } const cases[] = {{proto_test::kTv1, 0x7602},
                       {proto_test::kTv2, 0x0c03},
                       {proto_test::kTv3, 0xa802},
                       {proto_test::kTv7, 0x75bb}}; // unicast
    for (const auto& c : cases) {
        const Bytes msg = withChecksum(c.frame, c.checksum);
        const auto r = decode(msg, proto_test::rxMeta(hex(c.frame)));
        assert_true(r.ok());
        assert_string_equal(checksumFormName(r->checksumForm), "rfc9568");
        // And the encoder produces that form on request.
        const RxMeta meta = proto_test::rxMeta(hex(c.frame));
        const Bytes out =
            encode(r->advert, ChecksumForm::MessageOnly, meta.source, meta.destination);
        assert_int_equal(out.size(), msg.size());
        assert_memory_equal(out.data(), msg.data(), msg.size());
    }
}

// For a multicast destination the legacy form is the pseudo-header form, and only a unicast
// destination makes keepalived's old form worth trying.
static void legacy_unicast_form_is_not_tried_for_multicast_destinations(void**) {
    // TV1's message sent to another group (224.0.0.19) but checksummed for 224.0.0.18.
    const Bytes msg = proto_test::vrrpMessage(hex(proto_test::kTv1));
    RxMeta meta = proto_test::rxMeta(hex(proto_test::kTv1));
    meta.destination = ip("224.0.0.19");
    const auto r = decode(msg, meta);
    assert_false(r.ok());
    assert_string_equal(dropReasonName(r.error()), "bad_checksum");
    // The same message to a unicast address is the old keepalived form.
    meta.destination = ip("192.0.2.2");
    const auto u = decode(msg, meta);
    assert_true(u.ok());
    assert_string_equal(checksumFormName(u->checksumForm), "legacy_unicast");
}

static void ipv6_checksum_always_uses_the_pseudo_header(void**) {
    // IPv6: always the pseudo-header, whatever form encode() was asked for.
    const Bytes tv4 = hex(proto_test::kTv4);
    const auto r6 = decode(proto_test::vrrpMessage(tv4), proto_test::rxMeta(tv4));
    assert_true(r6.ok());
    const RxMeta m6 = proto_test::rxMeta(tv4);
    for (auto form : {ChecksumForm::MessageOnly, ChecksumForm::LegacyUnicast}) {
        const Bytes out = encode(r6->advert, form, m6.source, m6.destination);
        assert_memory_equal(out.data(), proto_test::vrrpMessage(tv4).data(), out.size());
    }
    // IPv6 message-only checksums are not accepted (RFC 9568 §5.2.8).
    Bytes msg = proto_test::vrrpMessage(tv4);
    msg[6] = msg[7] = 0;
    const uint16_t messageOnly = [&] {
        uint32_t sum = 0;
        for (std::size_t i = 0; i < msg.size(); i += 2)
            sum += static_cast<uint32_t>(msg[i] << 8 | msg[i + 1]);
        while (sum >> 16)
            sum = (sum & 0xffff) + (sum >> 16);
        return static_cast<uint16_t>(~sum);
    }();
    msg[6] = static_cast<uint8_t>(messageOnly >> 8);
    msg[7] = static_cast<uint8_t>(messageOnly & 0xff);
    assert_false(decode(msg, m6).ok());
}

static void set_checksum_rewrites_for_another_unicast_peer(void**) {
    Bytes msg = proto_test::vrrpMessage(hex(proto_test::kTv6));
    const IpAddress src = ip("192.0.2.1");
    assert_true(setChecksum(msg, Version::V3, ChecksumForm::PseudoHeader, src, ip("192.0.2.3")));
    RxMeta meta{.source = src, .destination = ip("192.0.2.3"), .hopLimit = 255};
    const auto r = decode(msg, meta);
    assert_true(r.ok());
    assert_string_equal(checksumFormName(r->checksumForm), "pseudo_header");
    // Back to the first peer gives TV6 again; the legacy form gives TV7.
    assert_true(setChecksum(msg, Version::V3, ChecksumForm::PseudoHeader, src, ip("192.0.2.2")));
    const Bytes tv6 = proto_test::vrrpMessage(hex(proto_test::kTv6));
    assert_memory_equal(msg.data(), tv6.data(), tv6.size());
    assert_true(setChecksum(msg, Version::V3, ChecksumForm::LegacyUnicast, src, ip("192.0.2.2")));
    const Bytes tv7 = proto_test::vrrpMessage(hex(proto_test::kTv7));
    assert_memory_equal(msg.data(), tv7.data(), tv7.size());
    // Refused, message untouched: too short, mixed families, v2 over IPv6.
    assert_false(setChecksum(std::span(msg).first(7), Version::V3, ChecksumForm::PseudoHeader, src,
                             ip("192.0.2.2")));
    assert_false(setChecksum(msg, Version::V3, ChecksumForm::PseudoHeader, src, ip("ff02::12")));
    assert_false(
        setChecksum(msg, Version::V2, ChecksumForm::MessageOnly, ip("fe80::1"), ip("ff02::12")));
    assert_memory_equal(msg.data(), tv7.data(), tv7.size());
}

static void v3_advert_reencodes_reserved_bits_as_zero(void**) {
    Advertisement a;
    a.vrid = 7;
    a.priority = 100;
    a.intervalCs = kMaxV3IntervalCs;
    a.addresses = {ip("192.0.2.7")};
    const Bytes out = encode(a, ChecksumForm::PseudoHeader, ip("192.0.2.1"), ip("224.0.0.18"));
    assert_int_equal(out.size(), 12);
    assert_int_equal(out[4], 0x0f); // rsvd 0, interval 0xfff
    assert_int_equal(out[5], 0xff);
}

static void unencodable_adverts_give_zero_bytes(void**) {
    const IpAddress src = ip("192.0.2.1");
    const IpAddress dst = ip("224.0.0.18");
    Advertisement good;
    good.vrid = 1;
    good.priority = 100;
    good.addresses = {ip("192.0.2.10")};
    std::array<uint8_t, 64> buf{};
    assert_int_equal(encode(good, ChecksumForm::PseudoHeader, src, dst, buf), 12);

    auto refused = [&](Advertisement a, ChecksumForm form = ChecksumForm::PseudoHeader,
                       IpAddress s = ip("192.0.2.1"), IpAddress d = ip("224.0.0.18")) {
        std::vector<uint8_t> out(8000);
        return encode(a, form, s, d, out) == 0 && encode(a, form, s, d).empty();
    };
    Advertisement a = good;
    a.intervalCs = 0; // v3 range is 1..4095
    assert_true(refused(a));
    a.intervalCs = kMaxV3IntervalCs + 1;
    assert_true(refused(a));
    a = good;
    a.addresses.clear(); // count 0 would be dropped by every receiver
    assert_true(refused(a));
    a.addresses.assign(256, ip("192.0.2.10"));
    assert_true(refused(a));
    a.addresses.assign(255, ip("192.0.2.10"));
    assert_false(refused(a));
    a = good;
    a.addresses.push_back(ip("2001:db8::1")); // mixed families
    assert_true(refused(a));
    a = good;
    a.family = Family::V6; // addresses not of the advert's family
    assert_true(refused(a, ChecksumForm::PseudoHeader, ip("fe80::1"), ip("ff02::12")));
    a = good;
    assert_true(refused(a, ChecksumForm::PseudoHeader, src, ip("ff02::12"))); // wrong family dst
    assert_true(refused(a, ChecksumForm::LegacyUnicast, ip("fe80::1"), dst));
    assert_false(refused(a, ChecksumForm::MessageOnly, ip("fe80::1"), ip("ff02::12")));

    Advertisement v2 = good;
    v2.version = Version::V2;
    assert_false(refused(v2));
    v2.intervalCs = 150; // not whole seconds
    assert_true(refused(v2));
    v2.intervalCs = 0;
    assert_true(refused(v2));
    v2.intervalCs = 25600; // 256 s
    assert_true(refused(v2));
    v2.intervalCs = 25500;
    assert_false(refused(v2));
    v2.authType = static_cast<V2AuthType>(2); // AH is not a VRRP message field value we send
    assert_true(refused(v2));
    v2 = good;
    v2.version = Version::V2;
    v2.family = Family::V6; // VRRPv2 is IPv4 only
    v2.addresses = {ip("2001:db8::1")};
    assert_true(refused(v2, ChecksumForm::MessageOnly, ip("fe80::1"), ip("ff02::12")));

    // Buffer one byte too small.
    assert_int_equal(encode(good, ChecksumForm::PseudoHeader, src, dst, std::span(buf).first(11)),
                     0);
}

static void message_length_counts_header_addresses_and_v2_auth(void**) {
    assert_int_equal(messageLength(Version::V3, Family::V4, 1), 12);
    assert_int_equal(messageLength(Version::V3, Family::V6, 2), 40);
    assert_int_equal(messageLength(Version::V2, Family::V4, 2), 24);
    assert_int_equal(messageLength(Version::V2, Family::V4, 1), 20);
    assert_int_equal(messageLength(Version::V3, Family::V4, 0), 8);
}

static void max_addresses_fit_the_mtu_and_stop_at_255(void**) {
    // IPv6: (1500 - 40 - 8) / 16 = 90 (DESIGN.md §3: "about 90").
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V6, 1500), 90);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 1500), 255);
    assert_int_equal(maxAddressesPerAdvert(Version::V2, Family::V4, 1500), 255);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 100), 18); // (100-28)/4
    assert_int_equal(maxAddressesPerAdvert(Version::V2, Family::V4, 100), 16); // (100-36)/4
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 32), 1);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 31), 0);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 0), 0);
    assert_int_equal(maxAddressesPerAdvert(Version::V2, Family::V6, 1500), 0);
    // Whatever fits really fits: the packet is at most the MTU.
    for (std::size_t mtu : {68u, 576u, 1280u, 1500u, 9000u}) {
        const std::size_t n6 = maxAddressesPerAdvert(Version::V3, Family::V6, mtu);
        assert_true(40 + messageLength(Version::V3, Family::V6, n6) <= mtu);
        assert_true(40 + messageLength(Version::V3, Family::V6, n6 + 1) > mtu || n6 == 255);
    }
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(tv1_v3_ipv4_multicast_advert_round_trips),
        cmocka_unit_test(tv2_priority_zero_advert_round_trips),
        cmocka_unit_test(tv3_backup_node_advert_round_trips),
        cmocka_unit_test(tv4_v3_ipv6_multicast_advert_round_trips),
        cmocka_unit_test(tv5_v2_advert_round_trips_with_interval_in_seconds),
        cmocka_unit_test(tv6_unicast_checksum_with_real_destination_is_pseudo_header),
        cmocka_unit_test(tv7_old_keepalived_unicast_checksum_is_legacy_unicast),
        cmocka_unit_test(tv8_ipv6_unicast_with_hop_limit_64_round_trips),
        cmocka_unit_test(tv9_v2_simple_password_round_trips),
        cmocka_unit_test(tv11_owner_priority_255_round_trips),
        cmocka_unit_test(message_only_ipv4_v3_checksum_is_accepted_as_rfc9568),
        cmocka_unit_test(legacy_unicast_form_is_not_tried_for_multicast_destinations),
        cmocka_unit_test(ipv6_checksum_always_uses_the_pseudo_header),
        cmocka_unit_test(set_checksum_rewrites_for_another_unicast_peer),
        cmocka_unit_test(v3_advert_reencodes_reserved_bits_as_zero),
        cmocka_unit_test(unencodable_adverts_give_zero_bytes),
        cmocka_unit_test(message_length_counts_header_addresses_and_v2_auth),
        cmocka_unit_test(max_addresses_fit_the_mtu_and_stop_at_255),
    };
    return cmocka_run_group_tests_name("proto-advert-vectors", tests, nullptr, nullptr);
}
