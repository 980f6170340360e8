// SPDX-License-Identifier: Apache-2.0
#include "core/check_state.h"

namespace hafd::core {

const char* healthName(Health h) {
    switch (h) {
    case Health::Unknown:
        return "unknown";
    case Health::Up:
        return "up";
    case Health::Down:
        return "down";
    }
    return "?";
}

bool CheckState::record(bool ok, std::string_view role) {
    if (!ok) {
        successes_ = 0;
        streakRole_.clear();
        if (failures_ < fall_)
            ++failures_;
        if (failures_ >= fall_ && health_ != Health::Down)
            return force(Health::Down);
        return false;
    }
    failures_ = 0;
    if (successes_ == 0 || role != streakRole_) {
        streakRole_ = role; // a new role starts its own streak
        successes_ = 0;
    }
    if (successes_ < rise_)
        ++successes_;
    if (successes_ < rise_)
        return false;
    if (health_ == Health::Up && role_ == role)
        return false;
    return force(Health::Up, role);
}

bool CheckState::force(Health h, std::string_view role) {
    const std::string newRole(h == Health::Up ? role : std::string_view{});
    // A fact leaves no half-finished streak behind: the next change starts afresh.
    successes_ = h == Health::Up ? rise_ : 0;
    failures_ = h == Health::Down ? fall_ : 0;
    streakRole_ = newRole;
    if (health_ == h && role_ == newRole)
        return false;
    health_ = h;
    role_ = newRole;
    return true;
}

void CheckState::setThresholds(unsigned rise, unsigned fall) {
    rise_ = rise;
    fall_ = fall;
}

Health kOfN(std::span<const Health> members, unsigned minUp) {
    unsigned up = 0;
    unsigned down = 0;
    for (const Health h : members) {
        up += h == Health::Up ? 1U : 0U;
        down += h == Health::Down ? 1U : 0U;
    }
    const auto n = static_cast<unsigned>(members.size());
    if (up >= minUp)
        return Health::Up;
    if (down > n - minUp)
        return Health::Down;
    return Health::Unknown;
}

} // namespace hafd::core
