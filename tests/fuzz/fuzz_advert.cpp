// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the receive path (TOOLCHAIN.md §8): parseIpv4 + decode on arbitrary
// bytes, and decode behind arbitrary IPv6 metadata. Besides memory safety (ASan/UBSan), it
// checks that whatever decode accepts re-encodes to the same message (up to the reserved bits
// and the checksum's representation of zero; without the auth trailer, if there was one) and
// decodes again to the same advert.
//
// Input: the whole buffer is tried as an IPv4 packet; if it holds at least 33 bytes it is also
// tried as IPv6 source (16 bytes), destination (16), hop limit (1) and the VRRP message.
#include "proto/advert.h"
#include "proto/ipv4.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

using namespace hafd;
using namespace hafd::proto;

namespace {

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

void roundTrip(std::span<const uint8_t> message, const RxMeta& meta) {
    const auto d = decode(message, meta);
    if (!d.ok())
        return;
    const Advertisement& a = d->advert;
    const std::vector<uint8_t> out = encode(a, d->checksumForm, meta.source, meta.destination);
    // An auth trailer after the message is not the advert's: fuzz-advert-auth judges it.
    check(out.size() == message.size() - (d->trailer ? kAuthTrailerLength : 0));
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (i == 6 || i == 7)
            continue; // 0x0000 and 0xffff are the same checksum
        const uint8_t mask = (i == 4 && a.version == Version::V3) ? 0x0f : 0xff; // reserved bits
        check((out[i] & mask) == (message[i] & mask));
    }
    const auto again = decode(out, meta);
    check(again.ok());
    check(again->advert == a);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    const std::span<const uint8_t> input(data, size);

    const auto ip = parseIpv4(input);
    if (ip.ok()) {
        check(ip->payload.data() >= data && ip->payload.data() + ip->payload.size() <= data + size);
        if (ip->protocol == kIpProtoVrrp)
            roundTrip(ip->payload, ip->meta);
        // The header we would build for this packet parses back to the same addresses.
        std::array<uint8_t, kIpv4HeaderLength> h{};
        if (buildIpv4Header(h, ip->meta.source, ip->meta.destination, 0, 1) != 0) {
            const auto back = parseIpv4(h);
            check(back.ok() && back->meta.source == ip->meta.source &&
                  back->meta.destination == ip->meta.destination && back->payload.empty());
        }
    }

    if (size >= 33) {
        RxMeta meta;
        meta.source = IpAddress(Family::V6, input.subspan(0, 16));
        meta.destination = IpAddress(Family::V6, input.subspan(16, 16));
        meta.hopLimit = input[32];
        roundTrip(input.subspan(33), meta);
    }
    return 0;
}
