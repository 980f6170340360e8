// SPDX-License-Identifier: Apache-2.0
// Corrupted and malformed adverts and the DropReason each gets (advert.h decode(); RFC 9568
// §7.1, RFC 3768 §7.1, PROTOCOL.md §3.4 and §6).
#include "proto/advert.h"

#include "proto_test.h"
#include "unit_test.h"

using namespace hafd;
using namespace hafd::proto;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

// The adverts of PROTOCOL.md §1.6 that decode (every family, version and checksum form).
const char* const kAdverts[] = {
    proto_test::kTv1, proto_test::kTv2, proto_test::kTv3, proto_test::kTv4, proto_test::kTv5,
    proto_test::kTv6, proto_test::kTv7, proto_test::kTv8, proto_test::kTv9, proto_test::kTv11};

const char* reasonOf(std::span<const uint8_t> msg, const RxMeta& meta) {
    const auto r = decode(msg, meta);
    return r.ok() ? "accepted" : dropReasonName(r.error());
}

// Recomputes the checksum the way the frame's sender did, so that a test reaches the check
// after the checksum.
void fixChecksum(Bytes& msg, const RxMeta& meta, ChecksumForm form = ChecksumForm::PseudoHeader) {
    const Version v = (msg[0] >> 4) == 2 ? Version::V2 : Version::V3;
    assert_true(setChecksum(msg, v, form, meta.source, meta.destination));
}

struct Vector {
    Bytes msg;
    RxMeta meta;
};

Vector vectorOf(const char* frameHex) {
    const Bytes frame = hex(frameHex);
    return {proto_test::vrrpMessage(frame), proto_test::rxMeta(frame)};
}

} // namespace

#define EXPECT_DROP(msg, meta, reason) assert_string_equal(reasonOf(msg, meta), reason)

static void advert_truncated_at_any_length_is_dropped(void**) {
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (std::size_t len = 0; len < msg.size(); ++len) {
            const auto cut = std::span(msg).first(len);
            EXPECT_DROP(cut, meta, len < kHeaderLength ? "too_short" : "length_mismatch");
        }
        EXPECT_DROP(msg, meta, "accepted");
    }
}

static void trailing_padding_bytes_are_dropped(void**) {
    // Zero padding leaves the checksum valid: only the exact-length rule can catch it
    // (keepalived: "vrrp packet too long").
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (std::size_t extra : {1u, 2u, 4u, 8u, 16u}) {
            Bytes padded = msg;
            padded.resize(msg.size() + extra, 0);
            EXPECT_DROP(padded, meta, "length_mismatch");
        }
    }
}

static void multicast_advert_with_ttl_254_is_dropped(void**) {
    for (const char* tv : {proto_test::kTv1, proto_test::kTv4, proto_test::kTv5}) {
        auto [msg, meta] = vectorOf(tv);
        for (int ttl : {254, 64, 1, 0}) {
            meta.hopLimit = ttl;
            EXPECT_DROP(msg, meta, "bad_ttl");
        }
        meta.hopLimit = 255;
        EXPECT_DROP(msg, meta, "accepted");
        meta.hopLimit = -1; // not known: not checked
        EXPECT_DROP(msg, meta, "accepted");
    }
}

static void unicast_advert_with_ttl_64_is_accepted(void**) {
    // keepalived sends IPv6 unicast with hop limit 64 (TV8); unicast TTL is not checked.
    for (const char* tv :
         {proto_test::kTv6, proto_test::kTv7, proto_test::kTv8, proto_test::kTv9}) {
        auto [msg, meta] = vectorOf(tv);
        for (int ttl : {64, 254, 1}) {
            meta.hopLimit = ttl;
            EXPECT_DROP(msg, meta, "accepted");
        }
    }
}

static void flipped_bit_after_the_version_byte_fails_the_checksum(void**) {
    // Every bit of every byte except byte 0 (version/type) and byte 3 (count, caught by the
    // length), in every checksum form: no single-bit error may pass any accepted form.
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (std::size_t i = 1; i < msg.size(); ++i) {
            if (i == 3)
                continue;
            for (int bit = 0; bit < 8; ++bit) {
                Bytes bad = msg;
                bad[i] = static_cast<uint8_t>(bad[i] ^ (1u << bit));
                EXPECT_DROP(bad, meta, "bad_checksum");
            }
        }
    }
}

static void version_other_than_2_or_3_is_dropped(void**) {
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (unsigned version : {0u, 1u, 4u, 15u}) {
            Bytes bad = msg;
            bad[0] = static_cast<uint8_t>(version << 4 | (bad[0] & 0x0f));
            EXPECT_DROP(bad, meta, "bad_version");
        }
    }
}

static void version_2_over_ipv6_is_dropped(void**) {
    // RFC 3768 is IPv4 only; a v2-shaped message from an IPv6 source, checksum correct.
    auto [msg, meta] = vectorOf(proto_test::kTv4);
    msg[0] = 0x21;
    EXPECT_DROP(msg, meta, "bad_version");
    // A whole v2 message over IPv6 (TV5's bytes).
    const Bytes v2 = vectorOf(proto_test::kTv5).msg;
    EXPECT_DROP(v2, meta, "bad_version");
}

static void type_other_than_advertisement_is_dropped(void**) {
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (unsigned type : {0u, 2u, 3u, 15u}) {
            Bytes bad = msg;
            bad[0] = static_cast<uint8_t>((bad[0] & 0xf0) | type);
            EXPECT_DROP(bad, meta, "bad_type");
        }
    }
}

static void count_that_disagrees_with_the_length_is_dropped(void**) {
    for (const char* tv : kAdverts) {
        const auto [msg, meta] = vectorOf(tv);
        for (int delta : {-1, 1, 2, 100}) {
            Bytes bad = msg;
            const int count = bad[3] + delta;
            if (count < 0 || count > 255)
                continue;
            bad[3] = static_cast<uint8_t>(count);
            fixChecksum(bad, meta); // so that only the length is wrong
            EXPECT_DROP(bad, meta, "length_mismatch");
        }
    }
    // Count 2 with one address; count 1 with two addresses.
    auto [one, meta1] = vectorOf(proto_test::kTv1);
    one[3] = 2;
    fixChecksum(one, meta1);
    EXPECT_DROP(one, meta1, "length_mismatch");
    auto [two, meta2] = vectorOf(proto_test::kTv4);
    two[3] = 1;
    fixChecksum(two, meta2);
    EXPECT_DROP(two, meta2, "length_mismatch");
}

static void count_zero_is_dropped(void**) {
    // RFC 9568 erratum. A message of only the header (v3) or header + auth (v2) with count 0
    // and a correct checksum.
    for (const char* tv :
         {proto_test::kTv1, proto_test::kTv4, proto_test::kTv5, proto_test::kTv6}) {
        auto [msg, meta] = vectorOf(tv);
        const bool v2 = msg[0] >> 4 == 2;
        Bytes empty(msg.begin(), msg.begin() + 8);
        if (v2)
            empty.resize(16, 0);
        empty[3] = 0;
        fixChecksum(empty, meta);
        EXPECT_DROP(empty, meta, "zero_count");
        empty[3] = 1; // the same bytes claiming one address: too short for it
        EXPECT_DROP(empty, meta, "length_mismatch");
    }
}

static void interval_zero_is_dropped(void**) {
    // RFC 9568 erratum (v3); an Adver Int of 0 s is just as unusable in v2.
    for (const char* tv : kAdverts) {
        auto [msg, meta] = vectorOf(tv);
        const bool v2 = msg[0] >> 4 == 2;
        if (v2)
            msg[5] = 0;
        else
            msg[4] = msg[5] = 0;
        fixChecksum(msg, meta);
        EXPECT_DROP(msg, meta, "zero_interval");
    }
    // Reserved bits set do not make a zero interval non-zero.
    auto [msg, meta] = vectorOf(proto_test::kTv1);
    msg[4] = 0xf0;
    msg[5] = 0;
    fixChecksum(msg, meta);
    EXPECT_DROP(msg, meta, "zero_interval");
}

static void reserved_bits_set_are_accepted_and_ignored(void**) {
    // RFC 9568 §5.2.6: MUST be ignored on receipt (keepalived accepted rsvd=0xF in the lab).
    for (const char* tv : {proto_test::kTv1, proto_test::kTv4, proto_test::kTv6}) {
        auto [msg, meta] = vectorOf(tv);
        for (uint8_t rsvd : {0x10, 0x80, 0xf0}) {
            Bytes set = msg;
            set[4] = static_cast<uint8_t>(set[4] | rsvd);
            fixChecksum(set, meta);
            const auto r = decode(set, meta);
            assert_true(r.ok());
            assert_int_equal(r->advert.intervalCs, 100);
            // Re-encoding sends them as zero again.
            const Bytes again = encode(r->advert, r->checksumForm, meta.source, meta.destination);
            assert_memory_equal(again.data(), msg.data(), msg.size());
        }
    }
}

static void v2_unknown_auth_type_is_dropped_as_auth_mismatch(void**) {
    // RFC 3768 §7.1: unknown auth types MUST be discarded; no instance can be configured with
    // one, so it is an auth mismatch. Type 2 (AH) arrives as IP protocol 51, never here.
    for (const char* tv : {proto_test::kTv5, proto_test::kTv9}) {
        auto [msg, meta] = vectorOf(tv);
        for (uint8_t type : {2, 3, 254, 255}) {
            Bytes bad = msg;
            bad[4] = type;
            fixChecksum(bad, meta);
            EXPECT_DROP(bad, meta, "auth_mismatch");
        }
        // Types 0 and 1 both decode, whatever the auth data.
        for (uint8_t type : {0, 1}) {
            Bytes ok = msg;
            ok[4] = type;
            fixChecksum(ok, meta);
            const auto r = decode(ok, meta);
            assert_true(r.ok());
            assert_int_equal(static_cast<int>(r->advert.authType), type);
            assert_memory_equal(r->advert.authData.data(), msg.data() + msg.size() - 8, 8);
        }
    }
}

static void checks_run_in_the_documented_order(void**) {
    auto [msg, meta] = vectorOf(proto_test::kTv1);
    // version before type
    Bytes b = msg;
    b[0] = 0x42;
    EXPECT_DROP(b, meta, "bad_version");
    // type before TTL
    meta.hopLimit = 1;
    b = msg;
    b[0] = 0x32;
    EXPECT_DROP(b, meta, "bad_type");
    // TTL before length
    b = msg;
    b.push_back(0);
    EXPECT_DROP(b, meta, "bad_ttl");
    meta.hopLimit = 255;
    // length before checksum
    b[6] ^= 0xff;
    EXPECT_DROP(b, meta, "length_mismatch");
    // checksum before count and interval
    b = msg;
    b[4] = b[5] = 0;
    EXPECT_DROP(b, meta, "bad_checksum");
    // header present before anything else
    EXPECT_DROP(std::span(msg).first(7), meta, "too_short");
}

static void metadata_of_mixed_families_is_rejected(void**) {
    auto [msg, meta] = vectorOf(proto_test::kTv1);
    meta.destination = ip("ff02::12");
    EXPECT_DROP(msg, meta, "bad_ip_header");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(advert_truncated_at_any_length_is_dropped),
        cmocka_unit_test(trailing_padding_bytes_are_dropped),
        cmocka_unit_test(multicast_advert_with_ttl_254_is_dropped),
        cmocka_unit_test(unicast_advert_with_ttl_64_is_accepted),
        cmocka_unit_test(flipped_bit_after_the_version_byte_fails_the_checksum),
        cmocka_unit_test(version_other_than_2_or_3_is_dropped),
        cmocka_unit_test(version_2_over_ipv6_is_dropped),
        cmocka_unit_test(type_other_than_advertisement_is_dropped),
        cmocka_unit_test(count_that_disagrees_with_the_length_is_dropped),
        cmocka_unit_test(count_zero_is_dropped),
        cmocka_unit_test(interval_zero_is_dropped),
        cmocka_unit_test(reserved_bits_set_are_accepted_and_ignored),
        cmocka_unit_test(v2_unknown_auth_type_is_dropped_as_auth_mismatch),
        cmocka_unit_test(checks_run_in_the_documented_order),
        cmocka_unit_test(metadata_of_mixed_families_is_rejected),
    };
    return cmocka_run_group_tests_name("proto-advert-drops", tests, nullptr, nullptr);
}
