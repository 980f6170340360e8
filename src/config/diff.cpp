// SPDX-License-Identifier: Apache-2.0
#include "config/diff.h"

#include "config/schema.h"

#include <algorithm>
#include <map>
#include <set>

namespace hafd::config {

namespace {

// The MTU advert capacity is judged against (DESIGN.md §3; the core sizes adverts the same way).
constexpr std::size_t kAdvertMtu = 1500;

// Whether instance setting `name` (a key of instanceKeys()) differs between `a` and `b`.
bool differs(const Instance& a, const Instance& b, std::string_view name) {
    if (name == "name")
        return a.name != b.name;
    if (name == "interface")
        return a.interface != b.interface;
    if (name == "vrid")
        return a.vrid != b.vrid;
    if (name == "priority")
        return a.priority != b.priority;
    if (name == "version")
        return a.version != b.version;
    if (name == "advert_interval")
        return a.advertInterval != b.advertInterval;
    if (name == "preempt")
        return a.preempt != b.preempt;
    if (name == "preempt_delay")
        return a.preemptDelay != b.preemptDelay;
    if (name == "addresses")
        return a.addresses != b.addresses || a.family != b.family;
    if (name == "unicast_peers")
        return a.unicastPeers != b.unicastPeers;
    if (name == "unicast_min_ttl")
        return a.unicastMinTtl != b.unicastMinTtl;
    if (name == "vmac")
        return a.vmac != b.vmac;
    if (name == "accept")
        return a.accept != b.accept;
    if (name == "checksum")
        return a.checksum != b.checksum;
    if (name == "announce")
        return a.announce != b.announce;
    if (name == "v2_password")
        return a.v2AuthType != b.v2AuthType || a.v2Password != b.v2Password;
    if (name == "auth")
        return a.auth != b.auth;
    if (name == "track")
        return a.tracks != b.tracks;
    if (name == "notify")
        return a.notify != b.notify;
    return true; // a setting this function does not know: a unit test looks for none
}

// What makes the change from `a` to `b` a remove and add (DESIGN.md §10); empty: in place.
std::vector<std::string> identityChanges(const Instance& a, const Instance& b) {
    std::vector<std::string> out;
    if (a.vrid != b.vrid)
        out.emplace_back("vrid");
    if (a.interface != b.interface)
        out.emplace_back("interface");
    if (a.family != b.family)
        out.emplace_back("family");
    if (a.version != b.version)
        out.emplace_back("version");
    if (a.vmac != b.vmac)
        out.emplace_back("vmac");
    if (a.isUnicast() != b.isUnicast())
        out.emplace_back("unicast_peers");
    return out;
}

template <typename T>
std::map<std::string, const T*> byName(const std::vector<T>& items) {
    std::map<std::string, const T*> out;
    for (const T& i : items)
        out.emplace(i.name, &i);
    return out;
}

// Lists of named entries compare as sets of entries: order is no change.
template <typename T>
bool sameByName(const std::vector<T>& a, const std::vector<T>& b) {
    if (a.size() != b.size())
        return false;
    const auto x = byName(a);
    for (const T& i : b) {
        const auto it = x.find(i.name);
        if (it == x.end() || !(*it->second == i))
            return false;
    }
    return true;
}

bool sectionDiffers(const Config& a, const Config& b, std::string_view name) {
    if (name == "node")
        return !(a.node == b.node);
    if (name == "scripts")
        return !(a.scripts == b.scripts);
    if (name == "auth")
        return a.auth != b.auth;
    if (name == "cluster")
        return a.cluster != b.cluster;
    if (name == "fence")
        return a.fence != b.fence;
    if (name == "checks")
        return !sameByName(a.checks, b.checks);
    if (name == "groups")
        return !sameByName(a.groups, b.groups);
    return false; // "instances": the lists above
}

std::set<IpAddress> advertised(const Instance& i) {
    const std::size_t fit = proto::maxAddressesPerAdvert(i.version, i.family, kAdvertMtu);
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
        InstanceChange change{n.name, {}, identityChanges(r, n)};
        for (const Key& k : instanceKeys())
            if (differs(r, n, k.name))
                change.settings.emplace_back(k.name);
        (change.identity.empty() ? d.changed : d.recreated).push_back(std::move(change));
    }
    for (const Key& k : rootKeys())
        if (sectionDiffers(running, next, k.name))
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
    auto signer = [](const Instance& i) -> int {
        return i.auth && i.auth->mode != AuthMode::ReceiveOnly ? i.auth->activeKey : 0;
    };
    if (running.auth.has_value() != next.auth.has_value() || signer(running) != signer(next))
        out.emplace_back("auth");
    return out;
}

} // namespace hafd::config
