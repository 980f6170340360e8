// SPDX-License-Identifier: Apache-2.0
// An instance's authentication (AUTH_HMAC.md §6-§10): the trailer its adverts carry and the
// judgement of what it receives, with keepalived's modes. It stands between the receiver and
// the router: an advert that is unsigned where the mode wants a signature, or whose trailer
// fails, is counted and logged here and never reaches the router, so it moves no timer and
// changes no state (unlike keepalived, whose master re-arms its advert timer on any packet).
#pragma once

#include "config/config.h"
#include "proto/advert.h"
#include "proto/auth.h"

#include <array>
#include <bitset>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

namespace hafd::daemon {

// CLOCK_REALTIME, for auth sequences and freshness (adverts and heartbeats).
proto::auth::WallTime wallNow();
// The receive policy of `auth` (its anti-replay mode and window; 5 s when the window is unset).
proto::auth::Policy policyOf(const config::Auth& auth);

class AdvertAuth {
public:
    // Precondition: cfg.auth is set; `keys` holds its keys.
    AdvertAuth(const config::Instance& cfg, proto::auth::KeyRing keys);

    // Reload: new settings and keys; the sequence and the senders' marks stay, so a reload
    // neither opens a replay window nor makes peers drop what follows.
    void update(const config::Instance& cfg, proto::auth::KeyRing keys);

    // Whether adverts carry a trailer (not in receive-only mode).
    bool signs() const { return settings_.mode != config::AuthMode::ReceiveOnly; }
    uint8_t activeKey() const { return keys_.activeId(); }
    const config::Auth& settings() const { return settings_; }

    // Signs one advert from `source`: `packet` holds its message in the first `length` bytes and
    // room for the trailer after them, where it goes. The trailer is returned too: every unicast
    // peer gets the same one (the HMAC covers neither the checksum nor the destination).
    std::array<uint8_t, proto::auth::kTrailerLength>
    sign(std::span<uint8_t> packet, std::size_t length, const IpAddress& source);

    // Judges a decoded advert for `cfg` (the instance it was demultiplexed to): nullopt when the
    // router may see it, else why it is dropped (counted). `payload` is the whole VRRP payload.
    std::optional<proto::DropReason> admit(const config::Instance& cfg,
                                           std::span<const uint8_t> payload,
                                           const proto::Decoded& decoded,
                                           const proto::RxMeta& meta);

    // On entering MASTER or BACKUP: each kind of drop is logged once again.
    void rearmLogs() { logged_.reset(); }

    // Adverts dropped for `reason` (one of the Auth* reasons, or NotAPeer).
    uint64_t drops(proto::DropReason reason) const;

private:
    // Which messages were logged since the logs were last rearmed.
    enum Logged : std::size_t {
        kMissing,
        kMalformed,
        kUnknownKey,
        kBadHmac,
        kStale,
        kReplay,
        kSkew,
        kNotAPeer,
        kLoggedCount
    };
    std::optional<proto::DropReason> drop(proto::DropReason reason, Logged kind,
                                          const std::string& message);

    std::string name_;
    config::Auth settings_;
    proto::auth::KeyRing keys_;
    proto::auth::Sequencer sequencer_;
    proto::auth::ReplayTable replay_;
    std::array<uint64_t, 7> drops_{}; // the six Auth* reasons, then NotAPeer
    std::bitset<kLoggedCount> logged_;
    IpAddress lastAccepted_; // a valid advert from another sender rearms the logs
};

} // namespace hafd::daemon
