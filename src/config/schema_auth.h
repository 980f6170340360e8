// SPDX-License-Identifier: Apache-2.0
// The schema table of `auth`, at the top level and in an instance alike: keepalived's auth_hmac
// (AUTH_HMAC.md §7-§9) in hafd's style. Included by the other schema headers, and by config.cpp
// for the names of the modes. Internal to config/.
#pragma once

#include "config/binding.h"
#include "config/schema.h"
#include "config/value_checks.h"

namespace hafd::config::tables {

// In the order of the enums; authModeName() and antiReplayName() give these names.
inline constexpr std::string_view kModeChoices[] = {"enforce", "permissive", "receive-only"};
inline constexpr std::string_view kAntiReplayChoices[] = {"time", "monotonic"};

inline constexpr std::string_view kAuthAliases[] = {"auth_hmac"};
inline constexpr std::string_view kKeysAliases[] = {"key"};
inline constexpr std::string_view kKeyFileAliases[] = {"path"};

inline constexpr Key kAuthKey[] = {
    Key("id", Type::Int)
        .need()
        .limit(1, 255)
        .about("The key id carried in each signed packet. Unique within the group.")
        .field<&AuthKey::id>(),
    Key("file", Type::String)
        .need()
        .limit(1, 4096)
        .rangeIs("an absolute path")
        .checked(checkAbsolutePath)
        .alias(kKeyFileAliases)
        .about("The file holding the key: 32..64 bytes, raw or as \"hex:\" and hex digits, "
               "a trailing newline ignored. Neither group nor others may have any access to "
               "it.")
        .field<&AuthKey::file>(),
};

inline constexpr Key kAuth[] = {
    Key("enabled", Type::Bool)
        .byDefault("true")
        .about("false turns authentication off: in an instance, its adverts are plain VRRP "
               "even though a top-level auth is set; the group's other settings are then "
               "ignored.")
        .presenceOf<Auth>(),
    Key("keys", Type::GroupList)
        .holding(kAuthKey)
        .alias(kKeysAliases)
        .about("The keys, by id: every one is accepted on receipt. Required unless "
               "enabled = false.")
        .field<&Auth::keys>(),
    Key("active_key", Type::Int)
        .limit(1, 255)
        .rangeIs("the id of one of keys")
        .about("The key that signs what this node sends. Required unless enabled = false; "
               "an undefined key is an error, never a reason to run unauthenticated.")
        .field<&Auth::activeKey>(),
    Key("mode", Type::String)
        .byDefault("enforce")
        .oneOf(kModeChoices)
        .about("enforce: sign, and drop what is unsigned or fails; permissive: sign, accept "
               "unsigned; receive-only: do not sign, accept unsigned. What carries a trailer "
               "is always verified.")
        .field<&Auth::mode>(),
    Key("anti_replay", Type::String)
        .byDefault("time")
        .oneOf(kAntiReplayChoices)
        .about("time: sequence numbers are the sender's clock, and packets further than "
               "time_window from this node's clock are dropped; monotonic: no window, for "
               "nodes whose clocks do not agree. Either way a sender's numbers must grow.")
        .field<&Auth::antiReplay>(),
    Key("time_window", Type::Seconds)
        .byFormula("max(3 * interval, 5)")
        .limit(1, 300)
        .rangeIs("1..300 whole seconds")
        .about("The clock skew anti_replay = \"time\" tolerates. The default takes an "
               "instance's advert_interval (for heartbeats, cluster.heartbeat) in whole "
               "seconds, and is at most 300.")
        .field<&Auth::timeWindow>()
        // 0 is derived where it is used; monotonic anti-replay has no window.
        .shownWhen<[](const Auth& a) {
            return a.timeWindow != 0 && a.antiReplay == AntiReplay::Time;
        }>(),
};

} // namespace hafd::config::tables
