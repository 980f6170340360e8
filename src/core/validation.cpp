// SPDX-License-Identifier: Apache-2.0
#include "core/validation.h"

#include <algorithm>

namespace hafd::core {

using proto::DropReason;

std::optional<DropReason> checkPath(const config::Instance& instance, const IpAddress& ourSource,
                                    const proto::RxMeta& meta) {
    // Our own advert, looped back by the network (a bridge, IP_MULTICAST_LOOP elsewhere): never
    // an election partner. keepalived only warns (PROTOCOL.md §3.3 K7); we drop and count.
    if (!ourSource.isUnspecified() && meta.source == ourSource)
        return DropReason::OwnAdvert;
    // keepalived treats unicast and multicast as separate VRID spaces (PROTOCOL.md §2.4).
    if (!meta.destination.isUnspecified() && meta.destination.isMulticast() == instance.isUnicast())
        return DropReason::ModeMismatch;
    if (!instance.isUnicast())
        return std::nullopt; // multicast: the codec checked TTL 255
    // Unicast: only the configured peers take part (keepalived check_unicast_src).
    if (std::find(instance.unicastPeers.begin(), instance.unicastPeers.end(), meta.source) ==
        instance.unicastPeers.end())
        return DropReason::NotAPeer;
    // DESIGN.md §10: IPv4 unicast adverts need TTL 255 like multicast ones (RFC 9568 §7.1's
    // check: nothing off the link can forge them), unless unicast_min_ttl relaxes it for peers
    // behind routers. IPv6 unicast hop limits are not checked: keepalived sends 64.
    if (meta.source.family() == Family::V4 && meta.hopLimit >= 0 &&
        meta.hopLimit < instance.unicastMinTtl)
        return DropReason::BadTtl;
    return std::nullopt;
}

std::optional<DropReason> checkCompatible(const config::Instance& instance,
                                          const proto::Advertisement& advert) {
    // RFC 9568 §7.1 / RFC 3768 §7.1: the version must be ours. No dual-version mode (RFC 5798
    // §8.4 is optional and keepalived has none, PROTOCOL.md §4.3).
    if (advert.version != instance.version)
        return DropReason::VersionMismatch;
    switch (instance.version) {
    case proto::Version::V3:
        // v3 has neither authentication nor an interval that must match (§3.5).
        return std::nullopt;
    case proto::Version::V2:
        break;
    }
    // RFC 3768 §7.1: auth type must match the local configuration. RFC 2338 §5.3.6.1: a simple
    // password must match all 8 bytes. With type 0 the data SHOULD be ignored (RFC 3768 §5.3.10).
    if (advert.authType != instance.v2AuthType)
        return DropReason::AuthMismatch;
    if (instance.v2AuthType == proto::V2AuthType::SimplePassword &&
        advert.authData != v2AuthData(instance))
        return DropReason::AuthMismatch;
    // RFC 3768 §7.1: MUST discard an Adver Int different from ours.
    if (advert.intervalCs != ownIntervalCs(instance))
        return DropReason::IntervalMismatch;
    return std::nullopt;
}

std::array<uint8_t, proto::kV2AuthDataLength> v2AuthData(const config::Instance& instance) {
    std::array<uint8_t, proto::kV2AuthDataLength> data{};
    switch (instance.v2AuthType) {
    case proto::V2AuthType::None:
        break;
    case proto::V2AuthType::SimplePassword:
        std::copy_n(instance.v2Password.begin(), std::min(instance.v2Password.size(), data.size()),
                    data.begin());
        break;
    }
    return data;
}

uint16_t ownIntervalCs(const config::Instance& instance) {
    int64_t cs = 0;
    switch (instance.version) {
    case proto::Version::V3:
        cs = toCentiseconds(instance.advertInterval);
        cs = std::clamp<int64_t>(cs, 1, proto::kMaxV3IntervalCs);
        break;
    case proto::Version::V2: {
        // Whole seconds (the config validator enforces it; round down otherwise).
        const int64_t s = std::clamp<int64_t>(instance.advertInterval.count() / 1'000'000, 1,
                                              proto::kMaxV2IntervalS);
        cs = s * 100;
        break;
    }
    }
    return static_cast<uint16_t>(cs);
}

} // namespace hafd::core
