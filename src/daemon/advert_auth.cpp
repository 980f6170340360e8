// SPDX-License-Identifier: Apache-2.0
#include "daemon/advert_auth.h"

#include "common/log.h"

#include <algorithm>
#include <ctime>

namespace hafd::daemon {

namespace {

using proto::DropReason;
namespace auth = proto::auth;

// keepalived keeps 4 senders per multicast instance and one per unicast peer.
std::size_t sendersKept(const config::Instance& cfg) {
    return std::max<std::size_t>(4, cfg.unicastPeers.size());
}

std::size_t counterOf(DropReason r) {
    return r == DropReason::NotAPeer
               ? 6
               : static_cast<std::size_t>(r) - static_cast<std::size_t>(DropReason::AuthMissing);
}

} // namespace

auth::WallTime wallNow() {
    timespec ts{};
    clock_gettime(CLOCK_REALTIME, &ts);
    return {static_cast<int64_t>(ts.tv_sec), ts.tv_nsec};
}

auth::Policy policyOf(const config::Auth& a) {
    return {a.antiReplay == config::AntiReplay::Time ? auth::AntiReplay::Time
                                                     : auth::AntiReplay::Monotonic,
            a.timeWindow == 0 ? 5u : a.timeWindow};
}

AdvertAuth::AdvertAuth(const config::Instance& cfg, proto::auth::KeyRing keys)
    : name_(cfg.name), settings_(*cfg.auth), keys_(std::move(keys)), replay_(sendersKept(cfg)) {}

void AdvertAuth::update(const config::Instance& cfg, proto::auth::KeyRing keys) {
    settings_ = *cfg.auth;
    keys_ = std::move(keys);
    replay_.setCapacity(sendersKept(cfg));
}

std::array<uint8_t, auth::kTrailerLength>
AdvertAuth::sign(std::span<uint8_t> packet, std::size_t length, const IpAddress& source) {
    const auth::Binding b{static_cast<proto::Version>(packet[0] >> 4), packet[1], source};
    auth::sign(packet, length, b, keys_.activeId(), keys_.active(),
               sequencer_.next(wallNow(), policyOf(settings_)));
    std::array<uint8_t, auth::kTrailerLength> out;
    std::copy_n(packet.begin() + static_cast<std::ptrdiff_t>(length), out.size(), out.begin());
    return out;
}

std::optional<DropReason> AdvertAuth::admit(const config::Instance& cfg,
                                            std::span<const uint8_t> payload,
                                            const proto::Decoded& decoded,
                                            const proto::RxMeta& meta) {
    // The sender's address as text, for the drop messages only (an accepted advert builds none).
    const auto from = [&] {
        return meta.source.toString();
    };
    if (!decoded.trailer) {
        if (settings_.mode != config::AuthMode::Enforce)
            return std::nullopt; // permissive and receive-only accept plain VRRP
        return drop(DropReason::AuthMissing, kMissing,
                    "missing authentication trailer from " + from() +
                        " (a peer without auth, or keepalived older than 2.4.2?)");
    }
    // A unicast instance keeps marks for its peers only: anyone else is dropped before the HMAC.
    if (cfg.isUnicast() && std::find(cfg.unicastPeers.begin(), cfg.unicastPeers.end(),
                                     meta.source) == cfg.unicastPeers.end())
        return drop(DropReason::NotAPeer, kNotAPeer,
                    "unicast source address " + from() + " not a unicast peer");

    const std::size_t length = payload.size() - auth::kTrailerLength;
    const auto message = payload.first(length);
    const auto trailer = payload.subspan(length).first<auth::kTrailerLength>();
    const auth::Binding binding{cfg.version, cfg.vrid, meta.source};
    const auth::Policy policy = policyOf(settings_);
    const int64_t now = wallNow().seconds;
    const auth::Verdict v = auth::authenticate(message, trailer, binding, keys_, policy, now);
    const auto skew = [&] {
        const auto sec = static_cast<uint32_t>(auth::trailerSequence(trailer) >> 32);
        return static_cast<int32_t>(static_cast<uint32_t>(now) - sec);
    };
    switch (v) {
    case auth::Verdict::Ok:
        break;
    case auth::Verdict::Malformed:
        return drop(DropReason::AuthMalformed, kMalformed,
                    "malformed authentication trailer from " + from());
    case auth::Verdict::UnknownKey:
        return drop(DropReason::AuthUnknownKey, kUnknownKey,
                    "unknown authentication key id " + std::to_string(trailer[1]) + " from " +
                        from());
    case auth::Verdict::BadHmac:
        return drop(DropReason::AuthBadHmac, kBadHmac,
                    "invalid authentication HMAC from " + from() + " (key id " +
                        std::to_string(trailer[1]) + ")");
    case auth::Verdict::Stale:
        return drop(DropReason::AuthStale, kStale,
                    "stale authentication trailer from " + from() + ", clock skew " +
                        std::to_string(skew()) + " sec exceeds window " +
                        std::to_string(policy.window) + " sec");
    case auth::Verdict::Replay:
        break;
    }
    if (replay_.admit(meta.source, auth::trailerSequence(trailer), policy, now) !=
        auth::Verdict::Ok)
        return drop(DropReason::AuthReplay, kReplay,
                    "replayed authentication trailer from " + from());
    if (meta.source != lastAccepted_) {
        lastAccepted_ = meta.source;
        logged_.reset();
    }
    if (policy.antiReplay == auth::AntiReplay::Time &&
        static_cast<unsigned>(std::abs(static_cast<int64_t>(skew()))) > policy.window / 2 &&
        !logged_.test(kSkew)) {
        logged_.set(kSkew);
        log::warning("instance %s: authentication clock skew %d sec from %s approaching window "
                     "%u sec",
                     name_.c_str(), skew(), from().c_str(), policy.window);
    }
    return std::nullopt;
}

std::optional<DropReason> AdvertAuth::drop(DropReason reason, Logged kind,
                                           const std::string& message) {
    ++drops_[counterOf(reason)];
    if (!logged_.test(kind)) {
        logged_.set(kind);
        log::warning("instance %s: advert dropped: %s", name_.c_str(), message.c_str());
    }
    return reason;
}

uint64_t AdvertAuth::drops(DropReason reason) const {
    if (reason != DropReason::NotAPeer && (reason < DropReason::AuthMissing))
        return 0;
    return drops_[counterOf(reason)];
}

} // namespace hafd::daemon
