// SPDX-License-Identifier: Apache-2.0
// The lifecycle of DESIGN.md §6 (reload is in reload.cpp) and the wiring of the rooms.
#include "daemon/daemon.h"

#include "build_config.h"
#include "common/log.h"
#include "ctl/client.h"
#include "daemon/sockets.h"
#include "daemon/status.h"
#include "daemon/timer_pass.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <malloc.h>
#include <set>
#include <sys/prctl.h>
#include <unistd.h>

namespace hafd::daemon {

namespace {

bool isPrivilegeError(int code) {
    return code == EPERM || code == EACCES;
}

// Work in flight at shutdown is waited for at most this long beyond scripts.timeout, the time
// limit of the notify commands that will run then.
constexpr Duration kDrainSlack = 1s;

} // namespace

Daemon::Daemon(Options options, config::Config config)
    : options_(std::move(options)), config_(std::move(config)),
      scheduler_([this](std::optional<TimePoint> when) {
          if (when)
              hwTimer_.arm(*when);
          else
              hwTimer_.disarm();
      }) {
    config_.forgetLines(); // loaded and checked already: nothing names its lines any more
}

Daemon::~Daemon() {
    teardown();
}

int Daemon::run() {
    const int rc = start();
    if (rc == kExitOk)
        loop_.run();
    teardown();
    return rc;
}

void Daemon::teardown() {
    closeMetrics(); // they render the status of everything below
    stalls_.reset();
    control_.reset();
    closeCluster();
    closeHealth();
    drain_.reset();
    leaseRenewal_.reset();
    instances_.clear(); // they hold scheduler timers and pointers to the sockets
    kernelEvents_.reset();
    receiver_.reset();
    binder_.reset();
    watchdogTimer_.reset();
    signals_.clear();
    if (vipPort_)
        vipPort_->saveRecord();
    recordTimer_.reset();
    trimTimer_.reset();
}

// DESIGN.md §6 start-up: runtime directory, netlink, stale VIPs, sockets, instances, READY=1.
int Daemon::start() {
    startedAt_ = io::monotonicNow();
    // Protocol timers are meant to land within a millisecond of their bound: no 50 us slack.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
    auto rd = io::RuntimeDir::open(options_.runtimeDir);
    if (!rd) {
        log::error("runtime directory %s: %s", options_.runtimeDir.c_str(),
                   io::RuntimeDir::isBusy(rd.error())
                       ? "held by another hafd (is one already running?)"
                       : rd.error().message().c_str());
        return io::RuntimeDir::isBusy(rd.error())  ? kExitBusy
               : isPrivilegeError(rd.error().code) ? kExitPrivilege
                                                   : kExitFailure;
    }
    runtime_ = std::move(*rd);

    auto timer = io::PreciseTimer::create(
        loop_, [this] { runTimerPass(scheduler_, binder_->channels(), io::monotonicNow()); });
    if (!timer) {
        log::error("%s", timer.error().message().c_str());
        return kExitFailure;
    }
    hwTimer_ = std::move(*timer);
    if (const int rc = openKernel(); rc != kExitOk)
        return rc;
    openRooms();
    if (const io::SysError* e = runner_->error()) {
        log::error("command runner: %s", e->message().c_str()); // no deadlines for commands
        return kExitFailure;
    }

    // What an earlier run left goes before anything claims.
    std::set<std::string> interfaces;
    for (const auto& i : config_.instances) {
        interfaces.insert(i.interface);
        if (i.vmac)
            interfaces.insert(io::vmacName(i.family, i.vrid));
    }
    auto record = runtime_.readVips();
    if (!record)
        log::warning("runtime directory: %s", record.error().message().c_str());
    stale_->removeAtStart(record ? *record : std::vector<io::InstalledVip>(), interfaces);

    auto keys = KeyFiles::read(config_);
    if (!keys) {
        log::error("%s; not starting", keys.error().message.c_str());
        return kExitConfig;
    }
    keys_ = std::move(*keys);
    const TimePoint now = io::monotonicNow();
    leaseRenewal_->configure(LeaseRenewal::leaseOf(config_), now); // before any VIP goes in
    configureCluster(now);
    loadMaintenance();
    for (const auto& cfg : config_.instances)
        instances_.push_back(makeInstance(cfg));
    bindAll(now); // the binding goes in before Startup (core/virtual_router.h)
    configureHealth(now);
    for (auto& instance : instances_)
        startTracked(*instance, now);

    for (int sig : {SIGTERM, SIGINT})
        signals_.emplace_back(loop_, sig, [this] { shutdown(); });
    signals_.emplace_back(loop_, SIGHUP, [this] { (void)reload("SIGHUP"); });
    std::signal(SIGPIPE, SIG_IGN);

    auto control = ControlServer::open(
        loop_, runtime_.file(ctl::kControlSocketName),
        [this](const std::string& line, ControlServer::Responder reply) {
            commands_.handle(line, reply);
        },
        ControlAccess{});
    if (!control) {
        log::error("control socket: %s", control.error().message().c_str());
        return kExitFailure;
    }
    control_ = std::move(*control);
    if (const std::string problem = listenForMetrics(config_); !problem.empty()) {
        log::error("%s", problem.c_str());
        return kExitFailure;
    }

    if (auto interval = notifier_.watchdogInterval()) {
        watchdogTimer_.emplace(scheduler_, [this, d = *interval](TimePoint t) {
            notifier_.watchdog();
            watchdogTimer_->arm(t + d);
        });
        watchdogTimer_->arm(now + *interval);
    }
    // From the first sleep on, a stall reaches the instances before anything else of its wake-up.
    stalls_ = std::make_unique<StallWatch>(
        loop_,
        [this] { return hwTimer_.armed() ? std::optional(hwTimer_.deadline()) : std::nullopt; },
        instances_);
    configureMetrics(now); // its first write shows the instances started
    log::notice("hafd %s started: %zu instance(s) from %s", HAFD_VERSION, instances_.size(),
                config_.file.c_str());
    releaseInstanceConfigs();
    notifier_.ready(summary());
    trimTimer_.emplace(scheduler_, [](TimePoint) { malloc_trim(0); });
    trimSoon(now);
    return kExitOk;
}

// Raw and packet sockets, netlink: the announcer's socket tells first whether we may.
int Daemon::openKernel() {
    auto announcer = io::Announcer::open();
    if (!announcer) {
        log::error("%s: hafd needs CAP_NET_RAW and CAP_NET_ADMIN",
                   announcer.error().message().c_str());
        return isPrivilegeError(announcer.error().code) ? kExitPrivilege : kExitFailure;
    }
    announcer_ = std::move(*announcer);
    // Subscribe before dumping, so no change falls between the two (io/link_monitor.h).
    auto monitor = io::LinkMonitor::open();
    auto netlink = io::NetlinkClient::open();
    if (!monitor || !netlink) {
        log::error("netlink: %s", (!monitor ? monitor.error() : netlink.error()).message().c_str());
        return kExitPrivilege;
    }
    monitor_ = std::move(*monitor);
    netlink_ = std::move(*netlink);
    auto links = netlink_.dumpLinks();
    auto addresses = netlink_.dumpAddresses();
    if (!links || !addresses) {
        const auto& e = !links ? links.error() : addresses.error();
        log::error("netlink dump: %s", e.message().c_str());
        return isPrivilegeError(e.code) ? kExitPrivilege : kExitFailure;
    }
    links_.reset(std::move(*links), std::move(*addresses));
    return kExitOk;
}

void Daemon::openRooms() {
    recordTimer_.emplace(scheduler_, [this](TimePoint) { vipPort_->saveRecord(); });
    vipPort_ = std::make_unique<NetlinkVips>(
        netlink_, runtime_, links_, leases_,
        [this] {
            if (!recordTimer_->armed())
                recordTimer_->arm(io::monotonicNow()); // after the actions under way
        },
        [this] { kernelEvents_->resyncSoon(); });
    announcePort_ = std::make_unique<FrameAnnouncer>(announcer_);
    arpPort_ = std::make_unique<SocketArpPort>(loop_, announcer_);
    receiver_ = std::make_unique<AdvertReceiver>(scheduler_, instances_);
    binder_ = std::make_unique<Binder>(
        scheduler_, links_, instances_,
        [this](const io::LinkInfo& link, Family family) -> std::unique_ptr<AdvertChannel> {
            return Socket::open(loop_, link.ifindex, link.name, family,
                                [this](Socket& s) { receiver_->onReadable(s); });
        },
        [this](const io::AddressInfo& a, const std::string& ifname) {
            return vipPort_->installedByUs(a, ifname);
        },
        [this](const IpAddress& a, bool includeOwners) { return isVip(a, includeOwners); });
    stale_ = std::make_unique<StaleVips>(netlink_, links_, *vipPort_);
    prober_ = std::make_unique<DupProbe>(scheduler_, instances_, links_, *arpPort_);
    kernelEvents_ = std::make_unique<KernelEvents>(monitor_, netlink_, links_, instances_,
                                                   *vipPort_, leases_, *stale_, scheduler_,
                                                   [this](TimePoint now) { bindAll(now); });
    kernelEvents_->onCarrierUp([this](const io::LinkInfo& link) {
        if (cluster_)
            cluster_->carrierUp(netlink_, link);
    });
    leaseRenewal_ = std::make_unique<LeaseRenewal>(scheduler_, leases_, *vipPort_, instances_);
    monitorWatcher_ = io::IoWatcher(loop_, monitor_.fd(), io::IoWatcher::Read,
                                    [this](int) { kernelEvents_->onReadable(); });
    openHealth();
    openMetrics();
}

void Daemon::bindAll(TimePoint now) {
    binder_->bindAll(now);
    receiver_->reindex();
    kernelEvents_->reindex();
    // Links changed: interface checks and tracks look again.
    if (checks_) {
        checks_->linksChanged(now);
        tracker_->update("", now);
    }
}

// Each running instance keeps its own settings (Instance::config()); a second copy here would
// double the memory of every instance (~1 KiB each). config_ holds the instances only while a
// start or reload turns them into Instances.
void Daemon::releaseInstanceConfigs() {
    std::vector<config::Instance>().swap(config_.instances);
}

config::Config Daemon::runningConfig() const {
    config::Config c = config_;
    c.instances.clear();
    for (const auto& i : instances_)
        c.instances.push_back(i->config());
    return c;
}

// Parsing a configuration and the elections that follow leave the heap full of small free
// blocks that later allocations keep touching: once things have settled, they go back to the
// kernel (at 250 instances that is half of hafd's private memory).
void Daemon::trimSoon(TimePoint now) {
    trimTimer_->arm(now + 5s);
}

std::unique_ptr<Instance> Daemon::makeInstance(const config::Instance& cfg) {
    auto made = std::make_unique<Instance>(
        cfg, scheduler_, *vipPort_, *announcePort_,
        [this](const Instance& i, const core::StateChanged& c) { stateChanged(i, c); });
    made->setFollowingHook([this](const Instance&) {
        if (groups_)
            groups_->changed(io::monotonicNow());
    });
    giveKeys(*made);
    primeCluster(*made, io::monotonicNow());
    applyMaintenance(*made, io::monotonicNow());
    return made;
}

void Daemon::giveKeys(Instance& instance) const {
    const auto& auth = instance.config().auth;
    instance.setAuth(auth ? std::optional(keys_.ring(*auth)) : std::nullopt);
}

void Daemon::startInstance(Instance& instance, TimePoint now) {
    if (!links_.find(instance.config().interface))
        log::warning("instance %s: interface %s not found: FAULT until it appears",
                     instance.name().c_str(), instance.config().interface.c_str());
    instance.handle(core::Startup{}, now);
}

void Daemon::shutdown() {
    if (stopping_) {
        if (drain_)
            drain_->finish(); // a second SIGTERM: no more waiting
        return;
    }
    stopping_ = true;
    log::notice("shutting down");
    events_.close("hafd is stopping");
    if (switchover_)
        switchover_->abandon("hafd is stopping");
    notifier_.stopping();
    const TimePoint now = io::monotonicNow();
    // Nothing tracked starts or moves any more; the checks' commands make way for the stop
    // notifications.
    tracker_->stop();
    checks_->stopAll();
    // DESIGN.md §6: masters send priority 0 and release their VIPs at once.
    for (auto& i : instances_)
        i->handle(core::Shutdown{}, now);
    if (cluster_)
        cluster_->leave(); // peers stop counting this node's vote
    groups_->settle(now);  // the groups' STOP joins the notify queues before the wait
    drain_.emplace(scheduler_, [this] {
        binder_->removeAllVmacs();
        finishMetrics(); // after the stop notifications: node_exporter reads hafd_up 0 from now
        loop_.stop();
    });
    drain_->await("control replies", [this] { return control_ ? control_->pendingReplies() : 0; });
    drain_->await("notify commands", [this] { return notify_->pending(); });
    drain_->start(now, config_.scripts.timeout + kDrainSlack);
}

// The running instances' VIPs, and during a start or reload those of the configuration being
// applied (config_.instances, empty otherwise).
bool Daemon::isVip(const IpAddress& address, bool includeOwners) const {
    const auto in = [&](const config::Instance& i) {
        if (includeOwners || !i.isOwner())
            for (const auto& p : i.addresses)
                if (p.address == address)
                    return true;
        return false;
    };
    return std::any_of(config_.instances.begin(), config_.instances.end(), in) ||
           std::any_of(instances_.begin(), instances_.end(),
                       [&](const auto& i) { return in(i->config()); });
}

// "2 master, 1 backup" (then fault/init counts when non-zero): sd-notify STATUS=.
std::string Daemon::summary() const {
    unsigned counts[4] = {};
    for (const auto& i : instances_)
        ++counts[static_cast<int>(i->router().state())];
    std::string s = std::to_string(counts[static_cast<int>(core::State::Master)]) + " master, " +
                    std::to_string(counts[static_cast<int>(core::State::Backup)]) + " backup";
    if (const unsigned f = counts[static_cast<int>(core::State::Fault)])
        s += ", " + std::to_string(f) + " fault";
    if (const unsigned n = counts[static_cast<int>(core::State::Initialize)])
        s += ", " + std::to_string(n) + " init";
    if (!reloadError_.empty())
        s += "; last reload rejected: " + reloadError_;
    return s;
}

ctl::Status Daemon::status() {
    const TimePoint now = io::monotonicNow();
    ctl::Status st;
    st.version = HAFD_VERSION;
    st.pid = static_cast<int64_t>(getpid());
    st.uptime = toSeconds(now - startedAt_);
    for (const auto& i : instances_) {
        st.instances.push_back(instanceStatus(*i, now));
        addTrackHealth(st.instances.back(), i->config(), *checks_, links_);
        addLeaseRemaining(st.instances.back(), *i, leases_, now);
        if (tracker_->waiting(i->name()))
            st.instances.back().waitingFor = tracker_->unknownTracks(*i);
    }
    for (const auto& [name, c] : checks_->all())
        st.checks.push_back(checkStatus(*c, now));
    st.stalls = stallStatus(*stalls_, now);
    const auto& n = notify_->counters();
    st.notify = {{"started", n.started},
                 {"failed", n.failed},
                 {"dropped", n.dropped},
                 {"pending", notify_->pending()}};
    // Every channel of this daemon's binder is a Socket (openRooms() makes them).
    for (const auto& [key, channel] : binder_->channels())
        st.sockets.push_back(socketStatus(static_cast<const Socket&>(*channel)));
    clusterStatus(st, now);
    metricsStatus(st);
    if (control_)
        st.control = control_->counters();
    const io::Runner::Counters& r = runner_->counters();
    st.commands = {.running = runner_->running(),
                   .queued = runner_->queued(),
                   .queuedMax = r.queuedMax,
                   .started = r.started,
                   .timedOut = r.timedOut,
                   .spawnFailures = r.spawnFailures};
    return st;
}

} // namespace hafd::daemon
