// SPDX-License-Identifier: Apache-2.0
// RFC 1071 checksum and pseudo-headers (PROTOCOL.md §1.5).
#include "proto/checksum.h"

#include "proto_test.h"
#include "unit_test.h"

#include <array>

using namespace hafd;
using namespace hafd::proto;
using proto_test::hex;
using proto_test::ip;

// PROTOCOL.md §1.5 worked example: TV1's pseudo-header and message words, checksum zeroed.
static void worked_example_sums_pseudo_header_and_message_to_d371(void**) {
    ChecksumAccumulator acc;
    for (uint16_t w : {0xc000, 0x0201, 0xe000, 0x0012, 0x0070, 0x000c}) // pseudo-header
        acc.addWord(w);
    for (uint16_t w : {0x3133, 0x9601, 0x0064, 0x0000, 0xc000, 0x0264}) // VRRP message
        acc.addWord(w);
    assert_int_equal(acc.finish(), 0xd371); // 0x32c8b -> 0x2c8e -> ~ = 0xd371

    const auto msg = hex("31 33 96 01 00 64 00 00 c0 00 02 64");
    assert_int_equal(pseudoHeaderChecksum(ip("192.0.2.1"), ip("224.0.0.18"), 112, msg), 0xd371);
    // The message-only form (RFC 9568): 0x189fc -> 0x89fd -> 0x7602.
    assert_int_equal(internetChecksum(msg), 0x7602);
}

static void odd_final_byte_is_padded_with_zero(void**) {
    assert_int_equal(internetChecksum(hex("01")), static_cast<uint16_t>(~0x0100));
    assert_int_equal(internetChecksum(hex("12 34 56")), static_cast<uint16_t>(~(0x1234 + 0x5600)));
    // Pieces of even length followed by an odd last piece give the same as the whole.
    const auto whole = hex("de ad be ef 01");
    ChecksumAccumulator acc;
    acc.add(std::span(whole).first(2));
    acc.add(std::span(whole).subspan(2, 2));
    acc.add(std::span(whole).subspan(4));
    assert_int_equal(acc.finish(), internetChecksum(whole));
}

static void carries_are_folded_until_none_remain(void**) {
    // 0xffff + 0xffff = 0x1fffe -> 0xffff -> complement 0.
    assert_int_equal(internetChecksum(hex("ff ff ff ff")), 0x0000);
    // 0x8000 * 4 = 0x20000 -> 0x0002 -> 0xfffd.
    assert_int_equal(internetChecksum(hex("80 00 80 00 80 00 80 00")), 0xfffd);
    // 0xffff + 0xffff + 0x0001 = 0x1ffff -> 0x10000 -> 0x0001: a second fold is needed.
    assert_int_equal(internetChecksum(hex("ff ff ff ff 00 01")), 0xfffe);
    // Many words: the 64-bit sum must still fold correctly.
    std::vector<uint8_t> big(70000, 0xff);
    assert_int_equal(internetChecksum(big), 0x0000);
    assert_int_equal(internetChecksum({}), 0xffff);
}

static void message_with_correct_checksum_sums_to_zero(void**) {
    assert_int_equal(internetChecksum(hex("21 35 96 02 00 01 c4 5a c0 00 02 35 c0 00 02 36"
                                          "00 00 00 00 00 00 00 00")),
                     0); // TV5, VRRPv2
    assert_int_equal(pseudoHeaderChecksum(ip("192.0.2.1"), ip("224.0.0.18"), 112,
                                          hex("31 33 96 01 00 64 d3 71 c0 00 02 64")),
                     0); // TV1 with its checksum in place
}

static void ipv6_pseudo_header_has_32_bit_length_and_next_header(void**) {
    // TV4: VRRP over IPv6 (next header 112).
    const auto tv4 = hex("31 34 96 02 00 64 00 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 52"
                         "20 01 0d b8 00 00 00 00 00 00 00 00 00 00 01 00");
    assert_int_equal(pseudoHeaderChecksum(ip("fe80::ff:fe00:a"), ip("ff02::12"), 112, tv4), 0x0da1);
    // TV14: ICMPv6 NA (next header 58).
    const auto na = hex("88 00 00 00 20 00 00 00 fe 80 00 00 00 00 00 00 00 00 00 00 00 00 00 52"
                        "02 01 02 00 00 00 00 0a");
    assert_int_equal(pseudoHeaderChecksum(ip("fe80::52"), ip("ff02::1"), 58, na), 0x56f0);
}

static void ipv4_pseudo_header_holds_the_destination(void**) {
    // TV6 / TV7: the same unicast message, checksummed for the real peer and for 224.0.0.18.
    const auto msg = hex("31 3d 96 01 00 64 00 00 c0 00 02 a1");
    assert_int_equal(pseudoHeaderChecksum(ip("192.0.2.1"), ip("192.0.2.2"), 112, msg), 0xf13a);
    assert_int_equal(pseudoHeaderChecksum(ip("192.0.2.1"), ip("224.0.0.18"), 112, msg), 0xd32a);
    assert_int_equal(internetChecksum(msg), 0x75bb);
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(worked_example_sums_pseudo_header_and_message_to_d371),
        cmocka_unit_test(odd_final_byte_is_padded_with_zero),
        cmocka_unit_test(carries_are_folded_until_none_remain),
        cmocka_unit_test(message_with_correct_checksum_sums_to_zero),
        cmocka_unit_test(ipv6_pseudo_header_has_32_bit_length_and_next_header),
        cmocka_unit_test(ipv4_pseudo_header_holds_the_destination),
    };
    return cmocka_run_group_tests_name("proto-checksum", tests, nullptr, nullptr);
}
