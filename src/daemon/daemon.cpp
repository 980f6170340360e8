// SPDX-License-Identifier: Apache-2.0
#include "daemon/daemon.h"

#include "build_config.h"
#include "common/log.h"
#include "ctl/client.h"
#include "ctl/json.h"
#include "daemon/config_loader.h"
#include "proto/frames.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <malloc.h>
#include <sys/prctl.h>
#include <unistd.h>

namespace hafd::daemon {

namespace {

const char* familyKey(Family f) {
    return f == Family::V4 ? "ipv4" : "ipv6";
}

bool isPrivilegeError(int code) {
    return code == EPERM || code == EACCES;
}

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
    control_.reset();
    instances_.clear(); // they hold scheduler timers and pointers to the sockets
    sockets_.clear();
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

    auto timer = io::PreciseTimer::create(loop_, [this] { timerPass(); });
    if (!timer) {
        log::error("%s", timer.error().message().c_str());
        return kExitFailure;
    }
    hwTimer_ = std::move(*timer);

    // Raw and packet sockets need CAP_NET_RAW: the first one opened tells whether we have it.
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
    monitorWatcher_ = io::IoWatcher(loop_, monitor_.fd(), io::IoWatcher::Read,
                                    [this](int) { onNetlinkReadable(); });
    auto links = netlink_.dumpLinks();
    auto addresses = netlink_.dumpAddresses();
    if (!links || !addresses) {
        log::error("netlink dump: %s",
                   (!links ? links.error() : addresses.error()).message().c_str());
        return isPrivilegeError((!links ? links.error() : addresses.error()).code) ? kExitPrivilege
                                                                                   : kExitFailure;
    }
    links_.reset(std::move(*links), std::move(*addresses));

    recordTimer_.emplace(scheduler_, [this](TimePoint) { vipPort_->saveRecord(); });
    vipPort_ = std::make_unique<NetlinkVips>(netlink_, runtime_, links_, [this] {
        if (!recordTimer_->armed())
            recordTimer_->arm(io::monotonicNow()); // after the actions under way
    });
    announcePort_ = std::make_unique<FrameAnnouncer>(announcer_);
    removeStaleVips();

    const TimePoint now = io::monotonicNow();
    for (const auto& cfg : config_.instances)
        instances_.push_back(makeInstance(cfg));
    // The link state goes in before Startup (core/virtual_router.h).
    refreshAll(now);
    for (auto& instance : instances_)
        startInstance(*instance, now);

    for (int sig : {SIGTERM, SIGINT})
        signals_.emplace_back(loop_, sig, [this] { shutdown(); });
    signals_.emplace_back(loop_, SIGHUP, [this] { (void)reload("SIGHUP"); });
    std::signal(SIGPIPE, SIG_IGN);

    auto control =
        ControlServer::open(loop_, runtime_.file(ctl::kControlSocketName),
                            [this](const std::string& line) { return handleControl(line); });
    if (!control) {
        log::error("control socket: %s", control.error().message().c_str());
        return kExitFailure;
    }
    control_ = std::move(*control);

    if (auto interval = notifier_.watchdogInterval()) {
        watchdogTimer_.emplace(scheduler_, [this, d = *interval](TimePoint t) {
            notifier_.watchdog();
            watchdogTimer_->arm(t + d);
        });
        watchdogTimer_->arm(now + *interval);
    }
    log::notice("hafd %s started: %zu instance(s) from %s", HAFD_VERSION, instances_.size(),
                config_.file.c_str());
    noteInactiveSections();
    releaseInstanceConfigs();
    notifier_.ready(summary());
    trimTimer_.emplace(scheduler_, [](TimePoint) { malloc_trim(0); });
    trimSoon(now);
    return kExitOk;
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

void Daemon::noteInactiveSections() const {
    std::string list;
    for (const auto& section : inactiveSections(config_))
        list += (list.empty() ? "" : ", ") + section;
    if (!list.empty())
        log::notice("configured but not active in this release (parsed and validated only): %s",
                    list.c_str());
}

// Parsing a configuration and the elections that follow leave the heap full of small free
// blocks that later allocations keep touching: once things have settled, they go back to the
// kernel (at 250 instances that is half of hafd's private memory).
void Daemon::trimSoon(TimePoint now) {
    trimTimer_->arm(now + 5s);
}

std::unique_ptr<Instance> Daemon::makeInstance(const config::Instance& cfg) {
    return std::make_unique<Instance>(
        cfg, scheduler_, *vipPort_, *announcePort_,
        [this](const Instance&, const core::StateChanged&) { notifier_.status(summary()); });
}

void Daemon::startInstance(Instance& instance, TimePoint now) {
    if (!links_.find(instance.config().interface))
        log::warning("instance %s: interface %s not found: FAULT until it appears",
                     instance.name().c_str(), instance.config().interface.c_str());
    instance.handle(core::Startup{}, now);
}

// DESIGN.md §10 stale VIPs: addresses hafd marked (IFA_PROTO) or recorded in the runtime
// directory, on the interfaces this configuration uses, are left over from an earlier run that
// did not shut down (kill -9, a crash): remove them before anything claims. An operator's own
// address carries neither mark and is never touched; an owner's VIPs are its own addresses.
void Daemon::removeStaleVips() {
    std::vector<std::string> ifnames;
    for (const auto& i : config_.instances) {
        ifnames.push_back(i.interface);
        if (i.vmac)
            ifnames.push_back(io::vmacName(i.family, i.vrid));
    }
    const auto record = runtime_.readVips();
    const auto owned = [&](const IpAddress& a) {
        for (const auto& i : config_.instances)
            if (i.isOwner())
                for (const auto& p : i.addresses)
                    if (p.address == a)
                        return true;
        return false;
    };
    std::map<uint32_t, std::vector<Prefix>> stale;
    for (const auto& name : ifnames) {
        const io::LinkInfo* link = links_.find(name);
        if (!link)
            continue;
        for (const auto& a : links_.addresses(link->ifindex)) {
            const bool recorded =
                record && std::find(record->begin(), record->end(),
                                    io::InstalledVip{name, a.prefix}) != record->end();
            if ((a.installedByHafd() || recorded) && !owned(a.prefix.address))
                stale[link->ifindex].push_back(a.prefix);
        }
    }
    for (const auto& [ifindex, prefixes] : stale) {
        std::string list;
        for (const auto& p : prefixes)
            list += (list.empty() ? "" : " ") + p.toString();
        auto r = netlink_.removeAddresses(ifindex, prefixes);
        if (!r) {
            log::error("removing stale VIPs from %s: %s", links_.find(ifindex)->name.c_str(),
                       r.error().message().c_str());
            continue;
        }
        for (const auto& p : prefixes) {
            io::AddressInfo gone;
            gone.ifindex = ifindex;
            gone.prefix = p;
            links_.removeAddress(gone);
        }
        log::notice("removed %zu stale VIP(s) left on %s by an earlier run: %s", prefixes.size(),
                    links_.find(ifindex)->name.c_str(), list.c_str());
    }
    vipPort_->clearRecord();
}

void Daemon::refreshAll(TimePoint now) {
    for (auto& instance : instances_)
        refresh(*instance, now);
    closeUnusedSockets();
    // Received adverts find their instances by (socket, VRID): with 250 instances a linear
    // search per advert was a tenth of a backup's CPU.
    byVrid_.clear();
    for (auto& instance : instances_)
        if (const AdvertSender* sender = instance->binding().sender)
            byVrid_[{sender, instance->config().vrid}].push_back(instance.get());
}

// Binds an instance to its interface as it is now and tells the router when usability or the
// source address changed. Usable: the interface exists, is up with carrier, has the source
// address adverts need, and its socket (and VMAC) are open.
void Daemon::refresh(Instance& instance, TimePoint now) {
    const auto& cfg = instance.config();
    Binding b;
    IpAddress source = instance.router().sourceAddress();
    bool usable = false;
    const io::LinkInfo* link = links_.find(cfg.interface);
    if (link && link->adminUp() && link->carrier()) {
        auto src = links_.sourceFor(
            link->ifindex, cfg.family, source,
            [this](const IpAddress& a) { return isVip(a, true); }, cfg.unicastPeers);
        // An owner whose interface has no address besides its VIPs sends from one of them.
        if (!src && cfg.isOwner())
            src = links_.sourceFor(
                link->ifindex, cfg.family, source,
                [this](const IpAddress& a) { return isVip(a, false); }, cfg.unicastPeers);
        Socket* s = socketFor(*link, cfg.family);
        if (s && src) {
            if (!cfg.isUnicast() && !s->socket.joined()) {
                if (int rc = s->socket.joinGroup(); rc < 0)
                    log::error("%s: joining the VRRP group: %s", link->name.c_str(),
                               std::strerror(-rc));
            }
            b.ifindex = link->ifindex;
            b.vipIfindex = link->ifindex;
            b.sender = s->sender.get();
            if (link->mac.size() == 6)
                std::copy(link->mac.begin(), link->mac.end(), b.mac.begin());
            usable = true;
            source = *src;
            if (cfg.vmac) {
                if (auto v = vmacFor(instance, *link)) {
                    b.vipIfindex = v->ifindex;
                    b.mac = proto::virtualMac(cfg.family, cfg.vrid);
                    // IPv6 adverts keep the parent's link-local as source (RFC 9568 §7.4).
                    if (cfg.family == Family::V6)
                        b.vmacSource = Prefix{source, 64};
                } else {
                    usable = false;
                }
            }
            b.routerFlag = cfg.family == Family::V6 && io::ipv6Forwarding(link->name) == 1;
        }
    }
    // A router that loses its link still resigns through the old binding (a priority-0 advert if
    // the link allows it); one that gains it needs the new binding to claim.
    const auto& router = instance.router();
    const bool changed =
        usable != router.linkUsable() || (usable && source != router.sourceAddress());
    if (!usable && changed)
        instance.handle(core::LinkChanged{false, source}, now);
    instance.bind(b);
    if (usable && changed)
        instance.handle(core::LinkChanged{true, source}, now);
}

Daemon::Socket* Daemon::socketFor(const io::LinkInfo& link, Family family) {
    const SocketKey key{link.ifindex, family};
    if (auto it = sockets_.find(key); it != sockets_.end())
        return it->second.get();
    auto opened = io::AdvertSocket::open(family, link.name, link.ifindex);
    if (!opened) {
        log::error("%s: advert socket: %s", link.name.c_str(), opened.error().message().c_str());
        return nullptr;
    }
    auto s = std::make_unique<Socket>();
    s->socket = std::move(*opened);
    s->sender = std::make_unique<SocketSender>(s->socket);
    Socket* raw = s.get();
    s->watcher = io::IoWatcher(loop_, s->socket.fd(), io::IoWatcher::Read,
                               [this, raw](int) { onAdvertReadable(*raw); });
    sockets_.emplace(key, std::move(s));
    log::debug("%s: %s advert socket open", link.name.c_str(), familyName(family));
    return raw;
}

// Closes sockets no instance is bound to (their interface went away or changed index).
void Daemon::closeUnusedSockets() {
    for (auto it = sockets_.begin(); it != sockets_.end();) {
        const bool used = std::any_of(instances_.begin(), instances_.end(), [&](const auto& i) {
            return i->binding().sender == it->second->sender.get();
        });
        it = used ? std::next(it) : sockets_.erase(it);
    }
}

std::optional<io::VmacLink> Daemon::vmacFor(const Instance& instance, const io::LinkInfo& parent) {
    const auto& cfg = instance.config();
    if (auto it = vmacLinks_.find(cfg.name); it != vmacLinks_.end()) {
        const io::LinkInfo* l = links_.find(it->second.ifindex);
        if (l && l->name == it->second.name && l->parentIfindex == parent.ifindex)
            return it->second;
        vmacLinks_.erase(it); // gone or re-created: ensure again
    }
    if (!vmacs_) {
        auto vm = io::VmacManager::open();
        if (!vm) {
            log::error("instance %s: VMAC: %s", cfg.name.c_str(), vm.error().message().c_str());
            return std::nullopt;
        }
        vmacs_ = std::move(*vm);
    }
    // No address on the VMAC here: an IPv6 master puts the parent's link-local on it while it is
    // master (Binding::vmacSource), so a backup's VMAC stays silent.
    auto v = vmacs_->ensure(cfg.family, cfg.vrid, parent.ifindex);
    if (!v) {
        log::error("instance %s: VMAC %s: %s", cfg.name.c_str(),
                   io::vmacName(cfg.family, cfg.vrid).c_str(), v.error().message().c_str());
        return std::nullopt;
    }
    for (const auto& w : v->warnings)
        log::warning("instance %s: VMAC %s: %s", cfg.name.c_str(), v->name.c_str(), w.c_str());
    log::info("instance %s: VMAC %s %s on %s", cfg.name.c_str(), v->name.c_str(),
              v->created ? "created" : "adopted", parent.name.c_str());
    // The VMAC's own events will update the table; until then, record what we know.
    io::LinkInfo info;
    info.ifindex = v->ifindex;
    info.name = v->name;
    info.parentIfindex = parent.ifindex;
    if (!links_.find(v->ifindex))
        links_.upsertLink(info);
    vmacLinks_[cfg.name] = *v;
    return *v;
}

void Daemon::onNetlinkReadable() {
    std::vector<io::NetlinkEvent> events;
    const int n = monitor_.read(events);
    if (n < 0) {
        log::error("netlink monitor: %s", std::strerror(-n));
        return;
    }
    const TimePoint now = io::monotonicNow();
    bool resyncNeeded = false;
    for (const auto& e : events) {
        if (std::holds_alternative<io::ResyncEvent>(e)) {
            resyncNeeded = true;
        } else if (const auto* l = std::get_if<io::LinkEvent>(&e)) {
            if (l->removed)
                links_.removeLink(l->link.ifindex);
            else
                links_.upsertLink(l->link);
        } else if (const auto* a = std::get_if<io::AddressEvent>(&e)) {
            if (!a->removed) {
                links_.addAddress(a->address);
                continue;
            }
            links_.removeAddress(a->address);
            // Our own removals (IPv4 carries our port id) are expected; anything else that takes
            // a VIP from a master is put back (the instance logs it if the VIP really was gone).
            if (a->requesterPortId != 0 && a->requesterPortId == netlink_.portId())
                continue;
            for (auto& i : instances_) {
                if (i->binding().vipIfindex != a->address.ifindex ||
                    i->router().state() != core::State::Master)
                    continue;
                const auto& vips = i->config().addresses;
                if (std::any_of(vips.begin(), vips.end(), [&](const Prefix& p) {
                        return p.address == a->address.prefix.address;
                    }))
                    i->handle(core::VipsLost{}, now);
            }
        }
    }
    if (resyncNeeded)
        resync();
    refreshAll(now);
}

// The monitor lost events (ENOBUFS): the table is rebuilt from a fresh dump, and every master
// checks that its VIPs are still there.
void Daemon::resync() {
    auto links = netlink_.dumpLinks();
    auto addresses = netlink_.dumpAddresses();
    if (!links || !addresses) {
        log::error("netlink re-dump after lost events: %s",
                   (!links ? links.error() : addresses.error()).message().c_str());
        return;
    }
    log::info("netlink: events were lost; re-read links and addresses");
    links_.reset(std::move(*links), std::move(*addresses));
    const TimePoint now = io::monotonicNow();
    for (auto& i : instances_)
        if (i->router().state() == core::State::Master)
            i->handle(core::VipsLost{}, now);
}

void Daemon::onAdvertReadable(Socket& s) {
    std::array<io::RxPacket, io::AdvertSocket::kBatch> batch;
    // Bounded per wake-up so one busy interface cannot starve the loop; a batch that comes back
    // short means the queue is empty.
    for (int rounds = 16; rounds > 0; --rounds) {
        const int n = s.socket.receive(std::span<io::RxPacket>(batch));
        if (n < 0) {
            log::debug("%s: receive: %s", s.socket.ifname().c_str(), std::strerror(-n));
            break;
        }
        for (int i = 0; i < n; ++i) {
            const io::RxPacket& pkt = batch[static_cast<std::size_t>(i)];
            ++s.received;
            if (pkt.drop) {
                ++s.drops[static_cast<std::size_t>(*pkt.drop)];
                continue;
            }
            auto decoded = proto::decode(pkt.payload, pkt.meta);
            if (!decoded) {
                ++s.drops[static_cast<std::size_t>(decoded.error())];
                log::debug("%s: advert from %s dropped: %s", s.socket.ifname().c_str(),
                           pkt.meta.source.toString().c_str(),
                           proto::dropReasonName(decoded.error()));
                continue;
            }
            deliver(s, *decoded, pkt.meta, pkt.arrived);
        }
        if (static_cast<std::size_t>(n) < batch.size())
            break;
    }
    scheduler_.tighten();
}

// Demultiplexes by VRID among the instances on this socket (PROTOCOL.md §6 item 13): a multicast
// advert to the multicast instance, a unicast one to the unicast instance that lists the sender as
// a peer (else to one with that VRID, which counts it as not_a_peer or mode_mismatch).
void Daemon::deliver(Socket& s, const proto::Decoded& decoded, const proto::RxMeta& meta,
                     TimePoint now) {
    const bool multicast = meta.destination.isMulticast();
    // 3: the mode matches (and a unicast instance lists the sender); 2: a unicast instance that
    // does not list it; 1: the other mode.
    const auto score = [&](const config::Instance& cfg) {
        if (multicast)
            return cfg.isUnicast() ? 1 : 3;
        if (!cfg.isUnicast())
            return 1;
        const auto& peers = cfg.unicastPeers;
        return std::find(peers.begin(), peers.end(), meta.source) != peers.end() ? 3 : 2;
    };
    Instance* best = nullptr;
    int bestScore = 0;
    if (const auto it = byVrid_.find({s.sender.get(), decoded.advert.vrid}); it != byVrid_.end())
        for (Instance* i : it->second)
            if (const int sc = score(i->config()); sc > bestScore) {
                best = i;
                bestScore = sc;
            }
    if (!best) {
        ++s.unknownVrid;
        log::debug("%s: advert for unknown VRID %u from %s", s.socket.ifname().c_str(),
                   decoded.advert.vrid, meta.source.toString().c_str());
        return;
    }
    best->handle(core::AdvertReceived{decoded, meta}, now);
}

// The timers due now, with their adverts batched per socket: 250 masters that started together
// send their 250 adverts in one sendmmsg() instead of 250 sendmsg() calls.
void Daemon::timerPass() {
    for (auto& [key, s] : sockets_)
        s->sender->setBatching(true);
    scheduler_.fire(io::monotonicNow());
    for (auto& [key, s] : sockets_) {
        s->sender->setBatching(false);
        s->sender->flush();
    }
}

// DESIGN.md §6 SIGTERM: masters send priority 0 and release their VIPs, then we exit 0.
void Daemon::shutdown() {
    log::notice("shutting down");
    notifier_.stopping();
    const TimePoint now = io::monotonicNow();
    for (auto& i : instances_)
        i->handle(core::Shutdown{}, now);
    while (!vmacLinks_.empty())
        removeVmac(vmacLinks_.begin()->first);
    loop_.stop();
}

void Daemon::removeVmac(const std::string& instanceName) {
    const auto it = vmacLinks_.find(instanceName);
    if (it == vmacLinks_.end())
        return;
    if (auto r = vmacs_->remove(it->second.name); !r)
        log::warning("removing VMAC %s: %s", it->second.name.c_str(), r.error().message().c_str());
    vmacLinks_.erase(it);
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

std::string Daemon::handleControl(const std::string& line) {
    std::string error;
    const auto request = ctl::parseRequest(line, error);
    if (!request)
        return ctl::formatErrorReply(error);
    if (request->command == "reload")
        return ctl::formatVerdictReply(reload("hafctl reload"));
    if (request->command != "status")
        return ctl::formatErrorReply("unknown command '" + request->command + "'");
    const TimePoint now = io::monotonicNow();
    ctl::Status st;
    st.version = HAFD_VERSION;
    st.pid = static_cast<int64_t>(getpid());
    st.uptime = toSeconds(now - startedAt_);
    for (const auto& i : instances_)
        st.instances.push_back(i->status(now));
    for (const auto& [key, s] : sockets_) {
        ctl::SocketStatus ss;
        ss.interface = s->socket.ifname();
        ss.family = familyKey(key.second);
        ss.received = s->received;
        for (std::size_t r = 0; r < proto::kDropReasonCount; ++r)
            if (s->drops[r])
                ss.drops[proto::dropReasonName(static_cast<proto::DropReason>(r))] = s->drops[r];
        ss.drops["unknown_vrid"] = s->unknownVrid;
        st.sockets.push_back(std::move(ss));
    }
    return ctl::formatStatusReply(st);
}

} // namespace hafd::daemon
