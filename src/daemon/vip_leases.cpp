// SPDX-License-Identifier: Apache-2.0
#include "daemon/vip_leases.h"

namespace hafd::daemon {

namespace {

// The smallest Prefix (0.0.0.0/0: IPv4 sorts first): {ifindex, kLowest} starts an interface's
// entries in the table.
const Prefix kLowest{};

} // namespace

void VipLeases::renewed(uint32_t ifindex, const Prefix& vip, TimePoint sentAt) {
    held_[{ifindex, vip}] = lease_ ? std::optional<TimePoint>(sentAt + *lease_) : std::nullopt;
}

void VipLeases::forget(uint32_t ifindex, const Prefix& vip) {
    held_.erase({ifindex, vip});
}

void VipLeases::forgetInterface(uint32_t ifindex) {
    held_.erase(held_.lower_bound({ifindex, kLowest}), held_.lower_bound({ifindex + 1, kLowest}));
}

VipLeases::Gone VipLeases::vanished(uint32_t ifindex, const Prefix& vip, TimePoint now) {
    const auto it = held_.find({ifindex, vip});
    if (it == held_.end())
        return Gone::NotHeld;
    const bool expired = runOut(it->second, now);
    held_.erase(it);
    return expired ? Gone::Expired : Gone::Removed;
}

bool VipLeases::held(uint32_t ifindex, const Prefix& vip) const {
    return held_.contains({ifindex, vip});
}

bool VipLeases::ranOut(uint32_t ifindex, const Prefix& vip, TimePoint now) const {
    const auto it = held_.find({ifindex, vip});
    return it != held_.end() && runOut(it->second, now);
}

std::map<uint32_t, std::vector<Prefix>> VipLeases::renewable(TimePoint now) const {
    std::map<uint32_t, std::vector<Prefix>> out;
    for (const auto& [key, end] : held_)
        if (!runOut(end, now))
            out[key.first].push_back(key.second);
    return out;
}

std::map<uint32_t, std::vector<Prefix>> VipLeases::all() const {
    std::map<uint32_t, std::vector<Prefix>> out;
    for (const auto& [key, end] : held_)
        out[key.first].push_back(key.second);
    return out;
}

std::vector<Prefix> VipLeases::on(uint32_t ifindex) const {
    std::vector<Prefix> out;
    for (auto it = held_.lower_bound({ifindex, kLowest});
         it != held_.end() && it->first.first == ifindex; ++it)
        out.push_back(it->first.second);
    return out;
}

std::optional<TimePoint> VipLeases::firstEnd(uint32_t ifindex,
                                             const std::vector<Prefix>& vips) const {
    std::optional<TimePoint> first;
    for (const Prefix& vip : vips) {
        const auto it = held_.find({ifindex, vip});
        if (it != held_.end() && it->second && (!first || *it->second < *first))
            first = it->second;
    }
    return first;
}

const char* goneName(VipLeases::Gone g) {
    switch (g) {
    case VipLeases::Gone::NotHeld:
        return "not_held";
    case VipLeases::Gone::Removed:
        return "removed";
    case VipLeases::Gone::Expired:
        return "expired";
    }
    return "?";
}

} // namespace hafd::daemon
