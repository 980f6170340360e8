// SPDX-License-Identifier: Apache-2.0
#include "daemon/cluster.h"

#include "common/log.h"
#include "daemon/advert_auth.h"
#include "daemon/instance.h"

#include <sys/random.h>

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace hafd::daemon {

namespace hb = proto::heartbeat;

namespace {

// Datagrams read per wake-up, so that a flood cannot starve the loop.
constexpr int kReadBurst = 64;
// A socket that could not open is tried again this much later.
constexpr Duration kReopenAfter = 5s;

uint64_t randomId() {
    uint64_t id = 0;
    while (id == 0)
        if (::getrandom(&id, sizeof id, 0) != static_cast<ssize_t>(sizeof id))
            id = static_cast<uint64_t>(io::monotonicNow().time_since_epoch().count());
    return id;
}

std::string hex64(uint64_t v) {
    char buf[20];
    std::snprintf(buf, sizeof buf, "%016" PRIx64, v);
    return buf;
}

const char* familyText(Family f) {
    return f == Family::V4 ? "ipv4" : "ipv6";
}

const char* stateText(uint8_t s) {
    static const char* const names[] = {"INIT", "BACKUP", "MASTER", "FAULT"};
    return s < 4 ? names[s] : "?";
}

hb::InstanceEntry entryOf(const Instance& i) {
    const config::Instance& c = i.config();
    hb::InstanceEntry e;
    e.family = c.family;
    e.vrid = c.vrid;
    e.state = static_cast<uint8_t>(i.router().state());
    e.priority = i.router().priority();
    e.basePriority = c.priority;
    e.version = static_cast<uint8_t>(c.version);
    e.intervalCs = static_cast<uint16_t>(toCentiseconds(i.router().advertisementInterval()));
    e.vipCount = static_cast<uint16_t>(std::min<std::size_t>(c.addresses.size(), 0xffff));
    e.vipDigest = hb::vipDigest(c.addresses);
    return e;
}

} // namespace

Cluster::Cluster(io::Loop& loop, Scheduler& scheduler, Instances& instances, Commands& commands,
                 const config::Config& config, std::string self)
    : loop_(loop), instances_(instances), commands_(commands), config_(*config.cluster),
      fence_(config.fence), auth_(config.auth), self_(std::move(self)), view_(config_, self_),
      sendTimer_(scheduler, [this](TimePoint now) { send(now); }),
      quorumTimer_(scheduler, [this](TimePoint now) { evaluate(now); }),
      hookTimer_(scheduler, [this](TimePoint now) { runHook(now); }),
      reopenTimer_(scheduler, [this](TimePoint now) { open(now); }), startId_(randomId()),
      buffer_(hb::kMaxLength + 1) {
    const TimePoint now = io::monotonicNow();
    // Until heartbeats have had a lease to arrive, no quorum is not yet a fault: a backup cannot
    // claim before lease + margin anyway, and a master that a reload put in a cluster keeps its
    // VIPs while its peers are heard for the first time.
    graceUntil_ = now + config_.lease;
    // One anti-replay mark per node: only nodes' addresses reach the table, and with its default
    // of 4 a cluster of 6 would forget a node's mark and take a replayed heartbeat of it.
    replay_.setCapacity(config_.nodes.size());
    open(now);
    sendTimer_.arm(now);
    if (config_.quorumHook)
        hookTimer_.arm(now);
    evaluate(now);
}

Cluster::~Cluster() {
    if (hookRun_ != 0)
        commands_.cancel(hookRun_);
}

void Cluster::open(TimePoint now) {
    const IpAddress& local = view_.nodes()[view_.selfIndex()].address;
    auto s = io::UdpSocket::open(local, config_.port);
    if (!s) {
        if (socketError_ != s.error().message())
            log::error("cluster: heartbeat socket: %s; retrying every %s",
                       s.error().message().c_str(), formatDuration(kReopenAfter).c_str());
        socketError_ = s.error().message();
        reopenTimer_.arm(now + kReopenAfter);
        return;
    }
    socket_ = std::move(*s);
    socketError_.clear();
    watcher_ =
        io::IoWatcher(loop_, socket_->fd(), io::IoWatcher::Read, [this](int) { onReadable(); });
    log::info("cluster: node %s, heartbeats on %s port %u to %zu other node(s)", self_.c_str(),
              local.toString().c_str(), config_.port, view_.nodes().size() - 1);
}

void Cluster::reconfigure(const config::Config& config, TimePoint now) {
    const bool reopen =
        config.cluster->port != config_.port || config.cluster->find(self_) == nullptr ||
        config.cluster->find(self_)->address != view_.nodes()[view_.selfIndex()].address;
    const bool hadHook = config_.quorumHook.has_value();
    config_ = *config.cluster;
    fence_ = config.fence;
    auth_ = config.auth;
    view_.reconfigure(config_, self_);
    replay_.setCapacity(config_.nodes.size());
    settingsSeen_.clear(); // our settings may have changed: compare again
    if (reopen) {
        watcher_ = io::IoWatcher();
        socket_.reset();
        open(now);
    }
    if (config_.quorumHook && !hadHook)
        hookTimer_.arm(now);
    if (!config_.quorumHook) {
        hookTimer_.cancel();
        if (hookRun_ != 0)
            commands_.cancel(hookRun_);
        hookRun_ = 0;
        hookOutcome_.clear();
        hookDuration_.reset();
    }
    sendTimer_.arm(
        std::min(sendTimer_.armed() ? sendTimer_.deadline() : now, now + config_.heartbeat));
    for (auto& i : instances_)
        i->handle(core::RulesChanged{rules()}, now);
    evaluate(now);
}

void Cluster::setKeys(std::optional<proto::auth::KeyRing> keys) {
    keys_ = std::move(keys);
}

core::ClaimRules Cluster::rules() const {
    core::ClaimRules r;
    r.on = true;
    r.wait = config_.lease + config_.margin;
    if (fence_) {
        r.fence = true;
        r.fenceRetry = fence_->retryInterval;
        r.fenceRetryMax = fence_->retryMaxInterval;
    }
    return r;
}

void Cluster::prime(Instance& instance, TimePoint now) {
    instance.handle(core::RulesChanged{rules()}, now);
    instance.handle(core::FaultChanged{core::FaultCause::Quorum, quorumFault_}, now);
}

void Cluster::onReadable() {
    if (!socket_)
        return;
    for (int i = 0; i < kReadBurst; ++i) {
        const auto d = socket_->receive(buffer_);
        if (!d)
            return;
        const TimePoint now = io::monotonicNow();
        if (d->truncated) {
            ++drops_[static_cast<std::size_t>(hb::Drop::Malformed)];
            continue;
        }
        handle(std::span(buffer_).first(d->length), d->source, now);
    }
}

void Cluster::handle(std::span<const uint8_t> datagram, const IpAddress& source, TimePoint now) {
    const auto dropped = [&](hb::Drop why, const std::string& detail) {
        const auto k = static_cast<std::size_t>(why);
        ++drops_[k];
        if (!dropLogged_[k]) {
            dropLogged_[k] = true;
            log::warning("cluster: heartbeat from %s dropped: %s%s%s (logged once per reason)",
                         source.toString().c_str(), hb::dropName(why), detail.empty() ? "" : ": ",
                         detail.c_str());
        }
    };
    const auto index = view_.indexOf(source);
    if (!index || *index == view_.selfIndex())
        return dropped(hb::Drop::UnknownNode, "not the address of another node of cluster.nodes");
    const bool require = auth_ && auth_->mode == config::AuthMode::Enforce;
    const proto::auth::Policy policy = auth_ ? policyOf(*auth_) : proto::auth::Policy{};
    const hb::Received r = hb::receive(datagram, source, keys_ ? &*keys_ : nullptr, require, policy,
                                       wallNow().seconds, replay_);
    if (!r.ok)
        return dropped(r.drop, r.detail);
    const core::NodeView& node = view_.nodes()[*index];
    if (r.heartbeat.name != node.name)
        return dropped(hb::Drop::UnknownNode, "it says it is \"" + r.heartbeat.name + "\", but " +
                                                  source.toString() + " is \"" + node.name + "\"");
    const uint64_t restarts = node.restarts;
    const bool first = node.heartbeats == 0;
    if (!view_.heard(*index, r.heartbeat, now))
        return;
    ++received_;
    if (first)
        log::info("cluster: node %s heard (%s)", node.name.c_str(), source.toString().c_str());
    else if (node.restarts != restarts)
        log::notice("cluster: node %s restarted (new start id %s)", node.name.c_str(),
                    hex64(node.startId).c_str());
    // Our instances by family and VRID, for what the heartbeat says of each.
    std::multimap<std::pair<Family, uint8_t>, Instance*> ours;
    for (auto& i : instances_)
        ours.emplace(std::pair(i->config().family, i->config().vrid), i.get());
    // A node that says it is master of one of our VRIDs is alive (the claim rule).
    for (const hb::InstanceEntry& e : r.heartbeat.instances)
        if (e.state == static_cast<uint8_t>(core::State::Master)) {
            const auto [from, to] = ours.equal_range({e.family, e.vrid});
            for (auto it = from; it != to; ++it)
                it->second->handle(core::MasterHeard{}, now);
        }
    successorsNamed(node.name, r.heartbeat.instances, ours, now);
    // The settings compared change only on a reload, here or there: compare then, not on every
    // heartbeat.
    std::vector<hb::InstanceEntry> settings = r.heartbeat.instances;
    for (hb::InstanceEntry& e : settings) {
        e.state = e.priority = 0;
        e.successor = 0;
    }
    if (std::vector<hb::InstanceEntry>& seen = settingsSeen_[node.name]; seen != settings) {
        seen = std::move(settings);
        compare(*index, ours);
    }
    evaluate(now);
}

void Cluster::compare(std::size_t index,
                      const std::multimap<std::pair<Family, uint8_t>, Instance*>& ours) {
    const core::NodeView& node = view_.nodes()[index];
    std::set<std::string> now;
    for (const hb::InstanceEntry& theirs : node.instances) {
        const auto [from, to] = ours.equal_range({theirs.family, theirs.vrid});
        for (auto it = from; it != to; ++it)
            for (const core::SettingDifference& d :
                 core::ClusterView::compare(node.name, entryOf(*it->second), theirs))
                now.insert(std::string(familyText(d.family)) + " VRID " + std::to_string(d.vrid) +
                           ": " + d.field + " " + d.ours + " here, " + d.theirs + " there");
    }
    std::set<std::string>& before = differences_[node.name];
    if (now == before)
        return;
    for (const std::string& d : now)
        if (!before.count(d))
            log::warning("cluster: node %s differs: %s", node.name.c_str(), d.c_str());
    for (const std::string& d : before)
        if (!now.count(d))
            log::notice("cluster: node %s no longer differs: %s", node.name.c_str(), d.c_str());
    before = std::move(now);
}

void Cluster::evaluate(TimePoint now) {
    const bool q = view_.quorum(now);
    if (q)
        graceUntil_ = std::min(graceUntil_, now);
    if (q != quorum_)
        log::notice("cluster: quorum %s: %u of %u votes heard, %u needed%s", q ? "gained" : "lost",
                    view_.votesHeard(now), view_.votes(), view_.needed(),
                    view_.hook()
                        ? (view_.hookOk(now).value_or(false) ? " (hook ok)" : " (hook not ok)")
                        : "");
    const bool changed = q != quorum_;
    quorum_ = q;
    const bool fault = !q && now >= graceUntil_;
    if (fault != quorumFault_) {
        quorumFault_ = fault;
        for (auto& i : instances_)
            i->handle(core::FaultChanged{core::FaultCause::Quorum, fault}, now);
    }
    if (changed && quorumChanged_)
        quorumChanged_(q, view_.votesHeard(now), view_.votes(), view_.needed());
    std::optional<TimePoint> next = view_.nextChange(now);
    if (!q && now < graceUntil_ && (!next || graceUntil_ < *next))
        next = graceUntil_;
    quorumTimer_.set(next);
    rankBackups(now);
}

void Cluster::rankBackups(TimePoint now) {
    for (auto& i : instances_) {
        const core::NodeView* n =
            view_.backupAhead(i->config().family, i->config().vrid, i->router().priority(), now);
        std::string ahead = n ? n->name : std::string();
        if (ahead != i->router().backupAhead())
            i->handle(core::BackupAhead{std::move(ahead)}, now);
    }
    successors_.update(instances_, view_, config_.lease, now);
}

hb::Heartbeat Cluster::heartbeat(bool leaving) {
    hb::Heartbeat h;
    h.quorum = quorum_;
    h.witness = view_.nodes()[view_.selfIndex()].witness;
    h.leaving = leaving;
    h.startId = startId_;
    h.counter = ++counter_;
    h.leaseMs = static_cast<uint32_t>(config_.lease.count() / 1000);
    h.name = self_;
    for (const auto& i : instances_) {
        if (h.instances.size() >= hb::kMaxInstances)
            break;
        h.instances.push_back(entryOf(*i));
        if (handBacks_.contains(i->name()))
            h.instances.back().successor = hb::successorTag(self_); // askHandBack()
    }
    return h;
}

void Cluster::send(TimePoint now, bool leaving) {
    if (!leaving)
        sendTimer_.arm(now + config_.heartbeat);
    transmit(heartbeat(leaving));
}

void Cluster::transmit(const hb::Heartbeat& h) {
    if (!socket_)
        return;
    std::vector<uint8_t> bytes = hb::encode(h);
    const IpAddress& local = view_.nodes()[view_.selfIndex()].address;
    if (keys_ && auth_ && auth_->mode != config::AuthMode::ReceiveOnly)
        bytes = hb::sign(bytes, local, keys_->activeId(), keys_->active(),
                         sequencer_.next(wallNow(), policyOf(*auth_)));
    for (std::size_t n = 0; n < view_.nodes().size(); ++n) {
        if (n == view_.selfIndex())
            continue;
        const int rc = socket_->sendTo(view_.nodes()[n].address, config_.port, bytes);
        if (rc == 0) {
            ++sent_;
            if (lastSendError_ != 0)
                log::info("cluster: heartbeats leave again");
            lastSendError_ = 0;
            continue;
        }
        ++sendFailures_;
        if (rc != lastSendError_)
            log::warning("cluster: heartbeat to %s (%s) failed: %s", view_.nodes()[n].name.c_str(),
                         view_.nodes()[n].address.toString().c_str(), std::strerror(-rc));
        lastSendError_ = rc;
    }
}

void Cluster::leave() {
    send(io::monotonicNow(), true);
}

void Cluster::runHook(TimePoint now) {
    if (!config_.quorumHook)
        return;
    const config::QuorumHook& hook = *config_.quorumHook;
    hookTimer_.arm(now + hook.interval);
    if (hookRun_ != 0)
        return; // the previous run is still under way (its timeout is below the interval)
    hookRun_ = commands_.run(hook.command, hook.timeout, {"HAFD_NODE=" + self_},
                             [this, started = now](const io::RunOutcome& o) {
                                 hookRun_ = 0;
                                 const TimePoint t = io::monotonicNow();
                                 const std::string outcome = o.ok() ? "ok" : o.describe();
                                 if (outcome != hookOutcome_)
                                     log::notice("cluster: quorum hook: %s", outcome.c_str());
                                 hookOutcome_ = outcome;
                                 hookDuration_ = o.elapsed;
                                 view_.hookAnswer(
                                     o.ok(), started); // a vote for one lease from the run's start
                                 evaluate(t);
                             });
}

const core::NodeView* Cluster::masterNode(Family family, uint8_t vrid,
                                          const IpAddress& address) const {
    if (const core::NodeView* n = view_.masterOf(family, vrid))
        return n;
    if (const auto i = view_.indexOf(address))
        return &view_.nodes()[*i];
    return nullptr;
}

ctl::ClusterStatus Cluster::status(TimePoint now) const {
    ctl::ClusterStatus s;
    s.node = self_;
    s.quorum = quorum_;
    s.votes = view_.votes();
    s.heard = view_.votesHeard(now);
    s.needed = view_.needed();
    if (view_.hook())
        s.hook = hookOutcome_.empty() ? "no answer yet" : hookOutcome_;
    if (view_.hook() && hookDuration_)
        s.hookDuration = toSeconds(*hookDuration_);
    s.lease = toSeconds(config_.lease);
    s.margin = toSeconds(config_.margin);
    s.heartbeat = toSeconds(config_.heartbeat);
    s.authenticated = keys_.has_value() && auth_.has_value();
    for (const core::NodeView& n : view_.nodes()) {
        ctl::ClusterNodeStatus ns;
        ns.name = n.name;
        ns.address = n.address.toString();
        ns.self = n.self;
        ns.witness = n.witness;
        ns.votes = n.self || (n.lastHeard && now < *n.lastHeard + config_.lease && !n.leaving);
        if (n.lastHeard)
            ns.lastHeardSecondsAgo = toSeconds(now - *n.lastHeard);
        ns.heartbeats = n.heartbeats;
        ns.restarts = n.restarts;
        ns.quorum = n.self ? quorum_ : n.quorum;
        if (n.heartbeats > 0)
            ns.startId = hex64(n.startId);
        if (n.self)
            ns.startId = hex64(startId_);
        std::vector<hb::InstanceEntry> own;
        if (n.self)
            for (const auto& i : instances_)
                own.push_back(entryOf(*i));
        for (const hb::InstanceEntry& e : n.self ? own : n.instances)
            ns.instances.push_back(
                {familyText(e.family), e.vrid, stateText(e.state), e.priority, e.basePriority});
        if (const auto it = differences_.find(n.name); it != differences_.end())
            ns.differences.assign(it->second.begin(), it->second.end());
        s.nodes.push_back(std::move(ns));
    }
    for (std::size_t k = 0; k < hb::kDropCount; ++k)
        if (drops_[k] > 0)
            s.drops[hb::dropName(static_cast<hb::Drop>(k))] = drops_[k];
    s.sent = sent_;
    s.sendFailures = sendFailures_;
    s.received = received_;
    s.socketError = socketError_;
    return s;
}

} // namespace hafd::daemon
