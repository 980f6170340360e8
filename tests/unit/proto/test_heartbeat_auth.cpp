// SPDX-License-Identifier: Apache-2.0
// Signed cluster heartbeats (proto/heartbeat.h, hafd-heartbeat(7)): the known-answer datagram,
// what the HMAC binds (every byte, the source address, the key), freshness, replay, and the
// trailer required or refused as keys are configured or not.
#include "proto/heartbeat.h"

#include "heartbeat_vectors.h"
#include "proto_test.h"
#include "unit_test.h"

#include <string>

using namespace hafd;
using namespace hafd::proto;
using namespace hafd::proto::heartbeat;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

std::shared_ptr<const auth::Key> key(const char* text) {
    auto k = auth::Key::create(hex(text));
    if (!k)
        fail_msg("key: %s", k.error().message.c_str());
    return std::make_shared<const auth::Key>(std::move(*k));
}

auth::KeyRing ring(std::vector<std::pair<uint8_t, const char*>> keys, uint8_t active) {
    std::vector<auth::KeyRing::Entry> entries;
    for (const auto& [id, text] : keys)
        entries.push_back({id, key(text)});
    return auth::KeyRing(std::move(entries), active);
}

const auth::KeyRing& k1() {
    static const auth::KeyRing r = ring({{1, heartbeat_test::kK1}}, 1);
    return r;
}

constexpr auth::Policy kMonotonic{auth::AntiReplay::Monotonic, 5};
constexpr auth::Policy kTime{auth::AntiReplay::Time, 5};
constexpr int64_t kVectorSeconds = 0x68000000; // the known-answer sequence's seconds

Bytes vectorMessage() {
    return hex(heartbeat_test::kMessage);
}

Bytes vectorDatagram() {
    Bytes d = vectorMessage();
    const Bytes t = hex(heartbeat_test::kTrailer);
    d.insert(d.end(), t.begin(), t.end());
    return d;
}

const IpAddress kSource = ip(heartbeat_test::kSource);

// A fresh receiver's verdict on `datagram`.
Received once(const Bytes& datagram, const IpAddress& source = kSource,
              const auth::KeyRing* keys = &k1(), const auth::Policy& policy = kMonotonic,
              int64_t now = kVectorSeconds) {
    auth::ReplayTable fresh;
    return receive(datagram, source, keys, true, policy, now, fresh);
}

void assertDrop(const Received& r, Drop expected, const char* what) {
    if (r.ok)
        fail_msg("%s: accepted, expected %s", what, dropName(expected));
    if (r.drop != expected)
        fail_msg("%s: %s (%s), expected %s", what, dropName(r.drop), r.detail.c_str(),
                 dropName(expected));
}

// The message of a heartbeat from `name` with counter `counter`, signed with K1 as key 1.
Bytes signedHeartbeat(const IpAddress& source, uint64_t sequence, uint64_t counter = 1) {
    Heartbeat hb;
    hb.name = "node-b";
    hb.startId = 77;
    hb.counter = counter;
    hb.leaseMs = 2000;
    hb.instances.push_back({Family::V6, 52, 1, 100, 100, 3, 100, 2, 0x51abf07d});
    return heartbeat::sign(encode(hb), source, 1, k1().active(), sequence);
}

} // namespace

static void known_answer_datagram_signs_and_receives(void**) {
    const Bytes signedBytes =
        heartbeat::sign(vectorMessage(), kSource, 1, k1().active(), heartbeat_test::kSequence);
    assert_true(signedBytes == vectorDatagram());
    const Received r = once(vectorDatagram());
    if (!r.ok)
        fail_msg("dropped: %s %s", dropName(r.drop), r.detail.c_str());
    assert_string_equal(r.heartbeat.name.c_str(), "node-a");
    assert_true(r.heartbeat.quorum);
    assert_int_equal(r.heartbeat.counter, 42);
    assert_int_equal(r.heartbeat.instances.size(), 1);
    assert_int_equal(r.heartbeat.instances[0].vipDigest, heartbeat_test::kDigestV4);
    // Time mode on the vector's own clock, and at the edges of its 5 s window.
    assert_true(once(vectorDatagram(), kSource, &k1(), kTime, kVectorSeconds).ok);
    assert_true(once(vectorDatagram(), kSource, &k1(), kTime, kVectorSeconds + 5).ok);
    assert_true(once(vectorDatagram(), kSource, &k1(), kTime, kVectorSeconds - 5).ok);
}

static void signed_heartbeats_of_both_families_are_received(void**) {
    for (const char* src : {"192.0.2.7", "2001:db8::7", "fe80::7"}) {
        const IpAddress source = ip(src);
        const Bytes d = signedHeartbeat(source, 0x6900000000000000);
        const Received r = once(d, source);
        if (!r.ok)
            fail_msg("%s: %s %s", src, dropName(r.drop), r.detail.c_str());
        assert_string_equal(r.heartbeat.name.c_str(), "node-b");
        assert_int_equal(r.heartbeat.instances.at(0).family, Family::V6);
    }
    // Signed with the second key of a ring, as during a key rotation.
    const auth::KeyRing two = ring({{1, heartbeat_test::kK2}, {9, heartbeat_test::kK1}}, 9);
    Heartbeat hb;
    hb.name = "n";
    const Bytes d = heartbeat::sign(encode(hb), kSource, 9, two.active(), 5);
    assert_true(once(d, kSource, &two).ok);
}

static void every_altered_byte_is_dropped(void**) {
    const Bytes good = vectorDatagram();
    const std::size_t m = vectorMessage().size();
    auth::ReplayTable replay;
    for (std::size_t i = 0; i < good.size(); ++i) {
        for (const uint8_t flip : {uint8_t{0x01}, uint8_t{0x80}}) {
            Bytes d = good;
            d[i] ^= flip;
            // The header fields that frame the message, and the trailer's fixed fields, are
            // caught before the HMAC; everything else, the flags and reserved bytes included,
            // by the HMAC.
            Drop expected = Drop::BadHmac;
            if (i < 8 && i != 5)
                expected = Drop::Malformed;
            else if (i == m || i == m + 2 || i == m + 3)
                expected = Drop::Malformed;
            else if (i == m + 1)
                expected = Drop::UnknownKey;
            const Received r = receive(d, kSource, &k1(), true, kMonotonic, kVectorSeconds, replay);
            const std::string what = "byte " + std::to_string(i) + " ^ " + std::to_string(flip);
            assertDrop(r, expected, what.c_str());
        }
    }
    // No forged datagram left a mark: the genuine one is still accepted.
    assert_null(replay.mark(kSource));
    assert_true(receive(good, kSource, &k1(), true, kMonotonic, kVectorSeconds, replay).ok);
}

static void another_source_address_or_key_is_a_bad_hmac(void**) {
    assertDrop(once(vectorDatagram(), ip("192.0.2.2")), Drop::BadHmac, "other IPv4 source");
    // The same 4 bytes as the start of an IPv6 address.
    assertDrop(once(vectorDatagram(), ip("c000:201::")), Drop::BadHmac, "IPv6 source");
    // Signed by an IPv6 node, received as from another one.
    const Bytes d = signedHeartbeat(ip("2001:db8::7"), 5);
    assert_true(once(d, ip("2001:db8::7")).ok);
    assertDrop(once(d, ip("2001:db8::8")), Drop::BadHmac, "other IPv6 source");
    assertDrop(once(d, ip("fe80::7")), Drop::BadHmac, "link-local source");
}

static void an_unknown_key_id_is_unknown_key(void**) {
    const auth::KeyRing other = ring({{2, heartbeat_test::kK1}}, 2);
    assertDrop(once(vectorDatagram(), kSource, &other), Drop::UnknownKey, "key id 1 not in ring");
    const auth::KeyRing wrong = ring({{1, heartbeat_test::kK2}}, 1);
    assertDrop(once(vectorDatagram(), kSource, &wrong), Drop::BadHmac, "key 1 is another key");
}

static void a_sequence_beyond_the_time_window_is_stale(void**) {
    assertDrop(once(vectorDatagram(), kSource, &k1(), kTime, kVectorSeconds + 6), Drop::Stale,
               "6 s late");
    assertDrop(once(vectorDatagram(), kSource, &k1(), kTime, kVectorSeconds - 6), Drop::Stale,
               "6 s early");
    // Stale is decided before the HMAC: a forged trailer that is also old says stale.
    Bytes forged = vectorDatagram();
    forged.back() ^= 1;
    assertDrop(once(forged, kSource, &k1(), kTime, kVectorSeconds + 100), Drop::Stale,
               "forged and old");
    // Monotonic mode has no window.
    assert_true(once(vectorDatagram(), kSource, &k1(), kMonotonic, kVectorSeconds + 86400).ok);
}

static void the_same_sequence_twice_is_a_replay(void**) {
    auth::ReplayTable replay;
    const Bytes d = vectorDatagram();
    for (const auth::Policy& p : {kMonotonic, kTime}) {
        auth::ReplayTable table;
        assert_true(receive(d, kSource, &k1(), true, p, kVectorSeconds, table).ok);
        assertDrop(receive(d, kSource, &k1(), true, p, kVectorSeconds, table), Drop::Replay,
                   "again");
        // An older sequence, validly signed, is a replay too; a newer one is fine.
        const Bytes older = signedHeartbeat(kSource, heartbeat_test::kSequence - 1);
        assertDrop(receive(older, kSource, &k1(), true, p, kVectorSeconds, table), Drop::Replay,
                   "older");
        const Bytes newer = signedHeartbeat(kSource, heartbeat_test::kSequence + 1);
        assert_true(receive(newer, kSource, &k1(), true, p, kVectorSeconds, table).ok);
    }
    // Marks are per sender: another node's copy with the same sequence is its own.
    const Bytes fromB = signedHeartbeat(ip("192.0.2.2"), heartbeat_test::kSequence);
    assert_true(receive(d, kSource, &k1(), true, kMonotonic, kVectorSeconds, replay).ok);
    assert_true(
        receive(fromB, ip("192.0.2.2"), &k1(), true, kMonotonic, kVectorSeconds, replay).ok);
}

static void forged_or_malformed_heartbeats_do_not_move_the_replay_mark(void**) {
    auth::ReplayTable replay;
    const uint64_t s = heartbeat_test::kSequence;
    assert_true(
        receive(signedHeartbeat(kSource, s), kSource, &k1(), true, kMonotonic, 0, replay).ok);
    // A far-ahead sequence under a key we do not hold: had it moved the mark, s + 1 below
    // would be a replay.
    const auth::KeyRing attacker = ring({{1, heartbeat_test::kK2}}, 1);
    Heartbeat hb;
    hb.name = "node-b";
    const Bytes forged = heartbeat::sign(encode(hb), kSource, 1, attacker.active(), s + 1000);
    assertDrop(receive(forged, kSource, &k1(), true, kMonotonic, 0, replay), Drop::BadHmac,
               "forged");
    // Validly signed but malformed (VRID 0): the HMAC passes, the body does not.
    hb.instances.push_back({Family::V4, 0, 1, 100, 100, 3, 100, 1, 0});
    const Bytes body = encode(hb);
    const Bytes bad = heartbeat::sign(body, kSource, 1, k1().active(), s + 2000);
    const Received r = receive(bad, kSource, &k1(), true, kMonotonic, 0, replay);
    assertDrop(r, Drop::Malformed, "signed, VRID 0");
    assert_true(r.detail.find("VRID 0") != std::string::npos);
    assert_int_equal(replay.mark(kSource)->sequence, s);
    assert_true(
        receive(signedHeartbeat(kSource, s + 1), kSource, &k1(), true, kMonotonic, 0, replay).ok);
    assert_int_equal(replay.mark(kSource)->sequence, s + 1);
}

static void keys_configured_and_no_trailer_is_auth_missing(void**) {
    assertDrop(once(vectorMessage()), Drop::Missing, "unsigned at a keyed receiver");
    // Anything but exactly the message or message + trailer is malformed.
    Bytes d = vectorDatagram();
    d.pop_back();
    const Received r = once(d);
    assertDrop(r, Drop::Malformed, "trailer one byte short");
    assert_true(r.detail.find("signed, 81") != std::string::npos);
    d = vectorMessage();
    d.push_back(0);
    assertDrop(once(d), Drop::Malformed, "one byte after the message");
    d = vectorDatagram();
    d.push_back(0);
    assertDrop(once(d), Drop::Malformed, "one byte after the trailer");
    // A trailer of another scheme.
    d = vectorDatagram();
    d[vectorMessage().size()] = 2;
    const Received other = once(d);
    assertDrop(other, Drop::Malformed, "ext_type 2");
    assert_true(other.detail.find("trailer") != std::string::npos);
}

// Modes permissive and receive-only (requireTrailer false): a plain heartbeat is accepted and
// marks nothing; a signed one is still verified, and a bad one still dropped.
static void a_receiver_that_does_not_require_a_trailer_accepts_plain_heartbeats(void**) {
    auth::ReplayTable replay;
    const Received plain = receive(vectorMessage(), kSource, &k1(), false, kMonotonic, 0, replay);
    assert_true(plain.ok);
    assert_int_equal(replay.size(), 0);
    assert_true(receive(vectorDatagram(), kSource, &k1(), false, kMonotonic, 0, replay).ok);
    assertDrop(receive(vectorDatagram(), kSource, &k1(), false, kMonotonic, 0, replay),
               Drop::Replay, "the same signed heartbeat again");
    Bytes d = vectorDatagram();
    d[5] ^= 1;
    assertDrop(receive(d, kSource, &k1(), false, kMonotonic, 0, replay), Drop::BadHmac,
               "altered, not required");
}

static void no_keys_and_a_trailer_is_auth_unexpected(void**) {
    auth::ReplayTable replay;
    assertDrop(receive(vectorDatagram(), kSource, nullptr, true, kMonotonic, 0, replay),
               Drop::Unexpected, "signed at an unkeyed receiver");
    const Received r = receive(vectorMessage(), kSource, nullptr, true, kMonotonic, 0, replay);
    assert_true(r.ok);
    assert_string_equal(r.heartbeat.name.c_str(), "node-a");
    // Without keys nothing is marked: the same message is accepted again.
    assert_true(receive(vectorMessage(), kSource, nullptr, true, kMonotonic, 0, replay).ok);
    assert_int_equal(replay.size(), 0);
    Bytes d = vectorMessage();
    d.push_back(0);
    assertDrop(receive(d, kSource, nullptr, true, kMonotonic, 0, replay), Drop::Malformed,
               "one byte after the message");
}

static void malformed_datagrams_say_what_is_wrong(void**) {
    for (const auth::KeyRing* keys : {&k1(), static_cast<const auth::KeyRing*>(nullptr)}) {
        auth::ReplayTable replay;
        const Received shortOne = receive(Bytes(10, 0), kSource, keys, true, kMonotonic, 0, replay);
        assertDrop(shortOne, Drop::Malformed, "10 bytes");
        assert_true(shortOne.detail.find("too short") != std::string::npos);
        Bytes d = keys ? vectorDatagram() : vectorMessage();
        d[0] = 'X';
        const Received magic = receive(d, kSource, keys, true, kMonotonic, 0, replay);
        assertDrop(magic, Drop::Malformed, "bad magic");
        assert_true(magic.detail.find("magic") != std::string::npos);
    }
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(known_answer_datagram_signs_and_receives),
        cmocka_unit_test(signed_heartbeats_of_both_families_are_received),
        cmocka_unit_test(every_altered_byte_is_dropped),
        cmocka_unit_test(another_source_address_or_key_is_a_bad_hmac),
        cmocka_unit_test(an_unknown_key_id_is_unknown_key),
        cmocka_unit_test(a_sequence_beyond_the_time_window_is_stale),
        cmocka_unit_test(the_same_sequence_twice_is_a_replay),
        cmocka_unit_test(forged_or_malformed_heartbeats_do_not_move_the_replay_mark),
        cmocka_unit_test(keys_configured_and_no_trailer_is_auth_missing),
        cmocka_unit_test(a_receiver_that_does_not_require_a_trailer_accepts_plain_heartbeats),
        cmocka_unit_test(no_keys_and_a_trailer_is_auth_unexpected),
        cmocka_unit_test(malformed_datagrams_say_what_is_wrong),
    };
    return cmocka_run_group_tests_name("proto-heartbeat-auth", tests, nullptr, nullptr);
}
