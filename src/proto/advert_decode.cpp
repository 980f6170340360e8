// SPDX-License-Identifier: Apache-2.0
// Decoding and validation of received VRRP messages (RFC 9568 §7.1, RFC 3768 §7.1, in the
// order of advert.h; PROTOCOL.md §3.4). Only packet-level checks live here; whatever needs the
// instance's configuration (VRID, version, v2 interval and password, peers) is the core's.
#include "proto/advert.h"

#include "proto/advert_wire.h"
#include "proto/wire.h"

#include <algorithm>
#include <optional>

namespace hafd::proto {

using namespace advert_wire;

namespace {

bool verifies(std::span<const uint8_t> message, Version v, Family f, ChecksumForm form,
              const RxMeta& meta) {
    // Summing the stored checksum with the rest gives 0 after the complement when it is right.
    return messageChecksum(message, v, f, form, meta.source, meta.destination) == 0;
}

// Which accepted checksum form verifies (PROTOCOL.md §1.5), or nullopt.
std::optional<ChecksumForm> checksumForm(std::span<const uint8_t> message, Version v, Family f,
                                         const RxMeta& meta) {
    if (v == Version::V2) // RFC 3768 §5.3.8: the message alone
        return verifies(message, v, f, ChecksumForm::MessageOnly, meta)
                   ? std::optional(ChecksumForm::MessageOnly)
                   : std::nullopt;
    if (f == Family::V6) // RFC 9568 §5.2.8: the IPv6 pseudo-header, always
        return verifies(message, v, f, ChecksumForm::PseudoHeader, meta)
                   ? std::optional(ChecksumForm::PseudoHeader)
                   : std::nullopt;
    // VRRPv3 over IPv4: the field uses every form (DESIGN.md §3). With a multicast destination
    // the legacy form equals the pseudo-header one and is reported as PseudoHeader.
    if (verifies(message, v, f, ChecksumForm::PseudoHeader, meta))
        return ChecksumForm::PseudoHeader;
    if (verifies(message, v, f, ChecksumForm::MessageOnly, meta))
        return ChecksumForm::MessageOnly;
    if (!meta.destination.isMulticast() &&
        verifies(message, v, f, ChecksumForm::LegacyUnicast, meta))
        return ChecksumForm::LegacyUnicast;
    return std::nullopt;
}

} // namespace

Result<Decoded, DropReason> decode(std::span<const uint8_t> message, const RxMeta& meta) {
    const Family family = meta.source.family();
    if (meta.destination.family() != family)
        return Unexpected{DropReason::BadIpHeader}; // inconsistent metadata from the io layer
    if (message.size() < kHeaderLength)
        return Unexpected{DropReason::TooShort};

    // RFC 9568 §7.1 / RFC 3768 §7.1: the version must be one we speak; VRRPv2 is IPv4 only.
    const unsigned versionBits = message[kVersionType] >> 4;
    if (versionBits != 3 && (versionBits != 2 || family != Family::V4))
        return Unexpected{DropReason::BadVersion};
    const Version version = versionBits == 3 ? Version::V3 : Version::V2;
    // RFC 9568 §5.2.2: unknown types MUST be discarded.
    if ((message[kVersionType] & 0x0f) != kTypeAdvertisement)
        return Unexpected{DropReason::BadType};

    // RFC 9568 §7.1: TTL / hop limit 255 (GTSM-style). Unicast is not checked: keepalived sends
    // unicast IPv6 with hop limit 64 (DESIGN.md §10, PROTOCOL.md §2.4). -1: not known.
    if (meta.destination.isMulticast() && meta.hopLimit >= 0 && meta.hopLimit != kVrrpTtl)
        return Unexpected{DropReason::BadTtl};

    // The length must be exact: no truncation, no padding (PROTOCOL.md §6 item 11); or exactly
    // an auth_hmac trailer more (AUTH_HMAC.md §2), which the instance judges.
    const std::size_t count = message[kCount];
    const std::size_t length = messageLength(version, family, count);
    const bool trailer = message.size() == length + kAuthTrailerLength;
    if (message.size() != length && !trailer)
        return Unexpected{DropReason::LengthMismatch};

    // IPv6: the kernel's checksum covers the whole payload, trailer included (AUTH_HMAC.md §5).
    const auto form =
        checksumForm(family == Family::V6 ? message : message.first(length), version, family, meta);
    if (!form)
        return Unexpected{DropReason::BadChecksum};
    message = message.first(length);

    // RFC 9568 errata: a count of 0 and a Max Adver Int of 0 are discarded.
    if (count == 0)
        return Unexpected{DropReason::ZeroCount};
    const uint16_t interval = version == Version::V3
                                  ? wire::load16(message, kV3Interval) & kV3IntervalMask
                                  : message[kV2Interval];
    if (interval == 0)
        return Unexpected{DropReason::ZeroInterval};

    Decoded d;
    Advertisement& a = d.advert;
    d.checksumForm = *form;
    d.trailer = trailer;
    a.version = version;
    a.family = family;
    a.vrid = message[kVrid];
    a.priority = message[kPriority];
    a.intervalCs = version == Version::V3
                       ? interval
                       : static_cast<uint16_t>(interval * kCentisecondsPerSecond);
    const std::size_t addrLen = addressLength(family);
    a.addresses.reserve(count);
    for (std::size_t i = 0; i < count; ++i)
        a.addresses.emplace_back(family, message.subspan(kAddresses + i * addrLen, addrLen));

    if (version == Version::V2) {
        // RFC 3768 §7.1: an unknown auth type MUST be discarded. Types 0 and 1 are the only ones
        // an instance can be configured with, so any other value can never match: it is dropped
        // here as AuthMismatch. Type 2 (AH) arrives as IP protocol 51 and never reaches us.
        const uint8_t authType = message[kV2AuthType];
        if (authType != static_cast<uint8_t>(V2AuthType::None) &&
            authType != static_cast<uint8_t>(V2AuthType::SimplePassword))
            return Unexpected{DropReason::AuthMismatch};
        a.authType = static_cast<V2AuthType>(authType);
        // Kept as received; only meaningful (and compared by the core) for SimplePassword.
        const auto auth = message.last(kV2AuthDataLength);
        std::copy(auth.begin(), auth.end(), a.authData.begin());
    }
    return d;
}

} // namespace hafd::proto
