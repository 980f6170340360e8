// SPDX-License-Identifier: Apache-2.0
// Binding instances to links and sockets: from the link table, where each instance runs now —
// its interface and advert channel, the source address of its adverts, its VMAC, whether its
// VIPs are the interface's own — and which of the binder's fault causes hold (core/fault.h:
// link, source, join). Each change reaches the instance's router as core::BindingChanged.
//
// A failed multicast join is retried on a timer (100 ms, doubling up to 10 s) until it succeeds.
#pragma once

#include "common/time.h"
#include "daemon/instance.h"
#include "daemon/links.h"
#include "daemon/ports.h"
#include "daemon/scheduler.h"
#include "io/vmac.h"

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace hafd::daemon {

using Instances = std::vector<std::unique_ptr<Instance>>;

class Binder {
public:
    using ChannelKey = std::pair<uint32_t, Family>; // (ifindex, family)
    using Channels = std::map<ChannelKey, std::unique_ptr<AdvertChannel>>;
    // Opens the channel of an interface and family; null (logged) when it cannot.
    using OpenChannel = std::function<std::unique_ptr<AdvertChannel>(const io::LinkInfo&, Family)>;
    // Whether `address` (on the interface named `ifname`) was installed by hafd: marked with
    // IFA_PROTO or in the runtime record. Never an owner's own address.
    using Ours = std::function<bool(const io::AddressInfo& address, const std::string& ifname)>;
    // Whether `address` is a VIP of a running instance or of the configuration being applied;
    // `includeOwners`: whether an owner's VIPs (real interface addresses) count.
    using IsVip = std::function<bool(const IpAddress& address, bool includeOwners)>;

    Binder(Scheduler& scheduler, LinkTable& links, const Instances& instances, OpenChannel open,
           Ours ours, IsVip isVip);

    // Where `instance` runs now; its router hears of any change (before the new binding takes
    // effect when adverts can no longer leave, so that it resigns through the old one).
    void bind(Instance& instance, TimePoint now);
    // bind() for every instance, then closes the channels none uses.
    void bindAll(TimePoint now);

    const Channels& channels() const { return channels_; }
    // An instance is being removed: its VMAC goes, and what was said about it is forgotten.
    void forget(const std::string& instanceName);
    // Deletes every VMAC (shutdown).
    void removeAllVmacs();

private:
    void removeVmac(const std::string& instanceName);
    AdvertChannel* channelFor(const io::LinkInfo& link, Family family);
    void closeUnused();
    std::optional<io::VmacLink> vmacFor(const Instance& instance, const io::LinkInfo& parent);
    // Whether every VIP of `cfg` is already an address of `ifindex` that hafd did not install.
    bool ownsAddresses(const config::Instance& cfg, uint32_t ifindex) const;
    // Joins the group on `channel` for a multicast instance; false (and a retry armed) if it
    // cannot.
    bool join(AdvertChannel& channel, const std::string& ifname, TimePoint now);

    Scheduler& scheduler_;
    LinkTable& links_; // the binder records a VMAC it made until the VMAC's own events come
    const Instances& instances_;
    OpenChannel open_;
    Ours ours_;
    IsVip isVip_;
    Channels channels_;
    std::optional<io::VmacManager> vmacs_;
    std::map<std::string, io::VmacLink> vmacLinks_; // by instance name
    Scheduler::Timer joinRetry_;
    Duration joinBackoff_{};
    std::map<std::string, uint64_t> joinStreaks_; // interface -> failed joins in a row
    std::set<std::string> notOwners_;             // priority-255 instances said to be no owner
};

} // namespace hafd::daemon
