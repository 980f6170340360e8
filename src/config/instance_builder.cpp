// SPDX-License-Identifier: Apache-2.0
#include "config/instance_builder.h"

#include "config/binding.h"
#include "config/builder_util.h"
#include "config/format.h"
#include "config/schema.h"
#include "config/section.h"
#include "proto/advert.h"

#include <cmath>
#include <map>

namespace hafd::config {

namespace {

// The MTU advert capacity is judged against (DESIGN.md §3; the core sizes adverts the same way).
constexpr std::size_t kAdvertMtu = 1500;
// Below this interval adverts risk false failovers on a loaded host (PROTOCOL.md §6, item 14).
constexpr double kBriskInterval = 0.1;

// Whether `v` is a whole multiple of `step` (both in seconds), within float noise.
bool wholeSteps(double v, double step) {
    const double n = v / step;
    return std::fabs(n - std::round(n)) < 1e-6;
}

class Builder {
public:
    Builder(const Node& group, std::size_t position, const std::string& file, Reporter& report)
        : report_(report), s_(group, instanceKeys(), instancePath(group, position), report) {
        d_.path = s_.path();
        d_.file = group.file;
        d_.instance.file = file;
        d_.instance.lines.emplace_back("", group.line);
        for (const Node& n : group.children) {
            const Key* k = findKey(instanceKeys(), n.name);
            if (k == nullptr)
                continue;
            d_.instance.lines.emplace_back(n.name, n.line);
            if (k->type == Type::Group && n.kind == Node::Kind::Group && k->read != nullptr)
                for (const Node& c : n.children)
                    d_.instance.lines.emplace_back(n.name + "." + c.name, c.line);
        }
    }

    // The table reads every setting it can (announce and notify too); the rules between them
    // follow, and may set aside what they refuse.
    Draft build() && {
        readFields(s_, in(), report_);
        d_.nameOk = s_.ok("name");
        d_.interfaceOk = s_.ok("interface");
        d_.vridOk = s_.ok("vrid");
        accept();
        addresses();
        peers();
        versionAndInterval();
        checksum();
        probe();
        switchover();
        password();
        owner();
        d_.auth = buildAuth(s_.ok("auth") ? s_.find("auth") : nullptr, s_.pathOf("auth"), report_);
        d_.tracks = buildTracks(s_, report_);
        d_.tracksOk = s_.ok("track");
        for (const TrackDraft& t : d_.tracks)
            in().tracks.push_back(t.track);
        return std::move(d_);
    }

private:
    Instance& in() { return d_.instance; }

    void error(std::string_view setting, std::string message) {
        reportAt(report_, s_, Diagnostic::Severity::Error, setting, std::move(message));
    }
    void warning(std::string_view setting, std::string message) {
        reportAt(report_, s_, Diagnostic::Severity::Warning, setting, std::move(message));
    }
    // For one entry of a list, at the entry's own line.
    void entryProblem(Diagnostic::Severity severity, std::string_view list, const Node& entry,
                      std::size_t index, std::string message) {
        report_.add(severity, entry.file, entry.line,
                    s_.pathOf(list) + "[" + std::to_string(index) + "]", std::move(message));
    }
    std::size_t indexOf(std::string_view list, const Node* entry) const {
        return static_cast<std::size_t>(entry - s_.find(list)->children.data()) + 1;
    }

    // DESIGN.md §10: parsed, refused until hafd can filter traffic to the VIPs.
    void accept() {
        if (!in().accept)
            error("accept", "false is not supported yet: hafd always accepts traffic to the "
                            "virtual addresses");
    }

    // One family, each address once: what the table read is kept only when it passes.
    void addresses() {
        const Node* first = nullptr;
        std::map<IpAddress, std::size_t> listed; // address -> its position in the list
        const std::vector<Prefix> read = std::move(in().addresses);
        const auto entries = s_.entries("addresses"); // parallel to `read`
        in().addresses.clear();
        for (std::size_t k = 0; k < entries.size(); ++k) {
            const Node* e = entries[k];
            const std::size_t index = indexOf("addresses", e);
            const Prefix& p = read[k];
            if (first == nullptr) {
                first = e;
                in().family = p.address.family();
                d_.familyKnown = true;
            } else if (p.address.family() != in().family) {
                entryProblem(Diagnostic::Severity::Error, "addresses", *e, index,
                             quoted(e->text) + " is " + familyName(p.address.family()) +
                                 ", but addresses[" + std::to_string(indexOf("addresses", first)) +
                                 "] is " + familyName(in().family) +
                                 "; an instance carries one family");
                continue;
            }
            const auto [it, added] = listed.try_emplace(p.address, index);
            if (!added) {
                entryProblem(Diagnostic::Severity::Error, "addresses", *e, index,
                             quoted(e->text) + " is already listed as addresses[" +
                                 std::to_string(it->second) + "]");
                continue;
            }
            in().addresses.push_back(p);
            d_.addressLines.push_back(e->line);
            d_.addressIndex.push_back(static_cast<int>(index));
        }
        if (!d_.familyKnown)
            return;
        // DESIGN.md §10: adverts list exactly the configured VIPs; RFC 9568 §5.2.9 wants the
        // link-local one first.
        if (in().family == Family::V6 && !in().addresses.front().address.isLinkLocal())
            entryProblem(
                Diagnostic::Severity::Warning, "addresses", *first, indexOf("addresses", first),
                quoted(first->text) + " is not link-local: RFC 9568 wants an IPv6 instance's first "
                                      "address to be its link-local one");
    }

    // Of the instance's family, not one of its addresses, each once.
    void peers() {
        d_.peersOk = s_.ok("unicast_peers");
        const std::vector<IpAddress> read = std::move(in().unicastPeers);
        const auto entries = s_.entries("unicast_peers"); // parallel to `read`
        in().unicastPeers.clear();
        for (std::size_t k = 0; k < entries.size(); ++k) {
            const Node* e = entries[k];
            const std::size_t index = indexOf("unicast_peers", e);
            const IpAddress& a = read[k];
            std::string problem;
            if (d_.familyKnown && a.family() != in().family)
                problem = quoted(e->text) + " is " + familyName(a.family()) +
                          ", but the instance's addresses are " + familyName(in().family);
            for (const Prefix& vip : in().addresses)
                if (problem.empty() && vip.address == a)
                    problem = quoted(e->text) + " is one of the instance's own addresses";
            for (std::size_t i = 0; i < in().unicastPeers.size() && problem.empty(); ++i)
                if (in().unicastPeers[i] == a)
                    problem = quoted(e->text) + " is listed twice";
            if (!problem.empty()) {
                entryProblem(Diagnostic::Severity::Error, "unicast_peers", *e, index,
                             std::move(problem));
                d_.peersOk = false;
                continue;
            }
            in().unicastPeers.push_back(a);
        }
        minTtl();
    }

    // DESIGN.md §10: IPv4 unicast adverts need TTL 255 like multicast ones unless relaxed for
    // peers behind routers; IPv6 unicast hop limits are not checked (keepalived sends 64).
    void minTtl() {
        if (!s_.ok("unicast_min_ttl") || !s_.present("unicast_min_ttl") || !d_.peersOk)
            return;
        if (in().unicastPeers.empty())
            warning("unicast_min_ttl", "only applies with unicast_peers; ignored");
        else if (d_.familyKnown && in().family == Family::V6)
            warning("unicast_min_ttl",
                    "only applies to IPv4: IPv6 unicast adverts are accepted at any hop limit");
    }

    void versionAndInterval() {
        if (!s_.ok("version"))
            return;
        if (in().version == proto::Version::V2 && d_.familyKnown && in().family == Family::V6)
            error("version", "VRRPv2 is IPv4 only, and the addresses are IPv6");
        if (!s_.ok("advert_interval"))
            return;
        const double v = s_.seconds("advert_interval");
        const std::string shown = formatNumber(v);
        switch (in().version) {
        case proto::Version::V3:
            // PROTOCOL.md §1.1: Max Adver Int is 12 bits of centiseconds.
            if (!(v >= 0.01 - 1e-9 && v <= 40.95 + 1e-9 && wholeSteps(v, 0.01))) {
                error("advert_interval",
                      "must be 0.01..40.95 in steps of 0.01 with version 3, not " + shown);
                return;
            }
            in().advertInterval = centiseconds(std::llround(v * 100));
            if (v < kBriskInterval - 1e-9)
                warning("advert_interval",
                        shown + " s adverts risk false failovers on a busy host; 0.1 or more "
                                "is safer");
            break;
        case proto::Version::V2:
            // PROTOCOL.md §1.3: Adver Int is 8 bits of whole seconds.
            if (!(v >= 1 && v <= 255 && wholeSteps(v, 1))) {
                error("advert_interval",
                      "must be 1..255 whole seconds with version 2, not " + shown);
                return;
            }
            in().advertInterval = Duration(std::llround(v) * 1'000'000);
            break;
        }
    }

    void checksum() {
        if (!s_.ok("checksum") || !s_.present("checksum") || !s_.ok("version") || !d_.familyKnown)
            return;
        // PROTOCOL.md §1.5: IPv6 always has its pseudo-header, VRRPv2 never one.
        if (in().version != proto::Version::V3 || in().family != Family::V4) {
            warning("checksum", "only applies to VRRPv3 over IPv4; ignored");
            in().checksum = Instance{}.checksum;
            return;
        }
        if (in().checksum == proto::ChecksumForm::LegacyUnicast && in().unicastPeers.empty() &&
            d_.peersOk) {
            error("checksum", "legacy_unicast needs unicast_peers");
            in().checksum = Instance{}.checksum;
        }
    }

    // DESIGN.md §4: duplicate detection is an ARP probe; IPv6 has no such check before a claim.
    void probe() {
        if (!s_.ok("probe_before_claim") || !in().probeBeforeClaim || !d_.familyKnown ||
            in().family != Family::V6)
            return;
        error("probe_before_claim", "ARP probes are IPv4 only, and the addresses are IPv6");
        in().probeBeforeClaim = false;
    }

    void switchover() {
        if (!s_.ok("switchover") || in().switchover->verifyPattern.empty() ||
            !in().switchover->verify.empty())
            return;
        error("switchover", "verify_pattern is set but verify is not: nothing would produce "
                            "the output it matches");
        in().switchover.edit().verifyPattern.clear();
    }

    // Set aside when refused, so that no rule about passwords (auth) looks at it again.
    void password() {
        if (!s_.present("v2_password") || !s_.ok("v2_password"))
            return;
        if (!s_.ok("version") || in().version != proto::Version::V2) {
            if (s_.ok("version"))
                error("v2_password", "only valid with version = 2 (VRRPv3 has no authentication)");
            in().v2AuthType = proto::V2AuthType::None;
            in().v2Password.clear();
        }
    }

    void owner() {
        if (s_.ok("priority") && in().isOwner() && s_.present("preempt") && s_.ok("preempt") &&
            !in().preempt)
            warning("preempt", "ignored: priority 255 always preempts");
        if (!d_.familyKnown || !s_.ok("version"))
            return;
        if (in().version == proto::Version::V2 && in().family == Family::V6)
            return; // reported in versionAndInterval()
        const std::size_t fit = proto::maxAddressesPerAdvert(in().version, in().family, kAdvertMtu);
        if (in().addresses.size() > fit)
            warning("addresses",
                    std::to_string(in().addresses.size()) +
                        " addresses do not fit in one advert: adverts list the first " +
                        std::to_string(fit) +
                        "; the others are installed and announced, not advertised");
    }

    Reporter& report_;
    Section s_;
    Draft d_;
};

} // namespace

std::string instancePath(const Node& group, std::size_t position) {
    return namedEntryPath("instances", group, position, instanceKeys());
}

Draft buildInstance(const Node& group, std::size_t position, const std::string& file,
                    Reporter& report) {
    return Builder(group, position, file, report).build();
}

} // namespace hafd::config
