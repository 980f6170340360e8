// SPDX-License-Identifier: Apache-2.0
#include "daemon/status.h"

#include "core/fault.h"
#include "daemon/tracker.h"

#include <algorithm>

namespace hafd::daemon {

ctl::InstanceStatus instanceStatus(const Instance& instance, TimePoint now) {
    const auto& cfg = instance.config();
    const auto& router = instance.router();
    const auto& c = router.counters();
    const auto& rec = instance.record();
    ctl::InstanceStatus s;
    s.name = cfg.name;
    s.interface = cfg.interface;
    s.vrid = cfg.vrid;
    s.family = cfg.family == Family::V4 ? "ipv4" : "ipv6";
    s.version = static_cast<uint32_t>(cfg.version);
    s.mode = cfg.isUnicast() ? "unicast" : "multicast";
    s.state = core::stateName(router.state());
    if (router.state() == core::State::Fault || router.state() == core::State::Initialize)
        s.faults = router.faults().names();
    s.owner = router.owner();
    s.priority = router.priority();
    s.basePriority = cfg.priority;
    s.advertInterval = toSeconds(router.advertisementInterval());
    s.masterAdverInterval = toSeconds(router.masterAdverInterval());
    s.masterDownInterval = toSeconds(router.masterDownInterval());
    if (!router.sourceAddress().isUnspecified())
        s.source = router.sourceAddress().toString();
    s.checksumForm = proto::checksumFormName(cfg.checksum);
    for (const auto& p : cfg.addresses)
        s.vips.push_back(p.toString());
    s.vipsInstalled = instance.vipsInstalled();
    for (const auto* t : rec.transitions())
        s.lastTransitions.push_back({core::stateName(t->change.from), core::stateName(t->change.to),
                                     core::reasonName(t->change.reason),
                                     t->change.to == core::State::Fault
                                         ? t->change.faults.names()
                                         : std::vector<std::string>(),
                                     toSeconds(now - t->at)});
    s.counters = {{"adverts_in", c.advertsIn},
                  {"adverts_out", c.advertsOut},
                  {"transitions", c.transitions},
                  {"became_master", c.becameMaster},
                  {"priority_zero_in", c.priorityZeroIn},
                  {"priority_zero_out", c.priorityZeroOut},
                  {"send_errors", rec.sendErrors},
                  {"vip_install_failures", c.vipInstallFailures},
                  {"vip_remove_failures", rec.vipRemoveFailures},
                  {"stray_vips_removed", rec.strayVipsRemoved},
                  {"lease_renew_failures", rec.leaseRenewFailures},
                  {"vips_expired", rec.vipsExpired},
                  {"probes", rec.probes},
                  {"probe_errors", rec.probeErrors},
                  {"dual_holders", c.dualHolders},
                  {"announcements", rec.announcements}};
    for (std::size_t i = 0; i < core::kFaultCauseCount; ++i)
        s.faultsRaised[core::faultCauseName(static_cast<core::FaultCause>(i))] = c.faultsRaised[i];
    for (std::size_t i = 0; i < proto::kDropReasonCount; ++i)
        s.drops[proto::dropReasonName(static_cast<proto::DropReason>(i))] =
            c.drops[i] + instance.dropsBeforeRouter(static_cast<proto::DropReason>(i));
    for (const auto& p : rec.peers()) {
        ctl::PeerStatus ps;
        ps.address = p.address.toString();
        ps.priority = p.advert.priority;
        ps.version = static_cast<uint32_t>(p.advert.version);
        ps.advertInterval = p.advert.intervalCs / 100.0;
        ps.checksumForm = proto::checksumFormName(p.form);
        for (const auto& a : p.advert.addresses)
            ps.addresses.push_back(a.toString());
        ps.lastSeenSecondsAgo = toSeconds(now - p.lastSeen);
        s.peers.push_back(std::move(ps));
    }
    if (const AdvertAuth* a = instance.auth()) {
        const config::Auth& set = a->settings();
        ctl::AuthStatus as;
        as.mode = config::authModeName(set.mode);
        as.activeKey = set.activeKey;
        for (const auto& k : set.keys)
            as.keys.push_back(k.id);
        as.antiReplay = config::antiReplayName(set.antiReplay);
        as.timeWindow = set.antiReplay == config::AntiReplay::Time ? set.timeWindow : 0;
        s.auth = std::move(as);
    }
    const core::TrackEffect& e = instance.tracks();
    for (std::size_t i = 0; i < cfg.tracks.size(); ++i) {
        const config::Track& t = cfg.tracks[i];
        ctl::TrackStatus ts;
        ts.name = trackName(t);
        ts.weight = t.roleWeights.empty() ? t.weight : 0;
        ts.adds = i < e.contributions.size() ? e.contributions[i] : 0;
        ts.faulting = std::find(e.faulting.begin(), e.faulting.end(), i) != e.faulting.end();
        s.tracks.push_back(std::move(ts));
    }
    return s;
}

void addTrackHealth(ctl::InstanceStatus& s, const config::Instance& cfg, const Checks& checks,
                    const LinkTable& links) {
    for (std::size_t i = 0; i < cfg.tracks.size() && i < s.tracks.size(); ++i) {
        const config::Track& t = cfg.tracks[i];
        ctl::TrackStatus& ts = s.tracks[i];
        if (t.check.empty()) {
            const io::LinkInfo* link = links.find(t.interface);
            ts.health = link != nullptr && link->adminUp() && link->carrier() ? "up" : "down";
        } else if (const RunningCheck* c = checks.find(t.check)) {
            ts.health = core::healthName(c->state.health());
            ts.role = c->state.role();
        } else {
            ts.health = core::healthName(core::Health::Unknown);
        }
    }
}

void addLeaseRemaining(ctl::InstanceStatus& s, const Instance& instance, const VipLeases& leases,
                       TimePoint now) {
    if (!instance.vipsInstalled())
        return;
    if (const auto end = leases.firstEnd(instance.vipsOn(), instance.config().addresses))
        s.leaseRemaining = std::max(0.0, toSeconds(*end - now));
}

ctl::CheckStatus checkStatus(const RunningCheck& c, TimePoint now) {
    ctl::CheckStatus s;
    s.name = c.cfg.name;
    s.kind = config::checkKindName(c.cfg.kind);
    s.health = core::healthName(c.state.health());
    s.role = c.state.role();
    s.lastResult = c.lastResult;
    s.lastOutput = c.lastOutput;
    s.runs = c.runs;
    s.failures = c.failures;
    s.timeouts = c.timeouts;
    s.successes = c.state.successes();
    s.failuresInRow = c.state.failures();
    s.rise = c.cfg.rise;
    s.fall = c.cfg.fall;
    s.interval = toSeconds(c.cfg.interval);
    if (c.lastRunAt)
        s.lastRunSecondsAgo = toSeconds(now - *c.lastRunAt);
    if (c.changedAt)
        s.changedSecondsAgo = toSeconds(now - *c.changedAt);
    if (c.lastDuration)
        s.lastDuration = toSeconds(*c.lastDuration);
    return s;
}

ctl::StallStatus stallStatus(const StallWatch& stalls, TimePoint now) {
    ctl::StallStatus s;
    s.count = stalls.count();
    s.longest = toSeconds(stalls.longest());
    if (const auto last = stalls.last())
        s.lastSecondsAgo = toSeconds(now - *last);
    return s;
}

ctl::SocketStatus socketStatus(const Socket& socket) {
    ctl::SocketStatus ss;
    ss.interface = socket.socket().ifname();
    ss.family = socket.socket().family() == Family::V4 ? "ipv4" : "ipv6";
    ss.received = socket.received;
    ss.joined = socket.joined();
    ss.joinFailures = socket.joinFailures;
    for (std::size_t r = 0; r < proto::kDropReasonCount; ++r)
        if (socket.drops[r])
            ss.drops[proto::dropReasonName(static_cast<proto::DropReason>(r))] = socket.drops[r];
    ss.drops["unknown_vrid"] = socket.unknownVrid;
    return ss;
}

} // namespace hafd::daemon
