// SPDX-License-Identifier: Apache-2.0
#include "config/diff.h"

#include "config/binding.h"
#include "config/schema.h"

#include <map>
#include <set>

namespace hafd::config {

namespace {

// The MTU advert capacity is judged against (DESIGN.md §3; the core sizes adverts the same way).
constexpr std::size_t kAdvertMtu = 1500;

template <typename T>
std::map<std::string, const T*> byName(const std::vector<T>& items) {
    std::map<std::string, const T*> out;
    for (const T& i : items)
        out.emplace(i.name, &i);
    return out;
}

// The settings of `a` and `b` that differ, by the table's rows in its order; `identity` gets
// those among them that make the change a remove and add (DESIGN.md §10).
InstanceChange changeOf(const Instance& a, const Instance& b) {
    InstanceChange change{b.name, {}, {}};
    for (const Key& k : instanceKeys()) {
        if (!k.sameIn(&a, &b))
            change.settings.emplace_back(k.name);
        if (k.identityChanges(&a, &b))
            change.identity.emplace_back(k.identityName);
    }
    return change;
}

std::set<IpAddress> advertised(const Instance& i) {
    const std::size_t fit = proto::maxAddressesPerAdvert(
        i.version, i.family, kAdvertMtu, i.signsAdverts() ? proto::kAuthTrailerLength : 0);
    std::set<IpAddress> out;
    for (std::size_t k = 0; k < i.addresses.size() && k < fit; ++k)
        out.insert(i.addresses[k].address);
    return out;
}

} // namespace

bool ConfigDiff::empty() const {
    return added.empty() && removed.empty() && recreated.empty() && changed.empty() &&
           sections.empty();
}

ConfigDiff diff(const Config& running, const Config& next) {
    ConfigDiff d;
    const auto before = byName(running.instances);
    const auto after = byName(next.instances);
    for (const Instance& i : running.instances)
        if (!after.contains(i.name))
            d.removed.push_back(i.name);
    for (const Instance& n : next.instances) {
        const auto it = before.find(n.name);
        if (it == before.end()) {
            d.added.push_back(n.name);
            continue;
        }
        const Instance& r = *it->second;
        if (r.sameSettings(n)) {
            d.unchanged.push_back(n.name);
            continue;
        }
        InstanceChange change = changeOf(r, n);
        (change.identity.empty() ? d.changed : d.recreated).push_back(std::move(change));
    }
    // The instances are compared one by one above.
    for (const Key& k : rootKeys())
        if (!k.binds<&Config::instances>() && !k.sameIn(&running, &next))
            d.sections.emplace_back(k.name);
    return d;
}

std::vector<std::string> peerVisibleChanges(const Instance& running, const Instance& next) {
    std::vector<std::string> out;
    if (advertised(running) != advertised(next))
        out.emplace_back("addresses");
    if (next.version == proto::Version::V2 && running.advertInterval != next.advertInterval)
        out.emplace_back("advert_interval");
    if (running.v2AuthType != next.v2AuthType || running.v2Password != next.v2Password)
        out.emplace_back("v2_password");
    // What peers see is which key signs, if any: receive-only sends the same plain adverts as
    // no auth at all, so the first step of a rollout (none -> receive-only) changes nothing.
    auto signer = [](const Instance& i) -> int {
        return i.auth && i.auth->mode != AuthMode::ReceiveOnly ? i.auth->activeKey : 0;
    };
    if (signer(running) != signer(next))
        out.emplace_back("auth");
    return out;
}

} // namespace hafd::config
