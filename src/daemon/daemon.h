// SPDX-License-Identifier: Apache-2.0
// The composition root (DESIGN.md §2): owns the loop, the io objects, the instances and the rooms
// that work on them, and runs the lifecycle of DESIGN.md §6 — start-up (daemon.cpp), reload
// (reload.cpp), graceful shutdown (daemon.cpp, with Drain). The rooms:
//   binder.h         instances bound to links and advert sockets; the link/source/join causes
//   receiver.h       adverts read, decoded and demultiplexed by VRID
//   timer_pass.h     the timers due, their adverts batched per socket
//   kernel_events.h  link and address changes: VIPs lost, expired, stray or left by an earlier run
//   lease_renewal.h  the kernel lease on VIPs renewed (vip_leases.h: what is held, until when)
//   stale_vips.h     what an earlier run left, removed at start
//   control_commands.h  the control socket's commands
//   event_log.h, maintenance.h, switchover.h  hafctl events, maintenance and switchover
//                    (operator.cpp wires them)
//   status.h         what `hafctl status` shows
//   checks.h         health checks run at their intervals (health.cpp wires these four)
//   tracker.h        tracks to effective priority and the track fault; start once known
//   notify.h         notify commands, one queue per instance and group
//   sync_groups.h    members in FAULT together; the groups' notify
//   stall_watch.h    stalls of the loop (SIGSTOP, overload, suspend), told to every instance first
//   cluster.h, fence.h, dup_probe.h  split-brain protection (split_brain.cpp wires them)
//   metrics_textfile.h, metrics_http.h  the metrics outputs (metrics_outputs.cpp wires them)
#pragma once

#include "config/config.h"
#include "config/diff.h"
#include "ctl/json.h"
#include "daemon/binder.h"
#include "daemon/checks.h"
#include "daemon/cli.h"
#include "daemon/cluster.h"
#include "daemon/commands.h"
#include "daemon/control.h"
#include "daemon/control_commands.h"
#include "daemon/dup_probe.h"
#include "daemon/event_log.h"
#include "daemon/fence.h"
#include "daemon/instance.h"
#include "daemon/io_ports.h"
#include "daemon/kernel_events.h"
#include "daemon/key_files.h"
#include "daemon/lease_renewal.h"
#include "daemon/links.h"
#include "daemon/maintenance.h"
#include "daemon/metrics_http.h"
#include "daemon/metrics_textfile.h"
#include "daemon/notify.h"
#include "daemon/receiver.h"
#include "daemon/scheduler.h"
#include "daemon/sd_notify.h"
#include "daemon/shutdown.h"
#include "daemon/stale_vips.h"
#include "daemon/stall_watch.h"
#include "daemon/switchover.h"
#include "daemon/sync_groups.h"
#include "daemon/tracker.h"
#include "daemon/vip_leases.h"
#include "io/announcer.h"
#include "io/link_monitor.h"
#include "io/loop.h"
#include "io/netlink.h"
#include "io/runner.h"
#include "io/runtime_dir.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace hafd::daemon {

class Daemon final : private ControlTarget {
public:
    Daemon(Options options, config::Config config);
    ~Daemon();

    // Starts, runs the loop until SIGTERM/SIGINT, shuts down; returns the exit status.
    int run();

private:
    // Start-up (daemon.cpp): the runtime directory, the kernel's picture, the rooms, the
    // instances, the control socket, READY=1. A non-zero exit status when it cannot.
    int start();
    int openKernel();
    void openRooms();
    // Releases everything in dependency order (instances before the sockets and timers they
    // use), outside any watcher's callback.
    void teardown();
    std::unique_ptr<Instance> makeInstance(const config::Instance& cfg);
    // keys_ to `instance` (its settings' ring, or none).
    void giveKeys(Instance& instance) const;
    // Startup for an instance whose binding is in (bindAll()): FAULT, said once, when its
    // interface is missing.
    void startInstance(Instance& instance, TimePoint now);

    // Checks, tracks, notify and sync groups (health.cpp).
    void openHealth();
    // config_'s checks, scripts and groups applied (start, reload); every instance re-tracked.
    void configureHealth(TimePoint now);
    // After Startup's binding: started at once, or once its tracks are known.
    void startTracked(Instance& instance, TimePoint now);
    void stateChanged(const Instance& instance, const core::StateChanged& change);
    void closeHealth();

    // Split-brain protection (split_brain.cpp): the cluster room and the fence follow
    // config_.cluster (start, reload); an instance is primed before its Startup (its fence and
    // ARP probe hooks).
    void configureCluster(TimePoint now);
    void primeCluster(Instance& instance, TimePoint now);
    void closeCluster();
    void clusterStatus(ctl::Status& st, TimePoint now) const;
    // The metrics outputs (metrics_outputs.cpp). listenForMetrics() opens, moves or closes the
    // HTTP listener for `config` (start; reload, before anything else applies): "" when done,
    // else a diagnostic naming metrics.listen, and the listener open before stays.
    // configureMetrics() makes the textfile follow config_; finishMetrics() writes it a last
    // time, hafd_up 0, at a clean stop.
    void openMetrics();
    std::string listenForMetrics(const config::Config& config);
    void configureMetrics(TimePoint now);
    void finishMetrics();
    void closeMetrics();
    void metricsStatus(ctl::Status& st) const;
    // Binds every instance anew and rebuilds the indexes that follow the bindings.
    void bindAll(TimePoint now);
    void trimSoon(TimePoint now);
    void releaseInstanceConfigs();
    // config_ with the running instances' settings (for the reload diff).
    config::Config runningConfig() const;
    // Whether `address` is a VIP of this configuration (an owner's VIPs are real interface
    // addresses: `includeOwners` says whether they count).
    bool isVip(const IpAddress& address, bool includeOwners) const;
    std::string summary() const;

    // Graceful stop (DESIGN.md §6): every instance resigns, then the daemon waits (bounded) for
    // work in flight and exits the loop. A second SIGTERM skips the wait.
    void shutdown();

    // The operator's side (operator.cpp): maintenance read at start and applied to an instance
    // (before its Startup, after a change); what goes into the event history.
    void loadMaintenance();
    void applyMaintenance(Instance& instance, TimePoint now);
    void recordTransition(const Instance& instance, const core::StateChanged& change);
    void recordCheck(const std::string& check);
    void recordQuorum(bool quorum, unsigned heard, unsigned votes, unsigned needed);

    // Reload (reload.cpp): the verdict goes to `hafctl reload`; SIGHUP only logs it. reload()
    // (operator.cpp) records it as an event too.
    void apply(const config::ConfigDiff& diff, TimePoint now);
    ctl::Verdict reloadConfiguration(const char* trigger);

    // ControlTarget (control_commands.h).
    ctl::Status status() override;
    ctl::Verdict reload(const char* trigger) override;
    bool stopping() const override { return stopping_; }
    EventLog& events() override { return events_; }
    ctl::Verdict maintenance(const std::string& instance, bool on) override;
    void switchover(const std::string& instance, const std::string& to,
                    const ControlServer::Responder& reply) override;
    Switchover& makeSwitchover(); // made on first use (operator.cpp)

    Options options_;
    config::Config config_;
    KeyFiles keys_; // config_'s auth keys, read at start and on every reload
    TimePoint startedAt_{};
    io::Loop loop_;
    io::PreciseTimer hwTimer_;
    Scheduler scheduler_;
    io::RuntimeDir runtime_;
    Maintenance maintenance_{runtime_};
    EventLog events_;
    io::NetlinkClient netlink_;
    io::LinkMonitor monitor_;
    io::IoWatcher monitorWatcher_;
    io::Announcer announcer_;
    LinkTable links_;
    VipLeases leases_;
    std::unique_ptr<NetlinkVips> vipPort_;
    std::unique_ptr<FrameAnnouncer> announcePort_;
    Instances instances_;
    std::unique_ptr<Binder> binder_;
    std::unique_ptr<AdvertReceiver> receiver_;
    std::unique_ptr<StaleVips> stale_;
    std::unique_ptr<KernelEvents> kernelEvents_;
    std::unique_ptr<LeaseRenewal> leaseRenewal_;
    std::vector<io::SignalWatcher> signals_;
    std::unique_ptr<io::Runner> runner_;
    std::unique_ptr<Commands> scripts_;
    std::unique_ptr<NotifyQueues> notify_;
    std::unique_ptr<Checks> checks_;
    std::unique_ptr<Tracker> tracker_;
    std::unique_ptr<SyncGroups> groups_;
    std::unique_ptr<Cluster> cluster_;
    std::unique_ptr<Fencer> fencer_;
    std::unique_ptr<SocketArpPort> arpPort_;
    std::unique_ptr<DupProbe> prober_; // ARP probes before claims (probe_before_claim)
    std::unique_ptr<ControlServer> control_;
    std::unique_ptr<StallWatch> stalls_;
    std::unique_ptr<Switchover> switchover_;
    std::unique_ptr<MetricsTextfile> metricsTextfile_;
    std::unique_ptr<MetricsListener> metricsListener_;
    ControlCommands commands_{*this};
    SystemdNotifier notifier_;
    std::optional<Drain> drain_;
    std::optional<Scheduler::Timer> watchdogTimer_;
    std::optional<Scheduler::Timer> recordTimer_; // writes the VIP record after the actions
    std::optional<Scheduler::Timer> trimTimer_;   // gives free heap back once things settle
    std::string reloadError_; // the first error of the last rejected reload, until one succeeds
    bool stopping_ = false;
};

} // namespace hafd::daemon
