// SPDX-License-Identifier: Apache-2.0
#include "daemon/tracker.h"

#include "common/log.h"

#include <algorithm>

namespace hafd::daemon {

std::string trackName(const config::Track& t) {
    return t.check.empty() ? "interface " + t.interface : t.check;
}

Tracker::Tracker(const Checks& checks, const LinkTable& links, Instances& instances, Start start)
    : checks_(checks), links_(links), instances_(instances), start_(std::move(start)) {}

std::set<std::string> Tracker::usedChecks(const std::vector<config::Check>& checks,
                                          const std::vector<const config::Instance*>& instances) {
    std::set<std::string> used;
    for (const config::Instance* i : instances)
        for (const config::Track& t : i->tracks)
            if (!t.check.empty())
                used.insert(t.check);
    for (const config::Check& c : checks)
        if (c.kind == config::CheckKind::KOfN && used.contains(c.name))
            used.insert(c.members.begin(), c.members.end());
    return used;
}

std::vector<core::TrackView> Tracker::views(const config::Instance& cfg) const {
    std::vector<core::TrackView> v;
    v.reserve(cfg.tracks.size());
    for (const config::Track& t : cfg.tracks) {
        core::TrackView view;
        if (!t.check.empty()) {
            if (const RunningCheck* c = checks_.find(t.check)) {
                view.health = c->state.health();
                view.role = c->state.role();
            }
        } else {
            // An interface tracked directly: its state is a fact, known at once.
            const io::LinkInfo* link = links_.find(t.interface);
            view.health = link != nullptr && link->adminUp() && link->carrier()
                              ? core::Health::Up
                              : core::Health::Down;
        }
        v.push_back(view);
    }
    return v;
}

void Tracker::apply(Instance& instance, TimePoint now) {
    if (stopped_)
        return;
    const config::Instance& cfg = instance.config();
    // Nothing tracked, now or before (a reload that removes tracks re-applies once, restoring
    // the base priority): nothing to do.
    if (cfg.tracks.empty() && instance.router().priority() == cfg.priority &&
        !instance.router().faults().has(core::FaultCause::Track)) {
        if (waiting_.erase(instance.name()) > 0)
            start_(instance, now);
        return;
    }
    core::TrackEffect e = core::evaluate(cfg, views(cfg));
    std::vector<std::string> faulting;
    for (const std::size_t i : e.faulting)
        faulting.push_back(trackName(cfg.tracks[i]));
    const bool known = e.known;
    instance.track(std::move(e), std::move(faulting), now);
    if (known && waiting_.erase(instance.name()) > 0)
        start_(instance, now);
}

void Tracker::startWhenKnown(Instance& instance, TimePoint now) {
    waiting_.insert(instance.name());
    apply(instance, now);
    if (waiting_.contains(instance.name()))
        log::notice("instance %s: waiting for its checks before it starts (%s)",
                    instance.name().c_str(), unknownTracks(instance).c_str());
}

void Tracker::update(const std::string& check, TimePoint now) {
    for (const auto& i : instances_) {
        const auto& tracks = i->config().tracks;
        const bool uses =
            check.empty() || std::any_of(tracks.begin(), tracks.end(), [&](const config::Track& t) {
                if (t.check == check)
                    return true;
                // A k_of_n the instance tracks counts this check.
                const RunningCheck* c = t.check.empty() ? nullptr : checks_.find(t.check);
                return c != nullptr && std::find(c->cfg.members.begin(), c->cfg.members.end(),
                                                 check) != c->cfg.members.end();
            });
        if (uses)
            apply(*i, now);
    }
}

std::string Tracker::unknownTracks(const Instance& instance) const {
    const config::Instance& cfg = instance.config();
    const auto v = views(cfg);
    std::string s;
    for (std::size_t i = 0; i < v.size(); ++i)
        if (v[i].health == core::Health::Unknown)
            s += (s.empty() ? "" : ", ") + trackName(cfg.tracks[i]);
    return s;
}

} // namespace hafd::daemon
