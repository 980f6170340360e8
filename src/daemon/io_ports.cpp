// SPDX-License-Identifier: Apache-2.0
#include "daemon/io_ports.h"

#include "common/log.h"
#include "io/loop.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

namespace hafd::daemon {

void SocketSender::send(std::span<const uint8_t> message, const IpAddress& source,
                        const IpAddress& destination, uint32_t egressIfindex, SendReport& report) {
    if (!batching_) {
        flush();
        report.advertSent(destination, socket_.send(message, source, destination, egressIfindex));
        return;
    }
    if (const int rc = socket_.queue(message, source, destination, egressIfindex); rc < 0) {
        report.advertSent(destination, rc);
        return;
    }
    if (waiting_.empty() || report.staleAfter() < staleAfter_)
        staleAfter_ = report.staleAfter();
    waiting_.push_back({&report, destination, 0});
}

void SocketSender::flush() {
    if (waiting_.empty())
        return;
    // One result per queued message, in order (queue() failures were reported at once).
    // Adverts queued before a stall are not sent (-ESTALE): they say what this node was before
    // it was stopped, and the stall watch decides at the next wake-up what it is now (a master
    // that may have been replaced steps down without a word, DESIGN.md §4 "Freeze").
    const auto results = socket_.flush(staleAfter_);
    if (!results.empty() && results[0] == -ESTALE) {
        withheld_ += results.size();
        log::notice("%zu advert(s) queued before the loop was held up for %.3f s or more were "
                    "not sent (%llu so far)",
                    results.size(), toSeconds(staleAfter_),
                    static_cast<unsigned long long>(withheld_));
    }
    for (std::size_t i = 0; i < waiting_.size(); ++i)
        waiting_[i].result = i < results.size() ? results[i] : -EIO;
    // A report may make an instance act at once, and send or flush again on this sender: what
    // is reported is out of waiting_ first. Its storage comes back for the next pass.
    auto reporting = std::exchange(waiting_, {});
    for (const auto& w : reporting)
        w.report->advertSent(w.destination, w.result);
    if (waiting_.empty()) {
        reporting.clear();
        waiting_ = std::move(reporting);
    }
}

namespace {

// "198.51.100.10/32: File exists, …" for the addresses that failed; empty if none did.
std::string failures(std::span<const Prefix> vips, const std::vector<io::AddressResult>& results) {
    std::string s;
    for (std::size_t i = 0; i < vips.size() && i < results.size(); ++i)
        if (results[i].error != 0)
            s += (s.empty() ? "" : ", ") + vips[i].toString() + ": " +
                 std::strerror(-results[i].error);
    return s;
}

// The kernel lifetime of `lease`; none: permanent.
std::optional<io::Lifetime> lifetimeOf(const std::optional<std::chrono::seconds>& lease) {
    if (!lease)
        return std::nullopt;
    const auto s = static_cast<uint32_t>(lease->count());
    return io::Lifetime{s, s};
}

} // namespace

Result<unsigned> NetlinkVips::install(uint32_t ifindex, std::span<const Prefix> vips) {
    return add(ifindex, vips, true);
}

Result<unsigned> NetlinkVips::installSource(uint32_t ifindex, const Prefix& address) {
    return add(ifindex, {&address, 1}, false);
}

// A VIP of ours that is already there (put back after VipsLost, a retry after a failed renewal)
// is renewed as well: left as it is, its lease would end while the instance holds it. An
// address hafd did not install (an operator's) is left exactly as it is and never leased.
Result<unsigned> NetlinkVips::add(uint32_t ifindex, std::span<const Prefix> vips, bool leased) {
    io::AddOptions options;
    if (leased)
        options.lifetime = lifetimeOf(leases_.lease());
    const TimePoint sent = io::monotonicNow();
    auto r = netlink_.addAddresses(ifindex, vips, options);
    if (!r)
        return fail(r.error().message());
    unsigned added = 0;
    const io::LinkInfo* link = links_.find(ifindex);
    const std::string ifname = link ? link->name : std::to_string(ifindex);
    std::vector<Prefix> present; // ours, already there
    for (std::size_t i = 0; i < vips.size() && i < r->size(); ++i) {
        if ((*r)[i].error != 0)
            continue;
        if (!(*r)[i].noop) {
            ++added;
            if (leased)
                leases_.renewed(ifindex, vips[i], sent);
        } else if (leased && oursOn(ifindex, ifname, vips[i])) {
            present.push_back(vips[i]);
        }
        record_.emplace(ifname, vips[i]);
    }
    changed();
    std::string f = failures(vips, *r);
    if (!present.empty() && leases_.lease()) {
        for (const auto& x : renew(ifindex, present))
            f += (f.empty() ? "" : ", ") + x.vip.toString() + ": " + x.reason;
    } else {
        for (const auto& p : present)
            leases_.renewed(ifindex, p, sent);
    }
    if (!f.empty()) {
        if (std::any_of(r->begin(), r->end(), [](const auto& a) { return a.error == -ENOBUFS; }))
            uncertain_(); // some may have been added after all
        return fail(f);
    }
    return added;
}

bool NetlinkVips::oursOn(uint32_t ifindex, const std::string& ifname, const Prefix& vip) const {
    if (recorded(ifname, vip))
        return true;
    for (const auto& a : links_.addresses(ifindex))
        if (a.prefix == vip)
            return a.installedByHafd();
    return false;
}

std::vector<RenewFailure> NetlinkVips::renew(uint32_t ifindex, std::span<const Prefix> vips) {
    io::AddOptions options;
    options.lifetime = lifetimeOf(leases_.lease());
    options.replace = true;
    const TimePoint sent = io::monotonicNow();
    auto r = netlink_.addAddresses(ifindex, vips, options);
    std::vector<RenewFailure> failed;
    if (!r) {
        for (const auto& v : vips)
            failed.push_back({v, r.error().message()});
        return failed;
    }
    bool unknown = false;
    for (std::size_t i = 0; i < vips.size(); ++i) {
        const int error = i < r->size() ? (*r)[i].error : -EIO;
        if (error == 0) {
            leases_.renewed(ifindex, vips[i], sent);
            continue;
        }
        failed.push_back({vips[i], std::strerror(-error)});
        unknown = unknown || error == -ENOBUFS;
    }
    if (unknown)
        uncertain_(); // the table is re-read: what is there is found
    return failed;
}

Result<unsigned> NetlinkVips::remove(uint32_t ifindex, std::span<const Prefix> vips) {
    // Not held any more whatever the outcome: one that stays is found as stray, and its lease
    // ends by itself.
    for (const auto& v : vips)
        leases_.forget(ifindex, v);
    auto r = netlink_.removeAddresses(ifindex, vips);
    if (!r) {
        uncertain_();
        return fail(r.error().message());
    }
    const io::LinkInfo* link = links_.find(ifindex);
    const std::string ifname = link ? link->name : std::to_string(ifindex);
    unsigned removed = 0;
    for (std::size_t i = 0; i < vips.size() && i < r->size(); ++i) {
        if ((*r)[i].error != 0)
            continue;
        removed += (*r)[i].noop ? 0 : 1;
        record_.erase({ifname, vips[i]});
    }
    changed();
    if (auto f = failures(vips, *r); !f.empty()) {
        uncertain_(); // what stayed is found and removed once the table is fresh
        return fail(f);
    }
    return removed;
}

void NetlinkVips::record(const std::string& ifname, const Prefix& vip) {
    if (record_.emplace(ifname, vip).second)
        changed();
}

void NetlinkVips::clearRecord() {
    record_.clear();
    dirty_ = true;
}

void NetlinkVips::forget(const std::string& ifname, const Prefix& vip) {
    if (record_.erase({ifname, vip}) != 0)
        changed();
}

void NetlinkVips::changed() {
    dirty_ = true;
    if (requestSave_)
        requestSave_();
}

void NetlinkVips::saveRecord() {
    if (!dirty_)
        return;
    dirty_ = false;
    std::vector<io::InstalledVip> list;
    list.reserve(record_.size());
    for (const auto& [ifname, prefix] : record_)
        list.push_back({ifname, prefix});
    if (auto r = runtime_.writeVips(list); !r)
        log::warning("runtime directory: %s", r.error().message().c_str());
}

} // namespace hafd::daemon
