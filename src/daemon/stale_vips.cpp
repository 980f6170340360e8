// SPDX-License-Identifier: Apache-2.0
#include "daemon/stale_vips.h"

#include "common/log.h"

#include <algorithm>
#include <map>

namespace hafd::daemon {

void StaleVips::removeAtStart(const std::vector<io::InstalledVip>& record,
                              const std::set<std::string>& interfaces) {
    vips_.clearRecord(); // from here on it holds what this run installs, and what is pending
    std::map<uint32_t, std::vector<Prefix>> stale;
    for (const auto& entry : record) {
        const io::LinkInfo* link = links_.find(entry.ifname);
        if (!link) {
            // Not there yet (or renamed): kept, in the record too, until the address shows up.
            pending_.emplace(entry.ifname, entry.prefix);
            vips_.record(entry.ifname, entry.prefix);
            continue;
        }
        for (const auto& a : links_.addresses(link->ifindex))
            if (a.prefix == entry.prefix)
                stale[link->ifindex].push_back(a.prefix);
    }
    for (const auto& name : interfaces) {
        const io::LinkInfo* link = links_.find(name);
        if (!link)
            continue;
        auto& list = stale[link->ifindex];
        for (const auto& a : links_.addresses(link->ifindex))
            if (a.installedByHafd() && std::find(list.begin(), list.end(), a.prefix) == list.end())
                list.push_back(a.prefix);
    }
    for (const auto& [ifindex, prefixes] : stale)
        if (!prefixes.empty())
            remove(ifindex, prefixes, "left by an earlier run");
    if (!pending_.empty()) {
        std::string list;
        for (const auto& [ifname, prefix] : pending_)
            list += (list.empty() ? "" : " ") + prefix.toString() + " on " + ifname;
        log::notice("%zu VIP(s) recorded by an earlier run are on interfaces not present now; "
                    "they are removed if they appear: %s",
                    pending_.size(), list.c_str());
    }
    vips_.saveRecord();
}

void StaleVips::onAddressAdded(const io::AddressInfo& address, const Held& held) {
    if (pending_.empty())
        return;
    const io::LinkInfo* link = links_.find(address.ifindex);
    if (!link)
        return;
    const auto it = pending_.find({link->name, address.prefix});
    if (it == pending_.end())
        return;
    pending_.erase(it);
    if (held(link->name, address.prefix))
        return; // an instance claimed it in the meantime: it is ours again, and recorded so
    if (!remove(address.ifindex, {address.prefix}, "recorded by an earlier run"))
        vips_.record(link->name, address.prefix);
}

void StaleVips::onLink(const io::LinkInfo& link, const Held& held) {
    if (pending_.empty())
        return;
    std::vector<io::AddressInfo> found;
    for (const auto& a : links_.addresses(link.ifindex))
        if (pending_.contains({link.name, a.prefix}))
            found.push_back(a);
    for (const auto& a : found)
        onAddressAdded(a, held);
}

bool StaleVips::remove(uint32_t ifindex, const std::vector<Prefix>& prefixes, const char* why) {
    const io::LinkInfo* link = links_.find(ifindex);
    const std::string ifname = link ? link->name : std::to_string(ifindex);
    std::string list;
    for (const auto& p : prefixes)
        list += (list.empty() ? "" : " ") + p.toString();
    auto r = netlink_.removeAddresses(ifindex, prefixes);
    if (!r) {
        log::error("removing stale VIPs from %s: %s", ifname.c_str(), r.error().message().c_str());
        return false;
    }
    for (const auto& p : prefixes) {
        io::AddressInfo gone;
        gone.ifindex = ifindex;
        gone.prefix = p;
        links_.removeAddress(gone);
        vips_.forget(ifname, p);
    }
    log::notice("removed %zu stale VIP(s) %s from %s: %s", prefixes.size(), why, ifname.c_str(),
                list.c_str());
    return true;
}

} // namespace hafd::daemon
