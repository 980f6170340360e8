// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"

#include <algorithm>
#include <tuple>

namespace hafd::config {

const char* authModeName(AuthMode mode) {
    switch (mode) {
    case AuthMode::Enforce:
        return "enforce";
    case AuthMode::Permissive:
        return "permissive";
    case AuthMode::ReceiveOnly:
        return "receive-only";
    }
    return "?";
}

const char* antiReplayName(AntiReplay antiReplay) {
    switch (antiReplay) {
    case AntiReplay::Time:
        return "time";
    case AntiReplay::Monotonic:
        return "monotonic";
    }
    return "?";
}

const char* checkKindName(CheckKind kind) {
    switch (kind) {
    case CheckKind::Exec:
        return "exec";
    case CheckKind::Tcp:
        return "tcp";
    case CheckKind::File:
        return "file";
    case CheckKind::Interface:
        return "interface";
    case CheckKind::Role:
        return "role";
    }
    return "?";
}

const AuthKey* Auth::key(uint8_t id) const {
    for (const AuthKey& k : keys)
        if (k.id == id)
            return &k;
    return nullptr;
}

unsigned defaultTimeWindow(Duration interval) {
    // AUTH_HMAC.md §9: keepalived's max(3 * advert_int, 5), advert_int in whole seconds.
    const auto whole = static_cast<unsigned>(interval.count() / 1'000'000);
    return std::max(3 * whole, 5U);
}

const ClusterNode* Cluster::find(const std::string& name) const {
    for (const ClusterNode& n : nodes)
        if (n.name == name)
            return &n;
    return nullptr;
}

bool Notify::empty() const {
    return master.empty() && backup.empty() && fault.empty() && stop.empty() && any.empty();
}

void Config::forgetLines() {
    for (auto& i : instances)
        std::vector<std::pair<std::string, int>>().swap(i.lines);
}

int Instance::lineOf(const std::string& setting) const {
    int group = 0;
    for (const auto& [key, line] : lines) {
        if (key == setting)
            return line;
        if (key.empty())
            group = line;
    }
    return group;
}

bool Instance::sameSettings(const Instance& o) const {
    // Every field but `lines`, `file` and `ownAuth`; a field added to Instance belongs here too
    // (the unit test changes each field in turn). Where compares equal to any Where.
    auto settings = [](const Instance& i) {
        return std::tie(i.name, i.interface, i.vrid, i.family, i.version, i.priority,
                        i.advertInterval, i.preempt, i.preemptDelay, i.addresses, i.unicastPeers,
                        i.unicastMinTtl, i.vmac, i.accept, i.checksum, i.announce, i.v2AuthType,
                        i.v2Password, i.tracks, i.notify, i.auth);
    };
    return settings(*this) == settings(o);
}

const Check* Config::check(const std::string& name) const {
    for (const Check& c : checks)
        if (c.name == name)
            return &c;
    return nullptr;
}

const Instance* Config::instance(const std::string& name) const {
    for (const Instance& i : instances)
        if (i.name == name)
            return &i;
    return nullptr;
}

} // namespace hafd::config
