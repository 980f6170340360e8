// SPDX-License-Identifier: Apache-2.0
#include "proto/drop_reason.h"

namespace hafd::proto {

const char* dropReasonName(DropReason reason) {
    switch (reason) {
    case DropReason::TooShort:
        return "too_short";
    case DropReason::BadIpHeader:
        return "bad_ip_header";
    case DropReason::BadTtl:
        return "bad_ttl";
    case DropReason::BadVersion:
        return "bad_version";
    case DropReason::BadType:
        return "bad_type";
    case DropReason::LengthMismatch:
        return "length_mismatch";
    case DropReason::BadChecksum:
        return "bad_checksum";
    case DropReason::ZeroCount:
        return "zero_count";
    case DropReason::ZeroInterval:
        return "zero_interval";
    case DropReason::UnknownVrid:
        return "unknown_vrid";
    case DropReason::VersionMismatch:
        return "version_mismatch";
    case DropReason::IntervalMismatch:
        return "interval_mismatch";
    case DropReason::AuthMismatch:
        return "auth_mismatch";
    case DropReason::ModeMismatch:
        return "mode_mismatch";
    case DropReason::NotAPeer:
        return "not_a_peer";
    case DropReason::OwnAdvert:
        return "own_advert";
    case DropReason::NotListening:
        return "not_listening";
    case DropReason::AuthMissing:
        return "auth_missing";
    case DropReason::AuthMalformed:
        return "auth_malformed";
    case DropReason::AuthUnknownKey:
        return "auth_unknown_key";
    case DropReason::AuthBadHmac:
        return "auth_bad_hmac";
    case DropReason::AuthStale:
        return "auth_stale";
    case DropReason::AuthReplay:
        return "auth_replay";
    }
    // Only reachable with a value cast from outside the enumerators.
    return "unknown";
}

} // namespace hafd::proto
