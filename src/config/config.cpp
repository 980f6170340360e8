// SPDX-License-Identifier: Apache-2.0
#include "config/config.h"

#include "config/schema_auth.h"

#include <algorithm>

namespace hafd::config {

// The schema's choices, in the order of the enums (string literals: NUL-terminated).
const char* authModeName(AuthMode mode) {
    return tables::kModeChoices[static_cast<std::size_t>(mode)].data();
}

const char* antiReplayName(AntiReplay antiReplay) {
    return tables::kAntiReplayChoices[static_cast<std::size_t>(antiReplay)].data();
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
    case CheckKind::Process:
        return "process";
    case CheckKind::KOfN:
        return "k_of_n";
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
    // AUTH_HMAC.md §6.3, §9: keepalived's max(3 * advert_int, 5), advert_int in whole seconds,
    // capped at the 300 s a written time_window may reach (a VRRPv2 interval goes to 255 s).
    const auto whole = static_cast<unsigned>(interval.count() / 1'000'000);
    return std::min(std::max(3 * whole, 5U), 300U);
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
    return sameFields(instanceKeys(), this, &o);
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
