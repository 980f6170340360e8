// SPDX-License-Identifier: Apache-2.0
// The IPv4 header of adverts (RFC 791 §3.1): parsing with the payload bounded by the total
// length, and building keepalived's header byte for byte (PROTOCOL.md §1.2, TV1–TV9).
#include "proto/ipv4.h"

#include "proto/checksum.h"

#include "proto_test.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::proto;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

Bytes ipv4Of(const char* frameHex) {
    const Bytes frame = hex(frameHex);
    const auto p = proto_test::ipPacket(frame);
    return Bytes(p.begin(), p.end());
}

const char* reasonOf(std::span<const uint8_t> packet) {
    const auto r = parseIpv4(packet);
    return r.ok() ? "accepted" : dropReasonName(r.error());
}

} // namespace

static void parses_tv1_header_fields_and_payload(void**) {
    const Bytes pkt = ipv4Of(proto_test::kTv1);
    const auto r = parseIpv4(pkt);
    assert_true(r.ok());
    assert_string_equal(r->meta.source.toString().c_str(), "192.0.2.1");
    assert_string_equal(r->meta.destination.toString().c_str(), "224.0.0.18");
    assert_int_equal(r->meta.hopLimit, 255);
    assert_int_equal(r->meta.ifindex, 0);
    assert_int_equal(r->protocol, kIpProtoVrrp);
    assert_int_equal(r->payload.size(), 12);
    assert_ptr_equal(r->payload.data(), pkt.data() + 20);
}

static void ethernet_padding_is_never_taken_as_payload(void**) {
    // A real NIC pads TV1's 46-byte frame to 60: 14 bytes after the IP packet.
    Bytes pkt = ipv4Of(proto_test::kTv1);
    pkt.resize(pkt.size() + 14, 0);
    const auto r = parseIpv4(pkt);
    assert_true(r.ok());
    assert_int_equal(r->payload.size(), 12);
    assert_true(decode(r->payload, r->meta).ok());
}

static void options_are_skipped(void**) {
    // IHL 6: a 4-byte option (router alert, RFC 2113) between the header and the payload.
    Bytes pkt = ipv4Of(proto_test::kTv1);
    const Bytes option = hex("94 04 00 00");
    pkt.insert(pkt.begin() + 20, option.begin(), option.end());
    pkt[0] = 0x46;
    pkt[3] = static_cast<uint8_t>(pkt[3] + 4);
    const auto r = parseIpv4(pkt);
    assert_true(r.ok());
    assert_int_equal(r->payload.size(), 12);
    assert_int_equal(r->payload[0], 0x31);
    assert_true(decode(r->payload, r->meta).ok());
}

static void fewer_than_20_bytes_are_too_short(void**) {
    const Bytes pkt = ipv4Of(proto_test::kTv1);
    for (std::size_t len = 0; len < kIpv4HeaderLength; ++len)
        assert_string_equal(reasonOf(std::span(pkt).first(len)), "too_short");
}

static void total_length_beyond_the_buffer_is_too_short(void**) {
    const Bytes pkt = ipv4Of(proto_test::kTv1);
    for (std::size_t len = kIpv4HeaderLength; len < pkt.size(); ++len)
        assert_string_equal(reasonOf(std::span(pkt).first(len)), "too_short");
    assert_string_equal(reasonOf(pkt), "accepted");
}

static void malformed_header_is_bad(void**) {
    const Bytes good = ipv4Of(proto_test::kTv1);
    Bytes b = good;
    b[0] = 0x65; // version 6
    assert_string_equal(reasonOf(b), "bad_ip_header");
    for (uint8_t ihl = 0; ihl < 5; ++ihl) {
        b = good;
        b[0] = static_cast<uint8_t>(0x40 | ihl);
        assert_string_equal(reasonOf(b), "bad_ip_header");
    }
    b = good;
    b[3] = 19; // total length below the header
    assert_string_equal(reasonOf(b), "bad_ip_header");
    b = good;
    b[0] = 0x4f; // 60-byte header in a 32-byte packet
    assert_string_equal(reasonOf(b), "bad_ip_header");
}

static void fragments_are_bad(void**) {
    const Bytes good = ipv4Of(proto_test::kTv1);
    Bytes b = good;
    b[6] = 0x20; // more fragments
    assert_string_equal(reasonOf(b), "bad_ip_header");
    b = good;
    b[7] = 0x01; // offset 8
    assert_string_equal(reasonOf(b), "bad_ip_header");
    b = good;
    b[6] = 0x40; // DF alone is fine
    assert_string_equal(reasonOf(b), "accepted");
}

static void protocol_is_reported_not_checked(void**) {
    // TV10: VRRPv2 with AH is IP protocol 51; the caller counts it.
    const Bytes pkt = ipv4Of(proto_test::kTv10);
    const auto r = parseIpv4(pkt);
    assert_true(r.ok());
    assert_int_equal(r->protocol, 51);
    assert_int_equal(r->payload.size(), 44);
}

static void built_header_equals_keepalived_header(void**) {
    struct {
        const char* frame;
        uint16_t id;
    } const cases[] = {{proto_test::kTv1, 1}, {proto_test::kTv2, 0x16}, {proto_test::kTv3, 1},
                       {proto_test::kTv5, 1}, {proto_test::kTv6, 1},    {proto_test::kTv9, 1},
                       {proto_test::kTv11, 1}};
    for (const auto& c : cases) {
        const Bytes pkt = ipv4Of(c.frame);
        const auto parsed = parseIpv4(pkt);
        assert_true(parsed.ok());
        std::array<uint8_t, kIpv4HeaderLength> out{};
        assert_int_equal(buildIpv4Header(out, parsed->meta.source, parsed->meta.destination,
                                         parsed->payload.size(), c.id),
                         kIpv4HeaderLength);
        assert_memory_equal(out.data(), pkt.data(), kIpv4HeaderLength);
        assert_int_equal(internetChecksum(out), 0);
    }
}

static void built_header_uses_the_given_ttl(void**) {
    std::array<uint8_t, 24> out{};
    assert_int_equal(buildIpv4Header(out, ip("192.0.2.1"), ip("192.0.2.2"), 12, 7, 64), 20);
    assert_int_equal(out[8], 64);
    assert_int_equal(out[9], 112);
    assert_int_equal(out[1], 0xc0);
    assert_int_equal(out[6] | out[7], 0); // DF clear
    assert_int_equal(internetChecksum(std::span(out).first(20)), 0);
    assert_int_equal(out[20], 0); // nothing past the header
}

static void build_refuses_short_buffer_ipv6_or_oversized_payload(void**) {
    std::array<uint8_t, kIpv4HeaderLength> out{};
    assert_int_equal(
        buildIpv4Header(std::span(out).first(19), ip("192.0.2.1"), ip("224.0.0.18"), 12, 1), 0);
    assert_int_equal(buildIpv4Header(out, ip("fe80::1"), ip("224.0.0.18"), 12, 1), 0);
    assert_int_equal(buildIpv4Header(out, ip("192.0.2.1"), ip("ff02::12"), 12, 1), 0);
    assert_int_equal(buildIpv4Header(out, ip("192.0.2.1"), ip("224.0.0.18"), 65516, 1), 0);
    assert_int_equal(buildIpv4Header(out, ip("192.0.2.1"), ip("224.0.0.18"), 65515, 1), 20);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_tv1_header_fields_and_payload),
        cmocka_unit_test(ethernet_padding_is_never_taken_as_payload),
        cmocka_unit_test(options_are_skipped),
        cmocka_unit_test(fewer_than_20_bytes_are_too_short),
        cmocka_unit_test(total_length_beyond_the_buffer_is_too_short),
        cmocka_unit_test(malformed_header_is_bad),
        cmocka_unit_test(fragments_are_bad),
        cmocka_unit_test(protocol_is_reported_not_checked),
        cmocka_unit_test(built_header_equals_keepalived_header),
        cmocka_unit_test(built_header_uses_the_given_ttl),
        cmocka_unit_test(build_refuses_short_buffer_ipv6_or_oversized_payload),
    };
    return cmocka_run_group_tests_name("proto-ipv4", tests, nullptr, nullptr);
}
