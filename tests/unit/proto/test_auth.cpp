// SPDX-License-Identifier: Apache-2.0
// keepalived's auth_hmac trailer (AUTH_HMAC.md): every vector of §13 signed and verified, the
// altered variants failing as documented, the anti-replay rules of §6 on a given clock, and the
// packets keepalived 2.4.3 sent (§13.6) decoded, verified and signed again byte for byte.
#include "proto/auth.h"

#include "proto/advert.h"
#include "proto_test.h"
#include "unit_test.h"

#include <ctime>

using namespace hafd;
using namespace hafd::proto;
using namespace hafd::proto::auth;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

constexpr const char* kK1 = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
constexpr const char* kK2 = "202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f";
constexpr uint64_t kVectorSequence = 0x6800000080000000;

std::shared_ptr<const Key> key(const char* text) {
    auto k = Key::create(hex(text));
    if (!k) {
        print_message("key: %s\n", k.error().message.c_str());
        fail();
    }
    return std::make_shared<const Key>(std::move(*k));
}

KeyRing ring(std::vector<std::pair<uint8_t, const char*>> keys, uint8_t active) {
    std::vector<KeyRing::Entry> entries;
    for (const auto& [id, text] : keys)
        entries.push_back({id, key(text)});
    return KeyRing(std::move(entries), active);
}

const KeyRing& k1() {
    static const KeyRing r = ring({{1, kK1}}, 1);
    return r;
}

constexpr Policy kMonotonic{AntiReplay::Monotonic, 5};
constexpr Policy kTime{AntiReplay::Time, 5};

std::span<const uint8_t, kTrailerLength> trailerOf(const Bytes& image, std::size_t messageLength) {
    return std::span<const uint8_t>(image).subspan(messageLength).first<kTrailerLength>();
}

Verdict check(const Bytes& image, std::size_t messageLength, const Binding& b,
              const KeyRing& keys = k1(), const Policy& p = kMonotonic, int64_t now = 0) {
    ReplayTable fresh;
    return verify(std::span<const uint8_t>(image).first(messageLength),
                  trailerOf(image, messageLength), b, keys, p, now, fresh);
}

int64_t now() {
    return static_cast<int64_t>(std::time(nullptr));
}

// §13.2 and §13.3.
const Bytes kImageA = hex("3133c80100644402c0000264010100006800000080000000"
                          "1b84bc4e8e43892dc6d98448f8ee2265");
const Bytes kImageB = hex("3133c8010064a2e9fe800000000000000000000000000100"
                          "010100006800000080000000c8c56146ebfd66ee10ec4d8186461b78");
const Binding kBindingA{Version::V3, 51, ip("198.51.100.10")};
const Binding kBindingB{Version::V3, 51, ip("fe80::10")};

// Signs `image`'s message again (its trailer overwritten) with `sequence`.
Bytes signedAgain(const Bytes& image, std::size_t messageLength, const Binding& b, uint8_t id,
                  const Key& k, uint64_t sequence) {
    Bytes out(image.begin(), image.begin() + static_cast<std::ptrdiff_t>(messageLength));
    out.resize(messageLength + kTrailerLength, 0xee);
    sign(out, messageLength, b, id, k, sequence);
    return out;
}

} // namespace

static void vector_a_ipv4_signs_and_verifies(void**) {
    assert_true(signedAgain(kImageA, 12, kBindingA, 1, k1().active(), kVectorSequence) == kImageA);
    assert_int_equal(check(kImageA, 12, kBindingA), Verdict::Ok);
    // Its timestamp is fixed in the past: stale in time mode, fine on its own clock.
    assert_int_equal(check(kImageA, 12, kBindingA, k1(), kTime, now()), Verdict::Stale);
    assert_int_equal(check(kImageA, 12, kBindingA, k1(), kTime, 0x68000000), Verdict::Ok);
}

static void vector_b_ipv6_signs_and_verifies(void**) {
    assert_true(signedAgain(kImageB, 24, kBindingB, 1, k1().active(), kVectorSequence) == kImageB);
    assert_int_equal(check(kImageB, 24, kBindingB), Verdict::Ok);
}

// §13.4: one byte of image B flipped (XOR 1) at each offset, verified with B's parameters.
static void altered_vector_b_fails_as_documented(void**) {
    struct Case {
        std::size_t offset;
        Verdict expected;
        const char* image;
    };
    const Case cases[] = {
        {2, Verdict::BadHmac,
         "3133c9010064a2e9fe800000000000000000000000000100010100006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {4, Verdict::BadHmac,
         "3133c8010164a2e9fe800000000000000000000000000100010100006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {6, Verdict::Ok, // the checksum is not covered
         "3133c8010064a3e9fe800000000000000000000000000100010100006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {23, Verdict::BadHmac,
         "3133c8010064a2e9fe800000000000000000000000000101010100006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {24, Verdict::Malformed,
         "3133c8010064a2e9fe800000000000000000000000000100000100006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {25, Verdict::UnknownKey,
         "3133c8010064a2e9fe800000000000000000000000000100010000006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {26, Verdict::Malformed,
         "3133c8010064a2e9fe800000000000000000000000000100010101006800000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {28, Verdict::BadHmac,
         "3133c8010064a2e9fe800000000000000000000000000100010100006900000080000000c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {34, Verdict::BadHmac,
         "3133c8010064a2e9fe800000000000000000000000000100010100006800000080000100c8c56146ebfd"
         "66ee10ec4d8186461b78"},
        {36, Verdict::BadHmac,
         "3133c8010064a2e9fe800000000000000000000000000100010100006800000080000000c9c56146ebfd"
         "66ee10ec4d8186461b78"},
    };
    for (const Case& c : cases) {
        Bytes altered = kImageB;
        altered[c.offset] ^= 0x01;
        assert_true(altered == hex(c.image));
        if (check(altered, 24, kBindingB) != c.expected)
            fail_msg("offset %zu: %s, expected %s", c.offset,
                     verdictName(check(altered, 24, kBindingB)), verdictName(c.expected));
    }
    // The unaltered image in the wrong receiver context: the pseudo-header binds both.
    assert_int_equal(check(kImageB, 24, {Version::V3, 51, ip("fe80::20")}), Verdict::BadHmac);
    assert_int_equal(check(kImageB, 24, {Version::V3, 52, ip("fe80::10")}), Verdict::BadHmac);
    assert_int_equal(check(kImageB, 24, {Version::V2, 51, ip("fe80::10")}), Verdict::BadHmac);
    // Image A spliced onto another family's source of the same bytes.
    assert_int_equal(check(kImageA, 12, {Version::V3, 51, ip("c633:640a::")}), Verdict::BadHmac);
    // A key with another id than the trailer names, and a key id the ring lacks.
    assert_int_equal(check(kImageB, 24, kBindingB, ring({{2, kK1}}, 2)), Verdict::UnknownKey);
    assert_int_equal(check(kImageB, 24, kBindingB, ring({{1, kK2}}, 1)), Verdict::BadHmac);
}

// §13.5: live clock, K1, VRID 51, time mode with a 5 s window.
static void ipv4_wire_image_signed_now_decodes_and_verifies(void**) {
    Advertisement a;
    a.vrid = 51;
    a.priority = 200;
    a.addresses = {ip("192.0.2.100")};
    const IpAddress src = ip("192.0.2.1"), dst = ip("224.0.0.18");
    Bytes packet = encode(a, ChecksumForm::PseudoHeader, src, dst);
    const std::size_t n = packet.size();
    packet.resize(n + kTrailerLength);
    const Binding b{Version::V3, 51, src};
    Sequencer seq;
    const WallTime t{now(), 0};
    sign(packet, n, b, 1, k1().active(), seq.next(t, kTime));
    const auto decoded = decode(packet, RxMeta{src, dst, 255, 0});
    assert_true(decoded.ok());
    assert_true(decoded->trailer);
    assert_true(decoded->advert == a);
    assert_int_equal(check(packet, n, b, k1(), kTime, t.seconds), Verdict::Ok);
}

static void ipv6_wire_image_replayed_is_a_replay_but_a_second_peer_accepts_it(void**) {
    Advertisement a;
    a.family = Family::V6;
    a.vrid = 51;
    a.priority = 200;
    a.addresses = {ip("fe80::100")};
    const IpAddress src = ip("fe80::10"), dst = ip("fe80::20");
    Bytes packet = encode(a, ChecksumForm::PseudoHeader, src, dst);
    const std::size_t n = packet.size();
    packet.resize(n + kTrailerLength);
    packet[6] = packet[7] = 0; // signed with checksum 0, then the kernel's checksum applied
    const Binding b{Version::V3, 51, src};
    Sequencer seq;
    const WallTime t{now(), 0};
    sign(packet, n, b, 1, k1().active(), seq.next(t, kTime));
    assert_true(setChecksum(packet, Version::V3, ChecksumForm::PseudoHeader, src, dst));
    const auto decoded = decode(packet, RxMeta{src, dst, 255, 0});
    assert_true(decoded.ok());
    assert_true(decoded->trailer);
    // The checksum covers the trailer for IPv6: a flipped HMAC bit fails it first.
    Bytes flipped = packet;
    flipped.back() ^= 1;
    assert_false(decode(flipped, RxMeta{src, dst, 255, 0}).ok());

    const auto message = std::span<const uint8_t>(packet).first(n);
    ReplayTable receiver, other;
    assert_int_equal(verify(message, trailerOf(packet, n), b, k1(), kTime, t.seconds, receiver),
                     Verdict::Ok);
    assert_int_equal(verify(message, trailerOf(packet, n), b, k1(), kTime, t.seconds, receiver),
                     Verdict::Replay);
    assert_int_equal(verify(message, trailerOf(packet, n), b, k1(), kTime, t.seconds, other),
                     Verdict::Ok);
}

static void stale_and_future_timestamps_are_stale_before_the_hmac(void**) {
    const int64_t t = now();
    for (const int64_t skew : {-100, 100, -6, 6}) {
        // Signed properly for its time: still stale.
        const Bytes s =
            signedAgain(kImageB, 24, kBindingB, 1, k1().active(), clockSequence({t + skew, 0}));
        assert_int_equal(check(s, 24, kBindingB, k1(), kTime, t), Verdict::Stale);
        assert_int_equal(check(s, 24, kBindingB, k1(), kMonotonic, t), Verdict::Ok);
    }
    // The window's edge is accepted.
    for (const int64_t skew : {-5, 5}) {
        const Bytes s =
            signedAgain(kImageB, 24, kBindingB, 1, k1().active(), clockSequence({t + skew, 0}));
        assert_int_equal(check(s, 24, kBindingB, k1(), kTime, t), Verdict::Ok);
    }
    // Decided before the key and the HMAC: an unknown key id and a garbage HMAC are stale too.
    Bytes old = kImageB;
    old[25] = 9;
    old[40] ^= 0xff;
    assert_int_equal(check(old, 24, kBindingB, k1(), kTime, t), Verdict::Stale);
}

static void sender_sequence_grows_and_recovers_from_a_clock_step_in_time_mode(void**) {
    const int64_t t = now();
    Sequencer s;
    const uint64_t first = s.next({t, 500'000'000}, kTime);
    assert_int_equal(first, static_cast<uint64_t>(static_cast<uint32_t>(t)) << 32 | 0x8000u << 16);
    // The same 1/65536 s tick: the counter breaks the tie.
    assert_int_equal(s.next({t, 500'000'000}, kTime), first + 1);
    assert_int_equal(s.next({t, 500'000'001}, kTime), first + 2);
    // The clock moves on: the sequence follows it.
    assert_int_equal(s.next({t + 1, 0}, kTime), static_cast<uint64_t>(t + 1) << 32);

    // Time mode: a last sequence an hour ahead is forgotten; the next is the clock's.
    Sequencer stepped;
    stepped.setLast(static_cast<uint64_t>(t + 3600) << 32);
    const uint64_t next = stepped.next({t, 0}, kTime);
    assert_true(static_cast<int64_t>(next >> 32) - t <= 1 &&
                t - static_cast<int64_t>(next >> 32) <= 1);
    // Monotonic mode keeps strict growth: the hour-ahead sequence plus one, in the counter.
    Sequencer mono;
    mono.setLast(static_cast<uint64_t>(t + 3600) << 32);
    const uint64_t m = mono.next({t, 0}, kMonotonic);
    assert_int_equal(m >> 32, static_cast<uint64_t>(t + 3600));
    assert_int_equal(m & 0xffff, 1);
    // Within the window a time-mode sender keeps growing too.
    Sequencer near;
    near.setLast(static_cast<uint64_t>(t + 3) << 32);
    assert_int_equal(near.next({t, 0}, kTime), (static_cast<uint64_t>(t + 3) << 32) + 1);
}

static void receiver_marks_expire_in_time_mode_only(void**) {
    const int64_t t = now();
    const Bytes fresh =
        signedAgain(kImageB, 24, kBindingB, 1, k1().active(), clockSequence({t, 0}));
    const auto message = std::span<const uint8_t>(fresh).first(24);
    // Time mode: a mark an hour ahead (the sender's clock was wrong) is forgotten.
    ReplayTable timed;
    timed.setMark(kBindingB.source, {true, static_cast<uint64_t>(t + 3600) << 32});
    assert_int_equal(verify(message, trailerOf(fresh, 24), kBindingB, k1(), kTime, t, timed),
                     Verdict::Ok);
    assert_int_equal(verify(message, trailerOf(fresh, 24), kBindingB, k1(), kTime, t, timed),
                     Verdict::Replay);
    // Monotonic mode: the mark stays until the sender passes it.
    ReplayTable mono;
    mono.setMark(kBindingB.source, {true, static_cast<uint64_t>(t + 7200) << 32});
    assert_int_equal(verify(message, trailerOf(fresh, 24), kBindingB, k1(), kMonotonic, t, mono),
                     Verdict::Replay);
    // An equal sequence is a replay; an older one too.
    ReplayTable table;
    assert_int_equal(table.admit(kBindingB.source, 100, kMonotonic, t), Verdict::Ok);
    assert_int_equal(table.admit(kBindingB.source, 100, kMonotonic, t), Verdict::Replay);
    assert_int_equal(table.admit(kBindingB.source, 99, kMonotonic, t), Verdict::Replay);
    assert_int_equal(table.admit(kBindingB.source, 101, kMonotonic, t), Verdict::Ok);
}

static void replay_table_keeps_four_senders_and_only_the_authenticated(void**) {
    ReplayTable table;
    const int64_t t = now();
    for (int i = 1; i <= 4; ++i)
        table.admit(ip(("192.0.2." + std::to_string(i)).c_str()), 10, kMonotonic, t);
    // .1 accepted again: .2 is now the least recently used, and a fifth sender evicts it.
    table.admit(ip("192.0.2.1"), 11, kMonotonic, t);
    table.admit(ip("192.0.2.5"), 10, kMonotonic, t);
    assert_int_equal(table.size(), 4);
    assert_null(table.mark(ip("192.0.2.2")));
    assert_non_null(table.mark(ip("192.0.2.1")));
    // A forged packet (bad HMAC) from a new source never takes a slot.
    Bytes forged = kImageB;
    forged[40] ^= 1;
    const Binding forger{Version::V3, 51, ip("fe80::99")};
    assert_int_equal(verify(std::span<const uint8_t>(forged).first(24), trailerOf(forged, 24),
                            forger, k1(), kMonotonic, t, table),
                     Verdict::BadHmac);
    assert_null(table.mark(forger.source));
}

static void keys_must_be_32_to_64_bytes(void**) {
    assert_false(Key::create(Bytes(31, 1)).ok());
    assert_true(Key::create(Bytes(32, 1)).ok());
    assert_true(Key::create(Bytes(64, 1)).ok());
    assert_false(Key::create(Bytes(65, 1)).ok());
}

// The MTU budget counts the trailer when adverts are signed (keepalived does the same).
static void signed_adverts_fit_fewer_ipv6_addresses(void**) {
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V6, 1500), 90);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V6, 1500, kTrailerLength), 89);
    assert_int_equal(maxAddressesPerAdvert(Version::V3, Family::V4, 100, kTrailerLength), 11);
}

// A trailer-sized tail of zeros decodes as a trailer, which authenticate() calls malformed.
static void zero_padding_of_trailer_size_is_malformed(void**) {
    Bytes packet = hex("3133c80100644402c0000264");
    packet.resize(12 + kTrailerLength, 0);
    assert_int_equal(check(packet, 12, kBindingA), Verdict::Malformed);
}

// §13.6: what keepalived 2.4.3 sent, from the IPv4 header on.
struct Capture {
    const char* packet;
    uint8_t keyId;
    const char* key;
    uint32_t seconds; // the capture's clock
};

static void keepalived_captures_decode_verify_and_sign_again_byte_for_byte(void**) {
    const Capture captures[] = {
        // E2E-1: v3 multicast VRID 51, key 1 = K1.
        {"45c0003c00010000ff70187dc0000201e0000012 3133c8010064a171c0000264 "
         "010100006b039cac700100009c0babe40d79cb8431f30ef1636f7db6",
         1, kK1, 1795398828},
        // E2E-2: v3 unicast to 192.0.2.2, VRID 52, key 2 = K2.
        {"45c0003c00010000ff70368dc0000201c0000202 3134c8010064bf7fc0000265 "
         "010200006b039cac6fee0000fdc85ac83bd32ecbeff7a3a4365aa6fe",
         2, kK2, 1795398828},
        // E2E-3: v2 multicast VRID 54, key 7 = K1.
        {"45c0004400010000ff701875c0000201e0000012 2136c80100015460c00002660000000000000000 "
         "010700006b039cac6fce0000686b2e13547f21df0c0bf678a6662148",
         7, kK1, 1795398828},
        // E2E-4: priority 0 at shutdown, VRID 51.
        {"45c0003c00230000ff70185bc0000201e0000012 3133000100646972c0000264 "
         "010100006b039cce3b820000d722431ed99634b48709cf951ac702fb",
         1, kK1, 1795398862},
    };
    for (const Capture& c : captures) {
        const Bytes ipPacket = hex(c.packet);
        const Bytes payload(ipPacket.begin() + 20, ipPacket.end());
        const RxMeta meta{IpAddress(Family::V4, std::span(ipPacket).subspan(12, 4)),
                          IpAddress(Family::V4, std::span(ipPacket).subspan(16, 4)), 255, 0};
        const auto d = decode(payload, meta);
        assert_true(d.ok());
        assert_true(d->trailer);
        const std::size_t n = payload.size() - kTrailerLength;
        const Binding b{d->advert.version, d->advert.vrid, meta.source};
        // The receiving side keeps keys 1 and 2, and key 7 = K1.
        const KeyRing keys = ring({{1, kK1}, {2, kK2}, {7, kK1}}, 1);
        assert_int_equal(check(payload, n, b, keys), Verdict::Ok);
        assert_int_equal(check(payload, n, b, keys, kTime, c.seconds), Verdict::Ok);
        assert_int_equal(check(payload, n, b, keys, kTime, c.seconds + 6), Verdict::Stale);
        assert_true(signedAgain(payload, n, b, c.keyId, *key(c.key),
                                trailerSequence(trailerOf(payload, n))) == payload);
    }
    // E2E-5 and E2E-6: unsigned adverts decode without a trailer.
    for (const char* plain :
         {"45c0002800010000ff701891c0000201e0000012 "
          "2136c80100015460c00002660000000000000000",
          "45c0002000010000ff701898c0000202e0000012 3133640100640571c0000264"}) {
        const Bytes ipPacket = hex(plain);
        const Bytes payload(ipPacket.begin() + 20, ipPacket.end());
        const RxMeta meta{IpAddress(Family::V4, std::span(ipPacket).subspan(12, 4)),
                          IpAddress(Family::V4, std::span(ipPacket).subspan(16, 4)), 255, 0};
        const auto d = decode(payload, meta);
        assert_true(d.ok());
        assert_false(d->trailer);
    }
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_a_ipv4_signs_and_verifies),
        cmocka_unit_test(vector_b_ipv6_signs_and_verifies),
        cmocka_unit_test(altered_vector_b_fails_as_documented),
        cmocka_unit_test(ipv4_wire_image_signed_now_decodes_and_verifies),
        cmocka_unit_test(ipv6_wire_image_replayed_is_a_replay_but_a_second_peer_accepts_it),
        cmocka_unit_test(stale_and_future_timestamps_are_stale_before_the_hmac),
        cmocka_unit_test(sender_sequence_grows_and_recovers_from_a_clock_step_in_time_mode),
        cmocka_unit_test(receiver_marks_expire_in_time_mode_only),
        cmocka_unit_test(replay_table_keeps_four_senders_and_only_the_authenticated),
        cmocka_unit_test(keys_must_be_32_to_64_bytes),
        cmocka_unit_test(signed_adverts_fit_fewer_ipv6_addresses),
        cmocka_unit_test(zero_padding_of_trailer_size_is_malformed),
        cmocka_unit_test(keepalived_captures_decode_verify_and_sign_again_byte_for_byte),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
