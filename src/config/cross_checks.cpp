// SPDX-License-Identifier: Apache-2.0
#include "config/cross_checks.h"

#include "config/format.h"

#include <cstdio>
#include <map>

namespace hafd::config {

namespace {

void error(Reporter& report, const Draft& d, const std::string& setting, int line,
           std::string message) {
    report.add(Diagnostic::Severity::Error, d.file, line, d.path + "." + setting,
               std::move(message));
}

// " by instances["a"] (line 3)": who had it first.
std::string by(const Reporter& report, const Draft& first, const std::string& setting,
               const Draft& second) {
    return " by " + first.path + " (" +
           report.where(first.file, first.instance.lineOf(setting), second.file) + ")";
}

void uniqueNames(const std::vector<Draft>& drafts, Reporter& report) {
    std::map<std::string, const Draft*> seen;
    for (const Draft& d : drafts) {
        if (!d.nameOk)
            continue;
        const auto [it, added] = seen.try_emplace(d.instance.name, &d);
        if (!added)
            error(report, d, "name", d.instance.lineOf("name"),
                  quoted(d.instance.name) + " is already the name of the instance at " +
                      report.where(it->second->file, it->second->instance.lineOf(""), d.file));
    }
}

// The first peer the two instances share, if any.
const IpAddress* sharedPeer(const Instance& a, const Instance& b) {
    for (const IpAddress& p : a.unicastPeers)
        for (const IpAddress& q : b.unicastPeers)
            if (p == q)
                return &p;
    return nullptr;
}

std::string virtualMac(Family family, uint8_t vrid) {
    // RFC 9568 §7.3: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6.
    char buf[24];
    std::snprintf(buf, sizeof buf, "00:00:5e:00:%02x:%02x", family == Family::V4 ? 1 : 2, vrid);
    return buf;
}

// PROTOCOL.md §6 item 13: VRIDs are per interface and family; multicast and unicast are separate
// spaces (keepalived), and unicast instances with disjoint peers never hear each other. v2 and
// v3 share one space: on one LAN they would fight over the same VRID.
void uniqueVrids(const std::vector<Draft>& drafts, Reporter& report) {
    for (std::size_t j = 0; j < drafts.size(); ++j) {
        const Draft& b = drafts[j];
        if (!b.vridOk || !b.interfaceOk || !b.familyKnown)
            continue;
        bool vridReported = false;
        bool macReported = false;
        for (std::size_t i = 0; i < j; ++i) {
            const Draft& a = drafts[i];
            if (!a.vridOk || !a.interfaceOk || !a.familyKnown)
                continue;
            const Instance& x = a.instance;
            const Instance& y = b.instance;
            if (x.vrid != y.vrid || x.interface != y.interface || x.family != y.family)
                continue;
            const std::string used = "VRID " + std::to_string(y.vrid) + " is already used on " +
                                     y.interface + " (" + familyName(y.family) + ", ";
            const IpAddress* peer = sharedPeer(x, y);
            if (!x.isUnicast() && !y.isUnicast()) {
                if (!vridReported)
                    error(report, b, "vrid", y.lineOf("vrid"),
                          used + "multicast)" + by(report, a, "vrid", b));
                vridReported = true;
            } else if (peer != nullptr) {
                if (!vridReported)
                    error(report, b, "vrid", y.lineOf("vrid"),
                          used + "unicast, sharing peer " + peer->toString() + ")" +
                              by(report, a, "vrid", b));
                vridReported = true;
            } else if (x.vmac && y.vmac) {
                // Two macvlans with one MAC on one interface: the kernel refuses the second.
                if (!macReported)
                    error(report, b, "vmac", y.lineOf("vmac"),
                          "virtual MAC " + virtualMac(y.family, y.vrid) + " on " + y.interface +
                              " is already used" + by(report, a, "vmac", b));
                macReported = true;
            }
        }
    }
}

// One address in two instances would be installed and removed by both.
void distinctAddresses(const std::vector<Draft>& drafts, Reporter& report) {
    std::map<IpAddress, const Draft*> owner;
    for (const Draft& d : drafts) {
        for (std::size_t k = 0; k < d.instance.addresses.size(); ++k) {
            const IpAddress& a = d.instance.addresses[k].address;
            const auto [it, added] = owner.try_emplace(a, &d);
            if (added || it->second == &d)
                continue;
            const Draft& first = *it->second;
            int firstLine = first.instance.lineOf("addresses");
            for (std::size_t m = 0; m < first.instance.addresses.size(); ++m)
                if (first.instance.addresses[m].address == a)
                    firstLine = first.addressLines[m];
            report.add(Diagnostic::Severity::Error, d.file, d.addressLines[k],
                       d.path + ".addresses[" + std::to_string(d.addressIndex[k]) + "]",
                       a.toString() + " is already an address of " + first.path + " (" +
                           report.where(first.file, firstLine, d.file) + ")");
        }
    }
}

} // namespace

void checkAcrossInstances(const std::vector<Draft>& drafts, Reporter& report) {
    uniqueNames(drafts, report);
    uniqueVrids(drafts, report);
    distinctAddresses(drafts, report);
}

} // namespace hafd::config
