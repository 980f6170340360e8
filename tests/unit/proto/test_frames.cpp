// SPDX-License-Identifier: Apache-2.0
// Gratuitous ARP and unsolicited NA frames byte for byte as keepalived 2.2.7 (PROTOCOL.md §5,
// TV12–TV15), the virtual MAC (RFC 9568 §7.3), and the RFC 5227 ARP probe with the parser of
// the ARP a probing backup hears.
#include "proto/frames.h"

#include "proto/checksum.h"

#include "proto_test.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::proto;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

const MacAddress kNodeA{0x02, 0x00, 0x00, 0x00, 0x00, 0x0a};
const MacAddress kNodeB{0x02, 0x00, 0x00, 0x00, 0x00, 0x0b};

// The probe for 192.0.2.100 from kNodeA (scapy: Ether()/ARP(op=1, psrc="0.0.0.0", ...)).
constexpr const char* kProbe = "ff ff ff ff ff ff 02 00 00 00 00 0a 08 06 00 01 08 00 06 04 00 01 "
                               "02 00 00 00 00 0a 00 00 00 00 00 00 00 00 00 00 c0 00 02 64";
// What Linux answers it with from kNodeB, which holds 192.0.2.100: a unicast reply whose target
// IP is the probe's 0.0.0.0.
constexpr const char* kProbeReply = "02 00 00 00 00 0a 02 00 00 00 00 0b 08 06 00 01 08 00 06 04 "
                                    "00 02 02 00 00 00 00 0b c0 00 02 64 02 00 00 00 00 0a 00 00 "
                                    "00 00";

void expectFrame(std::span<const uint8_t> built, std::size_t length, const char* frameHex) {
    const Bytes want = hex(frameHex);
    assert_int_equal(length, want.size());
    assert_memory_equal(built.data(), want.data(), want.size());
}

} // namespace

static void gratuitous_arp_matches_keepalived_tv12(void**) {
    std::array<uint8_t, kGarpFrameLength> f{};
    expectFrame(f, buildGratuitousArp(f, kNodeA, ip("192.0.2.100")), proto_test::kTv12);
}

static void gratuitous_arp_from_vmac_matches_keepalived_tv13(void**) {
    std::array<uint8_t, 60> f{}; // a larger buffer: only 42 bytes are written
    expectFrame(f, buildGratuitousArp(f, virtualMac(Family::V4, 90), ip("192.0.2.190")),
                proto_test::kTv13);
    assert_int_equal(f[42], 0);
}

static void unsolicited_na_matches_keepalived_tv14(void**) {
    std::array<uint8_t, kNaFrameLength> f{};
    f.fill(0xee); // every byte must be written
    expectFrame(f, buildUnsolicitedNa(f, kNodeA, ip("fe80::52"), false), proto_test::kTv14);
}

static void unsolicited_na_with_router_flag_matches_keepalived_tv15(void**) {
    std::array<uint8_t, kNaFrameLength> f{};
    expectFrame(f, buildUnsolicitedNa(f, virtualMac(Family::V6, 90), ip("fe80::90"), true),
                proto_test::kTv15);
}

static void na_checksum_covers_the_ipv6_pseudo_header(void**) {
    std::array<uint8_t, kNaFrameLength> f{};
    for (const char* vip : {"fe80::52", "2001:db8::100", "2001:db8::190"}) {
        assert_int_equal(buildUnsolicitedNa(f, kNodeA, ip(vip), false), kNaFrameLength);
        const auto icmp = std::span<const uint8_t>(f).subspan(14 + 40);
        assert_int_equal(pseudoHeaderChecksum(ip(vip), ip("ff02::1"), 58, icmp), 0);
        assert_memory_equal(f.data() + 22, ip(vip).bytes().data(), 16); // source is the VIP
    }
}

static void virtual_mac_follows_rfc_9568_section_7_3(void**) {
    assert_string_equal(formatMac(virtualMac(Family::V4, 51)).c_str(), "00:00:5e:00:01:33");
    assert_string_equal(formatMac(virtualMac(Family::V6, 52)).c_str(), "00:00:5e:00:02:34");
    assert_string_equal(formatMac(virtualMac(Family::V4, 255)).c_str(), "00:00:5e:00:01:ff");
    assert_string_equal(formatMac(virtualMac(Family::V6, 1)).c_str(), "00:00:5e:00:02:01");
}

static void mac_is_formatted_as_lower_case_hex_with_colons(void**) {
    assert_string_equal(formatMac(kNodeA).c_str(), "02:00:00:00:00:0a");
    assert_string_equal(formatMac({0xff, 0xab, 0xcd, 0xef, 0x01, 0x9f}).c_str(),
                        "ff:ab:cd:ef:01:9f");
}

static void builders_refuse_wrong_family_or_short_buffer(void**) {
    std::array<uint8_t, kNaFrameLength> f{};
    assert_int_equal(buildGratuitousArp(f, kNodeA, ip("fe80::52")), 0);
    assert_int_equal(buildGratuitousArp(std::span(f).first(41), kNodeA, ip("192.0.2.1")), 0);
    assert_int_equal(buildUnsolicitedNa(f, kNodeA, ip("192.0.2.1"), false), 0);
    assert_int_equal(buildUnsolicitedNa(std::span(f).first(85), kNodeA, ip("fe80::52"), false), 0);
    for (uint8_t b : f)
        assert_int_equal(b, 0); // nothing written
}

static void arp_probe_follows_rfc_5227_section_2_1_1(void**) {
    std::array<uint8_t, 60> f{};
    f.fill(0xee);
    expectFrame(f, buildArpProbe(f, kNodeA, ip("192.0.2.100")), kProbe);
    assert_int_equal(f[kArpFrameLength], 0xee); // nothing written past the frame
    assert_int_equal(buildArpProbe(f, kNodeA, ip("2001:db8::1")), 0);
    assert_int_equal(buildArpProbe(std::span(f).first(41), kNodeA, ip("192.0.2.100")), 0);
}

static void arp_parser_reads_a_reply_to_the_probe(void**) {
    const auto p = parseArp(hex(kProbeReply));
    assert_true(p.has_value());
    assert_true(p->op == ArpPacket::Op::Reply);
    assert_true(p->sourceMac == kNodeB);
    assert_true(p->senderMac == kNodeB);
    assert_true(p->senderIp == ip("192.0.2.100"));
    assert_true(p->targetMac == kNodeA);
    assert_true(p->targetIp == ip("0.0.0.0"));
}

static void arp_parser_reads_requests_probes_and_padded_frames(void**) {
    // A gratuitous ARP (TV12): a request whose sender is the VIP.
    auto p = parseArp(hex(proto_test::kTv12));
    assert_true(p.has_value());
    assert_true(p->op == ArpPacket::Op::Request);
    assert_true(p->senderIp == ip("192.0.2.100"));
    assert_true(p->targetIp == ip("192.0.2.100"));
    // Our own probe reads back as built; the NIC's padding to 60 bytes changes nothing.
    Bytes probe = hex(kProbe);
    probe.resize(60, 0);
    p = parseArp(probe);
    assert_true(p.has_value());
    assert_true(p->senderIp.isUnspecified());
    assert_true(p->senderMac == kNodeA);
    assert_true(p->targetIp == ip("192.0.2.100"));
}

static void arp_parser_refuses_what_is_not_ethernet_ipv4_arp(void**) {
    const Bytes good = hex(kProbeReply);
    assert_true(parseArp(good).has_value());
    assert_false(parseArp(std::span(good).first(41)).has_value()); // short
    struct Change {
        std::size_t offset;
        uint8_t value;
    };
    const Change changes[] = {
        {12, 0x86}, // EtherType IPv6
        {15, 6},    // hardware type IEEE 802
        {16, 0x86}, // protocol type IPv6
        {18, 8},    // hardware length
        {19, 16},   // protocol length
        {21, 3},    // RARP request
        {21, 0},    // no operation
    };
    for (const Change& c : changes) {
        Bytes bad = good;
        bad[c.offset] = c.value;
        assert_false(parseArp(bad).has_value());
    }
    // An unsolicited NA is not ARP.
    assert_false(parseArp(hex(proto_test::kTv14)).has_value());
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(gratuitous_arp_matches_keepalived_tv12),
        cmocka_unit_test(gratuitous_arp_from_vmac_matches_keepalived_tv13),
        cmocka_unit_test(unsolicited_na_matches_keepalived_tv14),
        cmocka_unit_test(unsolicited_na_with_router_flag_matches_keepalived_tv15),
        cmocka_unit_test(na_checksum_covers_the_ipv6_pseudo_header),
        cmocka_unit_test(virtual_mac_follows_rfc_9568_section_7_3),
        cmocka_unit_test(mac_is_formatted_as_lower_case_hex_with_colons),
        cmocka_unit_test(builders_refuse_wrong_family_or_short_buffer),
        cmocka_unit_test(arp_probe_follows_rfc_5227_section_2_1_1),
        cmocka_unit_test(arp_parser_reads_a_reply_to_the_probe),
        cmocka_unit_test(arp_parser_reads_requests_probes_and_padded_frames),
        cmocka_unit_test(arp_parser_refuses_what_is_not_ethernet_ipv4_arp),
    };
    return cmocka_run_group_tests_name("proto-frames", tests, nullptr, nullptr);
}
