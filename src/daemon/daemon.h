// SPDX-License-Identifier: Apache-2.0
// The composition root (DESIGN.md §2): owns the loop, the io objects and the instances; turns
// netlink events and received adverts into core events; runs the start-up and shutdown
// sequences of DESIGN.md §6.
#pragma once

#include "config/config.h"
#include "config/diff.h"
#include "ctl/json.h"
#include "daemon/cli.h"
#include "daemon/control.h"
#include "daemon/instance.h"
#include "daemon/io_ports.h"
#include "daemon/links.h"
#include "daemon/notify.h"
#include "daemon/scheduler.h"
#include "io/advert_socket.h"
#include "io/announcer.h"
#include "io/link_monitor.h"
#include "io/loop.h"
#include "io/netlink.h"
#include "io/runtime_dir.h"
#include "io/vmac.h"

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon {

class Daemon {
public:
    Daemon(Options options, config::Config config);
    ~Daemon();

    // Starts, runs the loop until SIGTERM/SIGINT, shuts down; returns the exit status.
    int run();

private:
    // One advert socket per (interface, family), shared by that interface's instances.
    struct Socket {
        io::AdvertSocket socket;
        io::IoWatcher watcher;
        std::unique_ptr<SocketSender> sender;
        proto::DropCounters drops{};
        uint64_t unknownVrid = 0;
        uint64_t received = 0;
    };
    using SocketKey = std::pair<uint32_t, Family>;

    int start();
    std::unique_ptr<Instance> makeInstance(const config::Instance& cfg);
    // Startup for an instance whose link state is in (refresh()): FAULT, said once, when its
    // interface is missing.
    void startInstance(Instance& instance, TimePoint now);
    // Releases everything in dependency order (instances before the sockets and timers they
    // use), outside any watcher's callback.
    void teardown();
    void trimSoon(TimePoint now);
    void noteInactiveSections() const;
    void releaseInstanceConfigs();
    // config_ with the running instances' settings (for the reload diff).
    config::Config runningConfig() const;
    // Reload (reload.cpp): the verdict goes to `hafctl reload`; SIGHUP only logs it.
    ctl::Verdict reload(const char* trigger);
    void apply(const config::ConfigDiff& diff, TimePoint now);
    void removeVmac(const std::string& instanceName);
    void removeStaleVips();
    void refreshAll(TimePoint now);
    void refresh(Instance& instance, TimePoint now);
    Socket* socketFor(const io::LinkInfo& link, Family family);
    void closeUnusedSockets();
    std::optional<io::VmacLink> vmacFor(const Instance& instance, const io::LinkInfo& parent);
    void onNetlinkReadable();
    void onAdvertReadable(Socket& socket);
    void deliver(Socket& socket, const proto::Decoded& decoded, const proto::RxMeta& meta,
                 TimePoint now);
    void resync();
    void timerPass();
    void shutdown();
    // Whether `address` is a VIP of this configuration (an owner's VIPs are real interface
    // addresses: `includeOwners` says whether they count).
    bool isVip(const IpAddress& address, bool includeOwners) const;
    std::string summary() const;
    std::string handleControl(const std::string& line);

    Options options_;
    config::Config config_;
    TimePoint startedAt_{};
    io::Loop loop_;
    io::PreciseTimer hwTimer_;
    Scheduler scheduler_;
    io::RuntimeDir runtime_;
    io::NetlinkClient netlink_;
    io::LinkMonitor monitor_;
    io::IoWatcher monitorWatcher_;
    io::Announcer announcer_;
    std::optional<io::VmacManager> vmacs_;
    LinkTable links_;
    std::unique_ptr<NetlinkVips> vipPort_;
    std::unique_ptr<FrameAnnouncer> announcePort_;
    std::map<SocketKey, std::unique_ptr<Socket>> sockets_;
    std::vector<std::unique_ptr<Instance>> instances_;
    // Instances by (advert socket, VRID), rebuilt whenever bindings change (refreshAll).
    std::map<std::pair<const AdvertSender*, uint8_t>, std::vector<Instance*>> byVrid_;
    std::map<std::string, io::VmacLink> vmacLinks_; // by instance name
    std::vector<io::SignalWatcher> signals_;
    std::unique_ptr<ControlServer> control_;
    SystemdNotifier notifier_;
    std::optional<Scheduler::Timer> watchdogTimer_;
    std::optional<Scheduler::Timer> recordTimer_; // writes the VIP record after the actions
    std::optional<Scheduler::Timer> trimTimer_;   // gives free heap back once things settle
    std::string reloadError_; // the first error of the last rejected reload, until one succeeds
};

} // namespace hafd::daemon
