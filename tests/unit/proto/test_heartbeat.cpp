// SPDX-License-Identifier: Apache-2.0
// The cluster heartbeat's codec (proto/heartbeat.h, hafd-heartbeat(7)): round trips, the
// known-answer message, every way a message can be malformed, the VIP digest and the drop names.
#include "proto/heartbeat.h"

#include "heartbeat_vectors.h"
#include "proto_test.h"
#include "unit_test.h"

#include <algorithm>
#include <set>
#include <string>

using namespace hafd;
using namespace hafd::proto::heartbeat;
using proto_test::Bytes;
using proto_test::hex;
using proto_test::ip;

namespace {

Prefix prefix(const char* text) {
    const auto p = Prefix::parse(text);
    if (!p)
        fail_msg("bad prefix '%s' in test", text);
    return *p;
}

InstanceEntry entry(Family f, uint8_t vrid, uint8_t state = 1) {
    InstanceEntry e;
    e.family = f;
    e.vrid = vrid;
    e.state = state;
    e.priority = static_cast<uint8_t>(100 + vrid % 100);
    e.basePriority = 100;
    e.version = f == Family::V6 ? 3 : static_cast<uint8_t>(2 + vrid % 2);
    e.intervalCs = static_cast<uint16_t>(vrid * 7);
    e.vipCount = static_cast<uint16_t>(vrid % 5);
    e.vipDigest = 0x9e3779b9u * vrid;
    return e;
}

// The known-answer heartbeat, as a struct.
Heartbeat vectorHeartbeat() {
    Heartbeat hb;
    hb.quorum = true;
    hb.startId = 0x0123456789abcdef;
    hb.counter = 42;
    hb.leaseMs = 2000;
    hb.name = "node-a";
    InstanceEntry e;
    e.family = Family::V4;
    e.vrid = 51;
    e.state = 2;
    e.priority = 200;
    e.basePriority = 200;
    e.version = 3;
    e.intervalCs = 100;
    e.vipCount = 1;
    e.vipDigest = heartbeat_test::kDigestV4;
    hb.instances = {e};
    return hb;
}

void roundTrip(const Heartbeat& hb) {
    const Bytes bytes = encode(hb);
    assert_int_equal(bytes.size(),
                     kFixedLength + hb.name.size() + 2 + hb.instances.size() * kEntryLength);
    const auto back = decode(bytes);
    if (!back)
        fail_msg("decode: %s", back.error().message.c_str());
    assert_true(*back == hb);
}

// Decoding `bytes` fails, and the error says `what`.
void assertMalformed(const Bytes& bytes, const char* what) {
    const auto r = decode(bytes);
    if (r)
        fail_msg("decoded, expected an error about '%s'", what);
    if (r.error().message.find(what) == std::string::npos)
        fail_msg("error '%s' does not mention '%s'", r.error().message.c_str(), what);
}

// The known-answer message with its byte at `offset` set to `value`.
Bytes vectorWith(std::size_t offset, uint8_t value) {
    Bytes b = hex(heartbeat_test::kMessage);
    b.at(offset) = value;
    return b;
}

// Offsets in the known-answer message (name "node-a", 6 bytes).
constexpr std::size_t kCountAt = kFixedLength + 6;
constexpr std::size_t kEntryAt = kCountAt + 2;

} // namespace

static void round_trip_without_instances(void**) {
    Heartbeat hb;
    hb.name = "w";
    hb.witness = true;
    hb.startId = 1;
    hb.counter = 1;
    hb.leaseMs = 3000;
    roundTrip(hb);
}

static void round_trip_one_instance_of_each_family(void**) {
    Heartbeat hb = vectorHeartbeat();
    roundTrip(hb);
    hb.instances = {entry(Family::V6, 200, 3)};
    roundTrip(hb);
}

static void round_trip_many_instances_both_families_and_extreme_values(void**) {
    Heartbeat hb;
    hb.quorum = true;
    hb.leaving = true;
    hb.startId = ~uint64_t{0};
    hb.counter = 0x8000000000000001;
    hb.leaseMs = 0xffffffff;
    hb.name = std::string(kMaxNameLength, 'Z');
    for (uint8_t vrid = 1; vrid <= 40; ++vrid)
        hb.instances.push_back(
            entry(vrid % 3 ? Family::V4 : Family::V6, vrid, static_cast<uint8_t>(vrid % 4)));
    hb.instances.back().priority = 255;
    hb.instances.back().basePriority = 0;
    hb.instances.back().intervalCs = 0xffff;
    hb.instances.back().vipCount = 0xffff;
    hb.instances.back().vipDigest = 0xffffffff;
    hb.instances.back().successor = 0xffff;
    hb.instances.front().successor = 1;
    roundTrip(hb);
}

// The first 2 bytes of SHA-256 over the name (computed independently: Python's hashlib).
static void successor_tags_match_the_python_vectors(void**) {
    assert_int_equal(successorTag("n1"), 0x676b);
    assert_int_equal(successorTag("n2"), 0x0480);
    assert_int_equal(successorTag("w"), 0x50e7);
}

static void round_trip_max_instances_is_the_largest_message(void**) {
    Heartbeat hb;
    hb.name = std::string(kMaxNameLength, 'n');
    for (std::size_t i = 0; i < kMaxInstances; ++i)
        hb.instances.push_back(
            entry(i % 2 ? Family::V6 : Family::V4, static_cast<uint8_t>(1 + i % 255)));
    roundTrip(hb);
    assert_int_equal(encode(hb).size() + proto::auth::kTrailerLength, kMaxLength);
}

static void encode_gives_the_known_answer_message(void**) {
    const Bytes expected = hex(heartbeat_test::kMessage);
    assert_true(encode(vectorHeartbeat()) == expected);
    const auto back = decode(expected);
    assert_true(back.ok());
    assert_true(*back == vectorHeartbeat());
}

static void unknown_flags_are_ignored_and_the_successor_is_read(void**) {
    Bytes b = vectorWith(5, 0xf9); // quorum and bits 3-7; witness and leaving clear
    const auto r = decode(b);
    assert_true(r.ok());
    assert_true(*r == vectorHeartbeat());
    // Bytes 14-15 of an entry (reserved in the first format) name a successor.
    b[kEntryAt + 14] = 0xab;
    b[kEntryAt + 15] = 0xcd;
    const auto named = decode(b);
    assert_true(named.ok());
    assert_int_equal(named->instances[0].successor, 0xabcd);
    const auto all = decode(vectorWith(5, 0x07));
    assert_true(all.ok());
    assert_true(all->quorum && all->witness && all->leaving);
}

static void short_messages_are_malformed(void**) {
    const Bytes full = hex(heartbeat_test::kMessage);
    for (std::size_t n = 0; n < full.size(); ++n) {
        const Bytes cut(full.begin(), full.begin() + static_cast<std::ptrdiff_t>(n));
        assert_false(decode(cut).ok());
    }
    assertMalformed(Bytes(full.begin(), full.begin() + 31), "too short");
}

static void bad_magic_and_format_version_are_malformed(void**) {
    assertMalformed(vectorWith(0, 'h'), "magic");
    assertMalformed(vectorWith(3, 'V'), "magic");
    assertMalformed(vectorWith(4, 0), "format version 0");
    assertMalformed(vectorWith(4, 2), "format version 2");
}

static void a_length_field_other_than_the_size_is_malformed(void**) {
    assertMalformed(vectorWith(7, 0x34), "length field says 52");
    assertMalformed(vectorWith(7, 0x36), "length field says 54");
    assertMalformed(vectorWith(6, 0x01), "length field says 309");
    assertMalformed(vectorWith(7, 0x1f), "below the minimum");
    Bytes longer = hex(heartbeat_test::kMessage);
    longer.push_back(0); // one byte more than the field says
    assertMalformed(longer, "the message has 54");
}

static void bad_names_are_malformed(void**) {
    assertMalformed(vectorWith(kFixedLength - 1, 0), "name length 0");
    const uint8_t badBytes[] = {' ', '/', ':', '\0', '\n', '@', 0x80, 0xff};
    for (const uint8_t c : badBytes)
        assertMalformed(vectorWith(kFixedLength + 2, c), "name byte 2");
    // 65 bytes, with the length field and the size agreeing.
    Heartbeat hb = vectorHeartbeat();
    hb.name = std::string(kMaxNameLength, 'x');
    Bytes b = encode(hb);
    b.insert(b.begin() + kFixedLength, 'x');
    b[kFixedLength - 1] = kMaxNameLength + 1;
    b[7] = static_cast<uint8_t>(b.size());
    assertMalformed(b, "name length 65");
    // A name that runs over the count.
    Heartbeat empty;
    empty.name = "abc";
    Bytes over = encode(empty);
    over[kFixedLength - 1] = 4;
    assertMalformed(over, "do not fit");
}

static void instance_counts_that_do_not_add_up_are_malformed(void**) {
    Bytes b = hex(heartbeat_test::kMessage);
    b[kCountAt] = 0x04;
    b[kCountAt + 1] = 0x01; // 1025
    assertMalformed(b, "instance count 1025");
    assertMalformed(vectorWith(kCountAt + 1, 2), "2 instances need 32 bytes");
    assertMalformed(vectorWith(kCountAt + 1, 0), "0 instances need 0 bytes");
    // kMaxInstances is accepted only when the entries are there: a count of 1024 with one entry.
    b = hex(heartbeat_test::kMessage);
    b[kCountAt] = 0x04;
    b[kCountAt + 1] = 0x00;
    assertMalformed(b, "1024 instances need 16384 bytes");
}

static void bad_entry_fields_are_malformed(void**) {
    const uint8_t families[] = {0, 5, 10, 46, 255};
    for (const uint8_t f : families)
        assertMalformed(vectorWith(kEntryAt, f), "instance 0: family");
    assertMalformed(vectorWith(kEntryAt + 1, 0), "instance 0: VRID 0");
    assertMalformed(vectorWith(kEntryAt + 2, 4), "instance 0: state 4");
    assertMalformed(vectorWith(kEntryAt + 2, 255), "instance 0: state 255");
    const uint8_t versions[] = {0, 1, 4, 255};
    for (const uint8_t v : versions)
        assertMalformed(vectorWith(kEntryAt + 5, v), "instance 0: VRRP version");
    // The error names the entry: the third of three.
    Heartbeat hb = vectorHeartbeat();
    hb.instances = {entry(Family::V4, 1), entry(Family::V6, 2), entry(Family::V4, 3)};
    Bytes b = encode(hb);
    b[kEntryAt + 2 * kEntryLength + 1] = 0;
    assertMalformed(b, "instance 2: VRID 0");
    // Every value in range decodes.
    for (uint8_t s = 0; s <= 3; ++s)
        assert_true(decode(vectorWith(kEntryAt + 2, s)).ok());
    assert_true(decode(vectorWith(kEntryAt + 1, 255)).ok());
    assert_true(decode(vectorWith(kEntryAt + 5, 2)).ok());
    assert_true(decode(vectorWith(kEntryAt, 6)).ok());
}

static void vip_digest_matches_the_python_vectors(void**) {
    const Prefix v4[] = {prefix("192.0.2.100/24")};
    assert_int_equal(vipDigest(v4), heartbeat_test::kDigestV4);
    const Prefix v6[] = {prefix("2001:db8::2/64"), prefix("2001:db8::1/64")};
    assert_int_equal(vipDigest(v6), heartbeat_test::kDigestV6);
    const Prefix v6len[] = {prefix("2001:db8::1/64"), prefix("2001:db8::2/96")};
    assert_int_equal(vipDigest(v6len), heartbeat_test::kDigestV6Len);
    assert_int_equal(vipDigest({}), heartbeat_test::kDigestEmpty);
}

static void vip_digest_ignores_order_and_tells_lists_apart(void**) {
    std::vector<Prefix> vips = {prefix("192.0.2.10/24"), prefix("192.0.2.9/24"),
                                prefix("192.0.2.200/32"), prefix("192.0.2.10/25"),
                                prefix("198.51.100.1/24")};
    const uint32_t d = vipDigest(vips);
    std::sort(vips.begin(), vips.end());
    int permutations = 0;
    do {
        assert_int_equal(vipDigest(vips), d);
        ++permutations;
    } while (std::next_permutation(vips.begin(), vips.end()) && permutations < 200);

    std::set<uint32_t> seen{d};
    auto differs = [&](std::vector<Prefix> other) {
        const uint32_t x = vipDigest(other);
        if (!seen.insert(x).second)
            fail_msg("a different VIP list gave a digest already seen: %08x", x);
    };
    differs({prefix("192.0.2.10/24"), prefix("192.0.2.9/24"), prefix("192.0.2.200/32"),
             prefix("192.0.2.10/25")}); // one fewer
    differs({prefix("192.0.2.10/24"), prefix("192.0.2.9/24"), prefix("192.0.2.200/32"),
             prefix("192.0.2.10/25"), prefix("198.51.100.1/23")}); // one prefix length
    differs({prefix("192.0.2.10/24"), prefix("192.0.2.9/24"), prefix("192.0.2.200/32"),
             prefix("192.0.2.10/25"), prefix("198.51.100.2/24")}); // one address
    differs({prefix("192.0.2.100/24")});
    differs({prefix("192.0.2.100/32")});
    differs({prefix("2001:db8::100/64")});
    differs({});
    // A duplicate counts.
    differs({prefix("192.0.2.100/24"), prefix("192.0.2.100/24")});
}

static bool isSnakeCase(const std::string& s) {
    if (s.empty() || s.front() == '_' || s.back() == '_')
        return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
    });
}

static void drop_names_are_stable_unique_snake_case(void**) {
    const char* const expected[kDropCount] = {
        "malformed", "auth_missing", "auth_unexpected", "unknown_key",
        "bad_hmac",  "stale",        "replay",          "unknown_node",
    };
    std::set<std::string> seen;
    for (std::size_t i = 0; i < kDropCount; ++i) {
        const std::string name = dropName(static_cast<Drop>(i));
        assert_string_equal(name.c_str(), expected[i]);
        assert_true(isSnakeCase(name));
        assert_true(seen.insert(name).second);
    }
    assert_string_equal(dropName(static_cast<Drop>(200)), "unknown");
}

int main() {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trip_without_instances),
        cmocka_unit_test(round_trip_one_instance_of_each_family),
        cmocka_unit_test(round_trip_many_instances_both_families_and_extreme_values),
        cmocka_unit_test(round_trip_max_instances_is_the_largest_message),
        cmocka_unit_test(encode_gives_the_known_answer_message),
        cmocka_unit_test(unknown_flags_are_ignored_and_the_successor_is_read),
        cmocka_unit_test(short_messages_are_malformed),
        cmocka_unit_test(bad_magic_and_format_version_are_malformed),
        cmocka_unit_test(a_length_field_other_than_the_size_is_malformed),
        cmocka_unit_test(bad_names_are_malformed),
        cmocka_unit_test(instance_counts_that_do_not_add_up_are_malformed),
        cmocka_unit_test(bad_entry_fields_are_malformed),
        cmocka_unit_test(vip_digest_matches_the_python_vectors),
        cmocka_unit_test(successor_tags_match_the_python_vectors),
        cmocka_unit_test(vip_digest_ignores_order_and_tells_lists_apart),
        cmocka_unit_test(drop_names_are_stable_unique_snake_case),
    };
    return cmocka_run_group_tests_name("proto-heartbeat", tests, nullptr, nullptr);
}
