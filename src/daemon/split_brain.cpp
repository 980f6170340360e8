// SPDX-License-Identifier: Apache-2.0
// The wiring of the split-brain protection (DESIGN.md §4) into the daemon's lifecycle: the
// cluster room (heartbeats, quorum, the quorum hook) and the fence, made when the file has a
// `cluster` section, reconfigured, made or dropped on reload, closed before the instances; the
// ARP probe before a claim (probe_before_claim), which needs no cluster.
#include "common/log.h"
#include "daemon/daemon.h"
#include "hostcheck/host_checks.h"

namespace hafd::daemon {

// Start and reload, before the new instances are made: the room follows config_.
void Daemon::configureCluster(TimePoint now) {
    if (!config_.cluster) {
        if (!cluster_)
            return;
        log::notice("cluster: section removed: plain VRRP from now on");
        if (switchover_)
            switchover_->abandon("the cluster section is gone");
        fencer_.reset();
        cluster_.reset();
        for (auto& i : instances_) {
            i->handle(core::RulesChanged{}, now);
            i->handle(core::FaultChanged{core::FaultCause::Quorum, false}, now);
        }
        return;
    }
    const std::optional<proto::auth::KeyRing> keys =
        config_.auth ? std::optional(keys_.ring(*config_.auth)) : std::nullopt;
    if (!cluster_) {
        const std::string self = hostcheck::nodeName(config_);
        cluster_ =
            std::make_unique<Cluster>(loop_, scheduler_, instances_, *scripts_, config_, self);
        cluster_->setKeys(keys);
        cluster_->onQuorumChanged([this](bool q, unsigned heard, unsigned votes, unsigned needed) {
            recordQuorum(q, heard, votes, needed);
        });
        cluster_->onHandBackAsked([this](const std::string& instance, const std::string& node) {
            makeSwitchover().handBack(instance, node, cluster_.get());
        });
        fencer_ = std::make_unique<Fencer>(*scripts_, instances_, *cluster_, self);
        fencer_->setConfig(config_.fence);
        for (auto& i : instances_)
            cluster_->prime(*i, now);
        return;
    }
    cluster_->setKeys(keys);
    fencer_->setConfig(config_.fence);
    cluster_->reconfigure(config_, now);
}

void Daemon::primeCluster(Instance& instance, TimePoint now) {
    instance.setFenceHook([this](const Instance& i, const core::RunFence& f) {
        if (fencer_)
            fencer_->run(i, f, io::monotonicNow());
    });
    instance.setSuccessorHook([this](const Instance& i, const core::NameSuccessor& s) {
        if (cluster_)
            cluster_->handOver(i, s.node);
    });
    instance.setProbeHook([this](const Instance& i, const core::RunProbe& p) {
        if (prober_)
            prober_->run(i, p, io::monotonicNow());
    });
    if (cluster_)
        cluster_->prime(instance, now);
}

void Daemon::closeCluster() {
    if (switchover_)
        switchover_->abandon("the cluster section is gone");
    prober_.reset();
    fencer_.reset();
    cluster_.reset();
}

// The cluster view, and the claim of every instance that holds one back: the cluster's rules,
// or the ARP probe (which needs no cluster).
void Daemon::clusterStatus(ctl::Status& st, TimePoint now) const {
    if (cluster_)
        st.cluster = cluster_->status(now);
    if (switchover_)
        st.switchover = switchover_->status(now);
    for (std::size_t k = 0; k < instances_.size() && k < st.instances.size(); ++k) {
        const core::VirtualRouter& router = instances_[k]->router();
        if (cluster_ && router.state() == core::State::Master && !router.owner())
            st.instances[k].successor = router.successor();
        const auto c = router.claim();
        const std::string last = fencer_ ? fencer_->lastOutcome(instances_[k]->name()) : "";
        if (c.stage == core::VirtualRouter::ClaimStage::Idle && last.empty())
            continue;
        ctl::ClaimStatus cs;
        switch (c.stage) {
        case core::VirtualRouter::ClaimStage::Idle:
            cs.stage = "none";
            break;
        case core::VirtualRouter::ClaimStage::Waiting:
            cs.stage = "waiting";
            break;
        case core::VirtualRouter::ClaimStage::Deferring:
            cs.stage = "deferring";
            cs.aheadOf = c.aheadOf;
            break;
        case core::VirtualRouter::ClaimStage::Fencing:
            cs.stage = "fencing";
            break;
        case core::VirtualRouter::ClaimStage::FenceFailed:
            cs.stage = "fence_failed";
            break;
        case core::VirtualRouter::ClaimStage::Probing:
            cs.stage = "probing";
            break;
        case core::VirtualRouter::ClaimStage::Conflict:
            cs.stage = "dual_holder";
            break;
        }
        if (c.until)
            cs.inSeconds = toSeconds(*c.until - now);
        cs.fenceFailures = c.fenceFailures;
        cs.lastFence = last;
        if (const auto d = fencer_ ? fencer_->lastDuration(instances_[k]->name()) : std::nullopt)
            cs.lastFenceDuration = toSeconds(*d);
        st.instances[k].claim = cs;
    }
}

} // namespace hafd::daemon
