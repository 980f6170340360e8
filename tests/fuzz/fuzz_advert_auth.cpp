// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the auth_hmac trailer on received adverts (AUTH_HMAC.md §6, §11): decode,
// then what AdvertAuth::admit asks of proto/auth for a payload with a trailer (authenticate in
// both anti-replay modes, then the replay table), with a fixed key ring: ids 1 and 7 = K1, 2 = K2
// (AUTH_HMAC.md §13.1), and a fixed clock, that of the keepalived captures (§13.6). Besides
// memory safety (ASan/UBSan), it checks:
// - the two modes differ only in freshness, and nothing but the replay table says Replay;
// - a trailer that verifies is the one signing the message again gives, and is a replay the
//   second time;
// - an advert decoded without a trailer, once signed, authenticates, and over IPv4 (whose
//   checksum does not cover the trailer) decodes again to the same advert with a trailer.
//
// Input: as fuzz-advert's: the whole buffer as an IPv4 packet; from 33 bytes on also IPv6
// source (16 bytes), destination (16), hop limit (1) and the VRRP payload.
#include "proto/advert.h"
#include "proto/auth.h"
#include "proto/ipv4.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

using namespace hafd;
using namespace hafd::proto;

namespace {

constexpr int64_t kNow = 1795398828; // the clock of the keepalived captures (§13.6)
constexpr auth::Policy kTime{auth::AntiReplay::Time, 5};
constexpr auth::Policy kMonotonic{auth::AntiReplay::Monotonic, 5};

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

// K1 is the bytes 00..1f, K2 20..3f.
std::shared_ptr<const auth::Key> key(uint8_t first) {
    std::array<uint8_t, 32> bytes{};
    for (std::size_t i = 0; i < bytes.size(); ++i)
        bytes[i] = static_cast<uint8_t>(first + i);
    auto k = auth::Key::create(bytes);
    check(k.ok());
    return std::make_shared<const auth::Key>(std::move(*k));
}

const auth::KeyRing& ring() {
    static const auth::KeyRing r({{1, key(0x00)}, {2, key(0x20)}, {7, key(0x00)}}, 1);
    return r;
}

void signedPayload(std::span<const uint8_t> payload, const auth::Binding& b) {
    const std::size_t n = payload.size() - auth::kTrailerLength;
    const auto message = payload.first(n);
    const auto trailer = payload.subspan(n).first<auth::kTrailerLength>();
    const auth::Verdict time = auth::authenticate(message, trailer, b, ring(), kTime, kNow);
    const auth::Verdict mono = auth::authenticate(message, trailer, b, ring(), kMonotonic, kNow);
    check(time == mono || time == auth::Verdict::Stale);
    check(mono != auth::Verdict::Stale && mono != auth::Verdict::Replay);
    check(time != auth::Verdict::Replay);

    auth::ReplayTable replay;
    check(auth::verify(message, trailer, b, ring(), kMonotonic, kNow, replay) == mono);
    if (mono != auth::Verdict::Ok)
        return;
    check(auth::verify(message, trailer, b, ring(), kMonotonic, kNow, replay) ==
          auth::Verdict::Replay);
    const auth::Key* k = ring().find(trailer[1]);
    check(k != nullptr);
    std::vector<uint8_t> again(payload.begin(), payload.end());
    auth::sign(again, n, b, trailer[1], *k, auth::trailerSequence(trailer));
    check(std::equal(again.begin(), again.end(), payload.begin(), payload.end()));
}

void plainPayload(std::span<const uint8_t> payload, const Decoded& d, const RxMeta& meta,
                  const auth::Binding& b) {
    std::vector<uint8_t> out(payload.begin(), payload.end());
    out.resize(payload.size() + auth::kTrailerLength);
    const uint64_t sequence = auth::clockSequence({kNow, 0});
    auth::sign(out, payload.size(), b, ring().activeId(), ring().active(), sequence);
    const auto message = std::span<const uint8_t>(out).first(payload.size());
    const auto trailer = std::span<const uint8_t>(out).last<auth::kTrailerLength>();
    check(auth::trailerSequence(trailer) == sequence);
    check(auth::authenticate(message, trailer, b, ring(), kTime, kNow) == auth::Verdict::Ok);
    // Bound to the VRID: the same trailer for another one does not verify.
    const auth::Binding other{b.version, static_cast<uint8_t>(b.vrid + 1), b.source};
    check(auth::authenticate(message, trailer, other, ring(), kTime, kNow) ==
          auth::Verdict::BadHmac);
    if (meta.source.family() == Family::V4) {
        const auto back = decode(out, meta);
        check(back.ok() && back->trailer && back->advert == d.advert);
    }
}

void judge(std::span<const uint8_t> payload, const RxMeta& meta) {
    const auto d = decode(payload, meta);
    if (!d.ok())
        return;
    const auth::Binding b{d->advert.version, d->advert.vrid, meta.source};
    if (d->trailer)
        signedPayload(payload, b);
    else
        plainPayload(payload, *d, meta, b);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::span<const uint8_t> input(data, size);
    const auto ip = parseIpv4(input);
    if (ip.ok() && ip->protocol == kIpProtoVrrp)
        judge(ip->payload, ip->meta);
    if (size >= 33) {
        RxMeta meta;
        meta.source = IpAddress(Family::V6, input.subspan(0, 16));
        meta.destination = IpAddress(Family::V6, input.subspan(16, 16));
        meta.hopLimit = input[32];
        judge(input.subspan(33), meta);
    }
    return 0;
}
