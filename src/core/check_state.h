// SPDX-License-Identifier: Apache-2.0
// The health of one check from its results (DESIGN.md §5): fall/rise hysteresis that also governs
// the first results after start, the role a role check reports, and k_of_n composition. Pure:
// the daemon runs the checks and feeds the results in.
//
// keepalived lets the first result after start take effect at once, so one failed run at boot
// means FAULT (PEERS.md §1); here a check starts Unknown and leaves it only through `fall`
// consecutive failures or `rise` consecutive successes, like any later change.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace hafd::core {

enum class Health : uint8_t {
    Unknown, // not enough results yet (start, or a check added on reload)
    Up,
    Down,
};
const char* healthName(Health h); // "unknown", "up", "down"

class CheckState {
public:
    // rise, fall >= 1.
    CheckState(unsigned rise, unsigned fall) : rise_(rise), fall_(fall) {}

    // One run's result. `role` is what a successful role check reported (empty for other
    // kinds). A change of role while up needs `rise` consecutive successes reporting the new
    // one, as a change of health does. Returns whether health() or role() changed.
    bool record(bool ok, std::string_view role = {});
    // A fact rather than a sample (the watched process ended and no other matches, the link
    // went down): takes effect at once, without fall or rise. Returns whether anything changed.
    bool force(Health h, std::string_view role = {});
    // New thresholds on reload; the streaks and the health stay.
    void setThresholds(unsigned rise, unsigned fall);

    Health health() const { return health_; }
    // The role while Up (role checks), else empty.
    const std::string& role() const { return role_; }
    // The current streaks: consecutive successes (of streakRole()) and failures.
    unsigned successes() const { return successes_; }
    unsigned failures() const { return failures_; }

private:
    unsigned rise_;
    unsigned fall_;
    Health health_ = Health::Unknown;
    std::string role_;
    std::string streakRole_; // the role the current success streak reports
    unsigned successes_ = 0;
    unsigned failures_ = 0;
};

// A k_of_n check from its members: Up while at least `minUp` are up, Down as soon as that can
// no longer hold (more than n - minUp are down), Unknown in between.
Health kOfN(std::span<const Health> members, unsigned minUp);

} // namespace hafd::core
