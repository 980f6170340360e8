// SPDX-License-Identifier: Apache-2.0
// VRRP message sizes, checksum forms and the encoder. The decoder is in advert_decode.cpp.
#include "proto/advert.h"

#include "proto/advert_wire.h"
#include "proto/checksum.h"
#include "proto/wire.h"

#include <algorithm>

namespace hafd::proto {

using namespace advert_wire;

const char* checksumFormName(ChecksumForm form) {
    switch (form) {
    case ChecksumForm::PseudoHeader:
        return "pseudo_header";
    case ChecksumForm::MessageOnly:
        return "rfc9568";
    case ChecksumForm::LegacyUnicast:
        return "legacy_unicast";
    }
    return "unknown";
}

std::size_t messageLength(Version v, Family f, std::size_t count) {
    // RFC 9568 §5.2: 8-byte header + addresses; RFC 3768 §5.3: the same + 8 bytes of auth data.
    return kHeaderLength + count * addressLength(f) + (v == Version::V2 ? kV2AuthDataLength : 0);
}

std::size_t maxAddressesPerAdvert(Version v, Family f, std::size_t mtu, std::size_t trailer) {
    if (v == Version::V2 && f != Family::V4)
        return 0; // RFC 3768: VRRPv2 is IPv4 only
    const std::size_t ipHeader = f == Family::V4 ? 20 : 40;
    const std::size_t fixed = ipHeader + messageLength(v, f, 0) + trailer;
    if (mtu <= fixed)
        return 0;
    return std::min<std::size_t>((mtu - fixed) / addressLength(f), 255);
}

namespace advert_wire {

bool usesPseudoHeader(Version version, Family family, ChecksumForm form) {
    if (version == Version::V2)
        return false;
    if (family == Family::V6)
        return true;
    return form != ChecksumForm::MessageOnly;
}

uint16_t messageChecksum(std::span<const uint8_t> message, Version version, Family family,
                         ChecksumForm form, const IpAddress& source, const IpAddress& destination) {
    if (!usesPseudoHeader(version, family, form))
        return internetChecksum(message);
    // The old keepalived unicast form puts the multicast group where the destination belongs
    // (PROTOCOL.md §2.4, TV7). For IPv6 only the real destination is used (RFC 9568 §5.2.8).
    const bool legacy = family == Family::V4 && form == ChecksumForm::LegacyUnicast;
    const IpAddress& dst = legacy ? vrrpMulticastGroup(Family::V4) : destination;
    return pseudoHeaderChecksum(source, dst, kIpProtoVrrp, message);
}

} // namespace advert_wire

namespace {

bool knownForm(ChecksumForm form) {
    return form == ChecksumForm::PseudoHeader || form == ChecksumForm::MessageOnly ||
           form == ChecksumForm::LegacyUnicast;
}

// Whether `advert` has a wire representation (RFC 9568 §5.2, RFC 3768 §5.3).
bool encodable(const Advertisement& a) {
    if (a.version != Version::V2 && a.version != Version::V3)
        return false;
    if (a.family != Family::V4 && a.family != Family::V6)
        return false;
    if (a.version == Version::V2 && a.family != Family::V4)
        return false; // VRRPv2 is IPv4 only
    // Count is 8 bits and at least 1 (RFC 9568 §5.2.5 with its erratum: receivers drop 0).
    if (a.addresses.empty() || a.addresses.size() > 255)
        return false;
    if (!std::all_of(a.addresses.begin(), a.addresses.end(),
                     [&](const IpAddress& ip) { return ip.family() == a.family; }))
        return false; // RFC 9568 §5.2.9: all addresses of one family
    if (a.version == Version::V3)
        return a.intervalCs >= 1 && a.intervalCs <= kMaxV3IntervalCs;
    // VRRPv2: whole seconds, 1..255 (RFC 3768 §5.3.7), and an auth type we can express.
    if (a.intervalCs % kCentisecondsPerSecond != 0)
        return false;
    const unsigned seconds = a.intervalCs / kCentisecondsPerSecond;
    if (seconds < 1 || seconds > kMaxV2IntervalS)
        return false;
    return a.authType == V2AuthType::None || a.authType == V2AuthType::SimplePassword;
}

// Stores the checksum of `msg` for `family` (the addresses are used only with a pseudo-header).
void storeChecksum(std::span<uint8_t> msg, Version v, Family family, ChecksumForm form,
                   const IpAddress& source, const IpAddress& destination) {
    wire::store16(msg, kChecksum, 0);
    wire::store16(msg, kChecksum, messageChecksum(msg, v, family, form, source, destination));
}

} // namespace

bool setChecksum(std::span<uint8_t> message, Version v, ChecksumForm form, const IpAddress& source,
                 const IpAddress& destination) {
    if (message.size() < kHeaderLength || !knownForm(form))
        return false;
    const Family family = source.family();
    if (v != Version::V3 && (v != Version::V2 || family != Family::V4))
        return false;
    if (usesPseudoHeader(v, family, form) && destination.family() != family)
        return false;
    storeChecksum(message, v, family, form, source, destination);
    return true;
}

std::size_t encode(const Advertisement& advert, ChecksumForm form, const IpAddress& source,
                   const IpAddress& destination, std::span<uint8_t> out) {
    if (!encodable(advert) || !knownForm(form))
        return 0;
    if (usesPseudoHeader(advert.version, advert.family, form) &&
        (source.family() != advert.family || destination.family() != advert.family))
        return 0;
    const std::size_t length =
        messageLength(advert.version, advert.family, advert.addresses.size());
    if (out.size() < length)
        return 0;
    const auto msg = out.first(length);

    msg[kVersionType] =
        static_cast<uint8_t>((static_cast<unsigned>(advert.version) << 4) | kTypeAdvertisement);
    msg[kVrid] = advert.vrid;
    msg[kPriority] = advert.priority;
    msg[kCount] = static_cast<uint8_t>(advert.addresses.size());
    if (advert.version == Version::V3) {
        // Reserved bits are sent as zero (RFC 9568 §5.2.6); FRR 8.4 would read them as interval.
        wire::store16(msg, kV3Interval, advert.intervalCs & kV3IntervalMask);
    } else {
        msg[kV2AuthType] = static_cast<uint8_t>(advert.authType);
        msg[kV2Interval] = static_cast<uint8_t>(advert.intervalCs / kCentisecondsPerSecond);
    }
    std::size_t offset = kAddresses;
    for (const IpAddress& ip : advert.addresses) {
        wire::put(msg, offset, ip.bytes());
        offset += ip.bytes().size();
    }
    if (advert.version == Version::V2) {
        // RFC 3768 §5.3.10: always 8 bytes; zero unless keepalived's PASS carries a password.
        wire::put(msg, offset, advert.authData);
    }
    storeChecksum(msg, advert.version, advert.family, form, source, destination);
    return length;
}

std::vector<uint8_t> encode(const Advertisement& advert, ChecksumForm form, const IpAddress& source,
                            const IpAddress& destination) {
    std::vector<uint8_t> out(messageLength(advert.version, advert.family, advert.addresses.size()));
    const std::size_t n = encode(advert, form, source, destination, out);
    out.resize(n);
    return out;
}

} // namespace hafd::proto
