// SPDX-License-Identifier: Apache-2.0
#include "daemon/links.h"

#include <algorithm>

namespace hafd::daemon {

void LinkTable::reset(std::vector<io::LinkInfo> links, std::vector<io::AddressInfo> addresses) {
    links_.clear();
    addresses_.clear();
    for (auto& l : links)
        links_[l.ifindex] = std::move(l);
    for (auto& a : addresses)
        addAddress(a);
}

void LinkTable::upsertLink(const io::LinkInfo& link) {
    links_[link.ifindex] = link;
}

void LinkTable::removeLink(uint32_t ifindex) {
    links_.erase(ifindex);
    addresses_.erase(ifindex);
}

void LinkTable::addAddress(const io::AddressInfo& address) {
    auto& a = addresses_[address.ifindex];
    if (const auto it = a.index.find(address.prefix.address); it != a.index.end()) {
        *it->second = address; // a change of flags (e.g. DAD finished) or lifetime
        return;
    }
    a.ordered.push_back(address);
    a.index.emplace(address.prefix.address, std::prev(a.ordered.end()));
}

void LinkTable::removeAddress(const io::AddressInfo& address) {
    const auto found = addresses_.find(address.ifindex);
    if (found == addresses_.end())
        return;
    auto& a = found->second;
    if (const auto it = a.index.find(address.prefix.address); it != a.index.end()) {
        a.ordered.erase(it->second);
        a.index.erase(it);
    }
}

const io::LinkInfo* LinkTable::find(const std::string& name) const {
    for (const auto& [index, link] : links_)
        if (link.name == name)
            return &link;
    return nullptr;
}

const io::LinkInfo* LinkTable::find(uint32_t ifindex) const {
    const auto it = links_.find(ifindex);
    return it == links_.end() ? nullptr : &it->second;
}

const std::list<io::AddressInfo>& LinkTable::addresses(uint32_t ifindex) const {
    static const std::list<io::AddressInfo> kNone;
    const auto it = addresses_.find(ifindex);
    return it == addresses_.end() ? kNone : it->second.ordered;
}

std::optional<IpAddress> LinkTable::sourceFor(uint32_t ifindex, Family family,
                                              const IpAddress& current,
                                              const std::function<bool(const IpAddress&)>& isVip,
                                              const std::vector<IpAddress>& unicastPeers) const {
    const bool globalPeers =
        family == Family::V6 && !unicastPeers.empty() && !unicastPeers.front().isLinkLocal();
    const auto usable = [&](const io::AddressInfo& a) {
        const IpAddress& ip = a.prefix.address;
        if (ip.family() != family || a.tentative() || isVip(ip))
            return false;
        if (family == Family::V4)
            return !a.secondary(); // the primary of its subnet
        return globalPeers ? !ip.isLinkLocal() : ip.isLinkLocal();
    };
    const auto it = addresses_.find(ifindex);
    if (it == addresses_.end())
        return std::nullopt;
    if (const auto cur = it->second.index.find(current);
        cur != it->second.index.end() && usable(*cur->second))
        return current;
    const io::AddressInfo* first = nullptr;
    for (const auto& a : it->second.ordered) {
        if (!usable(a))
            continue;
        if (globalPeers && std::any_of(unicastPeers.begin(), unicastPeers.end(),
                                       [&](const IpAddress& p) { return a.prefix.contains(p); }))
            return a.prefix.address;
        if (!first)
            first = &a;
    }
    return first ? std::optional<IpAddress>(first->prefix.address) : std::nullopt;
}

} // namespace hafd::daemon
