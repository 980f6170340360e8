// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for cluster heartbeats (proto/heartbeat.h): decode, and receive as the
// daemon calls it, with and without keys (key id 1 = K1 of AUTH_HMAC.md §13.1), a trailer
// required or not, in both anti-replay modes, at the known-answer vector's clock. Besides memory
// safety (ASan/UBSan), it checks:
// - what decode accepts encodes to the same bytes (up to the flag bits it ignores) and decodes
//   to the same heartbeat; receive without keys agrees with decode on a plain message;
// - a datagram receive accepts holds a message decode accepts, and when signed, signing that
//   message again gives the same datagram, and the second receipt is a replay;
// - a heartbeat decode accepts, once signed, is received as the same heartbeat.
//
// Input: the datagram, from 192.0.2.1 (the vector's source) and, again, from 2001:db8::1.
#include "proto/heartbeat.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

using namespace hafd;
using namespace hafd::proto;
namespace hb = hafd::proto::heartbeat;

namespace {

constexpr int64_t kNow = 0x68000000; // the known-answer sequence's seconds
constexpr std::size_t kFlagsAt = 5;
constexpr uint8_t kKnownFlags = 0x07; // quorum, witness, leaving

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

const auth::KeyRing& ring() {
    static const auth::KeyRing r = [] {
        std::array<uint8_t, 32> bytes{};
        for (std::size_t i = 0; i < bytes.size(); ++i)
            bytes[i] = static_cast<uint8_t>(i);
        auto k = auth::Key::create(bytes);
        check(k.ok());
        return auth::KeyRing({{1, std::make_shared<const auth::Key>(std::move(*k))}}, 1);
    }();
    return r;
}

bool sameBytes(std::span<const uint8_t> a, std::span<const uint8_t> b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void decodeRoundTrip(std::span<const uint8_t> input, const IpAddress& source) {
    const auto d = hb::decode(input);
    if (!d.ok())
        return;
    const std::vector<uint8_t> out = hb::encode(*d);
    check(out.size() == input.size());
    for (std::size_t i = 0; i < out.size(); ++i) {
        const uint8_t mask = i == kFlagsAt ? kKnownFlags : 0xff;
        check((out[i] & mask) == (input[i] & mask));
    }
    const auto again = hb::decode(out);
    check(again.ok() && *again == *d);

    // Signed now, it is received as the same heartbeat (and its replay is refused).
    const auto datagram =
        hb::sign(out, source, ring().activeId(), ring().active(), auth::clockSequence({kNow, 0}));
    for (const auth::Policy policy :
         {auth::Policy{auth::AntiReplay::Time, 5}, auth::Policy{auth::AntiReplay::Monotonic, 5}}) {
        auth::ReplayTable replay;
        const hb::Received r = hb::receive(datagram, source, &ring(), true, policy, kNow, replay);
        check(r.ok && r.heartbeat == *d);
        const hb::Received twice =
            hb::receive(datagram, source, &ring(), true, policy, kNow, replay);
        check(!twice.ok && twice.drop == hb::Drop::Replay);
    }
}

void receiveAll(std::span<const uint8_t> input, const IpAddress& source) {
    const auto d = hb::decode(input);
    {
        auth::ReplayTable replay;
        const hb::Received r =
            hb::receive(input, source, nullptr, false, {auth::AntiReplay::Time, 5}, kNow, replay);
        // Without keys, a datagram is received exactly when decode accepts it whole.
        check(r.ok == d.ok());
        if (d.ok())
            check(r.heartbeat == *d);
        check(replay.size() == 0);
    }
    for (const bool require : {false, true}) {
        for (const auth::Policy policy : {auth::Policy{auth::AntiReplay::Time, 5},
                                          auth::Policy{auth::AntiReplay::Monotonic, 5}}) {
            auth::ReplayTable replay;
            const hb::Received r =
                hb::receive(input, source, &ring(), require, policy, kNow, replay);
            if (!r.ok) {
                check(replay.size() == 0); // only what passes everything moves a mark
                continue;
            }
            if (replay.size() == 0) { // accepted plain: permissive modes only
                check(!require && d.ok() && r.heartbeat == *d);
                continue;
            }
            // Accepted signed: the message before the trailer is the heartbeat, the trailer the
            // one signing it again gives, and the same datagram again is a replay.
            const auto message = input.first(input.size() - auth::kTrailerLength);
            const auto m = hb::decode(message);
            check(m.ok() && *m == r.heartbeat);
            const auto trailer = input.last<auth::kTrailerLength>();
            const auth::Key* k = ring().find(trailer[1]);
            check(k != nullptr);
            const auto again =
                hb::sign(message, source, trailer[1], *k, auth::trailerSequence(trailer));
            check(sameBytes(again, input));
            const hb::Received twice =
                hb::receive(input, source, &ring(), require, policy, kNow, replay);
            check(!twice.ok && twice.drop == hb::Drop::Replay);
        }
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::span<const uint8_t> input(data, size);
    static const IpAddress sources[] = {
        IpAddress(Family::V4, std::array<uint8_t, 4>{192, 0, 2, 1}),
        IpAddress(Family::V6, std::array<uint8_t, 16>{0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0,
                                                      0, 0, 0, 0, 1}),
    };
    for (const IpAddress& source : sources) {
        receiveAll(input, source);
        decodeRoundTrip(input, source);
    }
    return 0;
}
