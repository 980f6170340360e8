// SPDX-License-Identifier: Apache-2.0
// Link and address changes from the kernel (the netlink monitor, io/link_monitor.h): applied to
// the daemon's picture (LinkTable), then turned into events for the routers (DESIGN.md §3, §5):
// - a VIP removed behind a master's back: core::VipsLost (it is put back);
// - a VIP whose kernel lease ran out (daemon/vip_leases.h) removed by the kernel: logged and
//   counted, never put back (the node was not renewing it, and a peer may hold it by now);
// - a VIP hafd installed (IFA_PROTO or the record) appearing where its instance is not master:
//   core::StrayVips (a backup removes it);
// - an address an earlier run left, showing up now: StaleVips;
// - lost events (ENOBUFS), or a VIP batch whose outcome the kernel left unknown: a fresh dump,
//   after which every master checks its VIPs and every other instance looks for strays.
// After each batch the daemon re-binds the instances (`changed`).
#pragma once

#include "common/time.h"
#include "daemon/binder.h"
#include "daemon/io_ports.h"
#include "daemon/links.h"
#include "daemon/scheduler.h"
#include "daemon/stale_vips.h"
#include "daemon/vip_leases.h"
#include "io/link_monitor.h"
#include "io/netlink.h"

#include <functional>
#include <utility>
#include <vector>

namespace hafd::daemon {

class KernelEvents {
public:
    KernelEvents(io::LinkMonitor& monitor, io::NetlinkClient& netlink, LinkTable& links,
                 const Instances& instances, NetlinkVips& vips, VipLeases& leases, StaleVips& stale,
                 Scheduler& scheduler, std::function<void(TimePoint)> changed);

    // The monitor's socket is readable.
    void onReadable();
    // Told when a link gets its carrier back (the cluster room's heartbeats: cluster_links.cpp).
    void onCarrierUp(std::function<void(const io::LinkInfo&)> f) { carrierUp_ = std::move(f); }
    // Re-reads links and addresses once the actions under way are done.
    void resyncSoon();
    // Rebuilds the index of VIPs by (interface, address): after instances or bindings changed.
    void reindex();

private:
    void resync(TimePoint now);
    void added(const io::AddressInfo& a, TimePoint now);
    void removed(const io::AddressEvent& e, TimePoint now);
    // `vip` of `instance` (null: none has it now) expired: said once, counted.
    void expired(Instance* instance, uint32_t ifindex, const Prefix& vip);
    // After a re-dump: the held VIPs the table no longer has vanished meanwhile. Returns the
    // instances with a VIP whose lease ran out: theirs are not put back.
    std::vector<const Instance*> reconcileLeases(TimePoint now);
    // Whether an instance holds a VIP as master now (for StaleVips).
    StaleVips::Held held() const;
    // Whether hafd installed `a` (NetlinkVips::installedByUs).
    bool ours(const io::AddressInfo& a) const;
    // The instance with VIP `address` on interface `ifindex`, or null.
    Instance* instanceWith(uint32_t ifindex, const IpAddress& address) const;

    io::LinkMonitor& monitor_;
    io::NetlinkClient& netlink_;
    LinkTable& links_;
    const Instances& instances_;
    NetlinkVips& vips_;
    VipLeases& leases_;
    StaleVips& stale_;
    std::function<void(TimePoint)> changed_;
    std::function<void(const io::LinkInfo&)> carrierUp_;
    Scheduler::Timer resyncTimer_;
    // (VIP interface, VIP) -> its instance, sorted: a vector rather than a map, so that 1000
    // VIPs cost 32 KiB and no allocation each.
    struct VipEntry {
        uint32_t ifindex;
        IpAddress address;
        Instance* instance;
    };
    std::vector<VipEntry> byVip_;
};

} // namespace hafd::daemon
