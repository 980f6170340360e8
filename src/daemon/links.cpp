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
    auto& v = addresses_[address.ifindex];
    const auto it = std::find_if(v.begin(), v.end(), [&](const io::AddressInfo& a) {
        return a.prefix.address == address.prefix.address;
    });
    if (it != v.end())
        *it = address; // a change of flags (e.g. DAD finished) or lifetime
    else
        v.push_back(address);
}

void LinkTable::removeAddress(const io::AddressInfo& address) {
    const auto found = addresses_.find(address.ifindex);
    if (found == addresses_.end())
        return;
    auto& v = found->second;
    v.erase(std::remove_if(v.begin(), v.end(),
                           [&](const io::AddressInfo& a) {
                               return a.prefix.address == address.prefix.address;
                           }),
            v.end());
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

const std::vector<io::AddressInfo>& LinkTable::addresses(uint32_t ifindex) const {
    static const std::vector<io::AddressInfo> kNone;
    const auto it = addresses_.find(ifindex);
    return it == addresses_.end() ? kNone : it->second;
}

std::optional<IpAddress>
LinkTable::sourceFor(uint32_t ifindex, Family family, const IpAddress& current,
                     const std::function<bool(const IpAddress&)>& isVip) const {
    const auto usable = [&](const io::AddressInfo& a) {
        const IpAddress& ip = a.prefix.address;
        if (ip.family() != family || a.tentative() || isVip(ip))
            return false;
        // IPv6 adverts come from the link-local address; IPv4 from a primary (not secondary) one.
        return family == Family::V6 ? ip.isLinkLocal() : !a.secondary();
    };
    const auto& list = addresses(ifindex);
    for (const auto& a : list)
        if (a.prefix.address == current && usable(a))
            return current;
    for (const auto& a : list)
        if (usable(a))
            return a.prefix.address;
    return std::nullopt;
}

} // namespace hafd::daemon
