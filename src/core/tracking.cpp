// SPDX-License-Identifier: Apache-2.0
#include "core/tracking.h"

#include <algorithm>

namespace hafd::core {

namespace {

// What a track with `weight` adds in `health` (a weight-0 track adds nothing; it faults).
int contribution(const config::Track& t, const TrackView& v) {
    if (!t.roleWeights.empty()) {
        if (v.health != Health::Up)
            return 0;
        const auto it = t.roleWeights.find(std::string(v.role));
        return it == t.roleWeights.end() ? 0 : it->second;
    }
    if (t.weight > 0 && v.health == Health::Up)
        return t.weight;
    if (t.weight < 0 && v.health == Health::Down)
        return t.weight;
    return 0;
}

} // namespace

TrackEffect evaluate(const config::Instance& instance, std::span<const TrackView> views) {
    TrackEffect e;
    int sum = 0;
    const std::size_t n = std::min(instance.tracks.size(), views.size());
    e.contributions.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
        const config::Track& t = instance.tracks[i];
        const TrackView& v = views[i];
        e.known = e.known && v.health != Health::Unknown;
        const int c = contribution(t, v);
        e.contributions.push_back(c);
        sum += c;
        if (t.weight == 0 && t.roleWeights.empty() && v.health == Health::Down)
            e.faulting.push_back(i);
    }
    if (instance.isOwner())
        e.priority = 255;
    else
        e.priority = static_cast<uint8_t>(std::clamp(instance.priority + sum, 1, 254));
    return e;
}

} // namespace hafd::core
