// SPDX-License-Identifier: Apache-2.0
#include "import/instance.h"

#include "import/scripts.h"

#include "common/address.h"

#include <algorithm>
#include <cmath>

namespace hafd::import {

namespace {

// Settings hafd has nothing for, with what to say about each.
constexpr std::pair<std::string_view, std::string_view> kNotTranslated[] = {
    {"unicast_src_ip", "hafd has no source address setting: it sends from the interface's "
                       "primary address, which must be the one the peers list"},
    {"mcast_src_ip", "hafd has no source address setting: it sends from the interface's "
                     "primary address"},
    {"vmac_xmit_base", "hafd sends adverts from the VMAC interface"},
    {"no_accept", "hafd always accepts traffic to the addresses (accept = true)"},
    {"strict_mode", "hafd has no strict mode"},
    {"smtp_alert", "hafd sends no mail: use notify commands"},
    {"track_bfd", "hafd has no BFD"},
    {"notify_master_rx_lower_pri", "hafd re-announces on its own; no command for it"},
    {"notify_deleted", "hafd runs notify stop when a reload removes the instance"},
    {"notify_priority_changes", "hafd reports priority changes in hafctl events"},
    {"virtual_routes", "hafd installs no routes"},
    {"virtual_rules", "hafd installs no rules"},
    {"dont_track_primary", "hafd always tracks the instance's interface"},
    {"lvs_sync_daemon_interface", "hafd has no LVS"},
};

void readSetting(Context& cx, InstanceDraft& d, const KNode& c) {
    const std::string& k = c.keyword();
    const std::string setting = d.setting + "." + k;
    auto intValue = [&](long min, long max) -> std::optional<long> {
        const auto v = oneValue(cx, c, setting);
        const auto i = v ? toInt(*v, min, max) : std::nullopt;
        if (v && !i)
            cx.report(c, setting,
                      "expected " + std::to_string(min) + ".." + std::to_string(max) +
                          ": not translated");
        return i;
    };
    if (k == "interface") {
        d.interface = oneValue(cx, c, setting);
    } else if (k == "virtual_router_id") {
        d.vrid = intValue(1, 255);
    } else if (k == "priority") {
        d.priority = intValue(1, 255);
    } else if (k == "version") {
        d.version = intValue(2, 3);
    } else if (k == "advert_int") {
        const auto v = oneValue(cx, c, setting);
        d.advertInt = v ? toSeconds(*v) : std::nullopt;
        // Text and value always together: an earlier advert_int's text kept beside no value
        // would be written without the version's limits applied to it.
        d.advertText = InstanceDraft{}.advertText;
        if (v && (!d.advertInt || *d.advertInt < 0.01 || *d.advertInt > 255)) {
            cx.report(c, setting, "expected 0.01..255 seconds: not translated");
            d.advertInt.reset();
        } else if (v) {
            d.advertText = *v;
        }
        d.advertAt = &c;
    } else if (k == "state") {
        d.state = c.words.size() == 2 ? c.words[1] : "";
        if (d.state == "MASTER")
            cx.report(c, setting,
                      "MASTER makes keepalived start as master without waiting; hafd starts "
                      "as backup and the priority elects the master");
        else if (d.state != "BACKUP")
            cx.report(c, setting, "expected MASTER or BACKUP: not translated");
        d.comments.push_back("keepalived state " + d.state +
                             ": only keepalived's start; hafd elects by priority");
    } else if (k == "nopreempt") {
        d.nopreempt = true;
        d.nopreemptAt = &c;
    } else if (k == "preempt") {
        // keepalived's default, as hafd's
    } else if (k == "preempt_delay") {
        const auto v = oneValue(cx, c, setting);
        const auto s = v ? toSeconds(*v) : std::nullopt;
        if (v && (!s || *s > 3600))
            cx.report(c, setting, "expected 0..3600 seconds: not translated");
        else if (s)
            d.preemptDelay = *v;
    } else if (k == "use_vmac") {
        d.vmac = true;
        if (c.words.size() > 1)
            cx.report(c, setting, "hafd names the VMAC interface itself (not " + c.words[1] + ")");
    } else if (k == "accept") {
        // keepalived's default unless strict, and hafd's only mode
    } else if (k == "native_ipv6") {
        d.nativeIpv6 = true;
    } else if (k == "v3_checksum_as_v2") {
        d.checksum = "rfc9568";
    } else if (k == "old_unicast_checksum") {
        d.checksum =
            c.words.size() == 2 && c.words[1] == "never" ? "pseudo_header" : "legacy_unicast";
    } else if (isNotify(k)) {
        d.notify.push_back(&c);
    } else if (readGarp(cx, d.garp, c, setting, k)) {
    } else {
        for (const auto& [name, why] : kNotTranslated) {
            if (k == name) {
                cx.report(c, setting, std::string(why) + ": not translated");
                return;
            }
        }
        cx.report(c, setting, "not known to the importer: not translated");
    }
}

void readBlock(Context& cx, InstanceDraft& d, const KNode& c) {
    const std::string& k = c.keyword();
    if (k == "virtual_ipaddress" || k == "virtual_ipaddress_excluded")
        readAddresses(cx, d, c);
    else if (k == "unicast_peer")
        readPeers(cx, d, c);
    else if (k == "authentication")
        readAuthentication(cx, d, c);
    else if (k == "auth_hmac")
        readAuthHmac(cx, d, c);
    else if (k == "track_interface" || k == "track_script" || k == "track_file" ||
             k == "track_process")
        readTracks(cx, d, c);
    else
        readSetting(cx, d, c);
}

std::string line(const std::string& key, const std::string& value) {
    return "    " + key + " = " + value + ";\n";
}

// What keepalived's defaults and the draft make of the instance, written out.
std::string write(Context& cx, InstanceDraft& d) {
    const KNode& n = *d.node;
    const bool v6 = *d.family == Family::V6;
    std::string out;
    for (const std::string& c : d.comments)
        out += "    # " + c + "\n";
    out += line("name", quote(d.name));
    out += line("interface", quote(*d.interface));
    out += line("vrid", std::to_string(*d.vrid));
    out += line("priority", std::to_string(d.priority.value_or(100)));
    // keepalived runs IPv4 as VRRPv2 unless told otherwise, IPv6 always as VRRPv3; hafd's
    // default is 3: written every time, as a mixed cluster needs one version.
    long version = d.version.value_or(cx.version.value_or(v6 ? 3 : 2));
    if (v6 && version == 2) {
        if (d.version)
            cx.report(n, d.setting + ".version",
                      "keepalived runs IPv6 as VRRPv3: so does the translation");
        version = 3;
    }
    if (!d.version && !cx.version && !v6)
        out += "    # keepalived's default for IPv4 (hafd's is 3): every node must agree\n";
    out += line("version", std::to_string(version));
    if (version == 2 && d.advertInt &&
        (std::floor(*d.advertInt) != *d.advertInt || *d.advertInt < 1)) {
        // The nearest whole second, at least 1: the keepalived peers must send the same.
        const std::string whole = std::to_string(std::max(1L, std::lround(*d.advertInt)));
        cx.report(*d.advertAt, d.setting + ".advert_int",
                  d.advertText + " s: VRRPv2 carries whole seconds; written as " + whole);
        d.advertText = whole;
    } else if (version == 3 && d.advertInt && *d.advertInt > 40.95) {
        cx.report(*d.advertAt, d.setting + ".advert_int",
                  d.advertText + " s: VRRPv3 carries at most 40.95 s; written as 40.95");
        d.advertText = "40.95";
    } else if (version == 3 && d.advertInt &&
               std::fabs(*d.advertInt * 100 - std::round(*d.advertInt * 100)) > 1e-6) {
        const std::string centis = formatSeconds(std::round(*d.advertInt * 100) / 100);
        cx.report(*d.advertAt, d.setting + ".advert_int",
                  d.advertText + " s: VRRPv3 carries centiseconds; written as " + centis);
        d.advertText = centis;
    }
    out += line("advert_interval", d.advertText);
    if (d.nopreempt && d.state == "MASTER") {
        cx.report(*d.nopreemptAt, d.setting + ".nopreempt",
                  "keepalived ignores nopreempt with state MASTER: so does the translation");
        d.nopreempt = false;
    }
    out += line("preempt", d.nopreempt ? "false" : "true");
    if (d.preemptDelay)
        out += line("preempt_delay", *d.preemptDelay);
    out += line("addresses", quoteList(d.addresses));
    if (!d.peers.empty()) {
        out += line("unicast_peers", quoteList(d.peers));
        if (!v6) {
            out += "    # keepalived checks no TTL on unicast unless a peer has min_ttl; hafd "
                   "wants 255 (on the link) by default\n";
            if (d.minTtl)
                out += line("unicast_min_ttl", std::to_string(*d.minTtl));
        }
    }
    if (d.vmac)
        out += line("vmac", "true");
    if (!v6 && version == 3) {
        std::string checksum = d.checksum;
        if (checksum == "legacy_unicast" && d.peers.empty()) {
            // keepalived applies it to unicast only; hafd's loader refuses it on multicast.
            cx.report(n, d.setting,
                      "old_unicast_checksum applies to unicast peers only, and this instance "
                      "has none: ignored");
            checksum.clear();
        }
        if (checksum.empty())
            out += "    # keepalived's checksum form, written as the peers use it\n";
        out += line("checksum", quote(checksum.empty() ? "pseudo_header" : checksum));
    } else if (!d.checksum.empty()) {
        cx.report(n, d.setting, "the checksum setting is for VRRPv3 over IPv4 only: ignored");
    }
    out += "    # keepalived's gratuitous ARP settings (its refresh is off by default)\n";
    out += line("announce", "{ count = " + d.garp.count + "; delay = " + d.garp.delay +
                                "; refresh = " + d.garp.refresh +
                                "; interval = " + d.garp.interval + "; }");
    if (!d.password.empty()) {
        if (version == 2 && d.auth.empty()) {
            out += "    # keepalived auth_type PASS: clear text, no security\n";
            out += line("v2_password", quote(d.password));
        } else {
            cx.report(*d.passwordAt, d.setting + ".authentication",
                      version == 2 ? "keepalived drops it beside auth_hmac: so does the translation"
                                   : "VRRPv3 has no password: not translated");
        }
    }
    if (!d.auth.empty())
        out += line("auth", d.auth);
    if (!d.tracks.empty()) {
        if (std::any_of(d.tracks.begin(), d.tracks.end(),
                        [](const std::string& t) { return t.find("weight") == std::string::npos; }))
            out += "    # no weight: FAULT while down, in keepalived as in hafd\n";
        std::string list;
        for (std::size_t i = 0; i < d.tracks.size(); ++i)
            list += (i > 0 ? ",\n              " : "") + d.tracks[i];
        out += line("track", "( " + list + " )");
    }
    if (const std::string notify = translateNotify(cx, d.notify, d.setting); !notify.empty())
        out += "    " + notify + "\n";
    return out;
}

// The keepalived name of a translated instance that already has this VRID as hafd's loader
// tells them apart, or "".
std::string vridTaken(const Context& cx, const InstanceDraft& d) {
    const int family = d.family == Family::V6 ? 6 : 4;
    for (const Context::VridUse& u : cx.vrids) {
        if (u.interface != *d.interface || u.family != family || u.vrid != *d.vrid)
            continue;
        bool sharedPeer = false;
        for (const std::string& p : d.peers)
            sharedPeer =
                sharedPeer || std::find(u.peers.begin(), u.peers.end(), p) != u.peers.end();
        if ((u.peers.empty() && d.peers.empty()) || sharedPeer || (u.vmac && d.vmac))
            return u.instance;
    }
    return "";
}

// An address as hafd's loader compares them: without its prefix length, in canonical form.
std::string addressKey(const std::string& text) {
    const std::string address = text.substr(0, text.find('/'));
    const auto ip = IpAddress::parse(address);
    return ip ? ip->toString() : address;
}

// Drops the addresses an instance translated before holds already, and the second of an
// address listed twice (keepalived installs them twice; hafd's loader refuses both), with a
// finding each; false when none is left.
bool dropTakenAddresses(Context& cx, InstanceDraft& d, const KNode& n) {
    std::vector<std::string> kept;
    std::vector<std::string> keys;
    for (const std::string& a : d.addresses) {
        const std::string key = addressKey(a);
        const std::string setting = d.setting + ".virtual_ipaddress";
        if (const auto it = cx.addressOwners.find(key); it != cx.addressOwners.end()) {
            cx.report(n, setting,
                      a + " is already an address of vrrp_instance " + it->second +
                          ": not translated");
            continue;
        }
        if (std::find(keys.begin(), keys.end(), key) != keys.end()) {
            cx.report(n, setting, a + " is listed twice: translated once");
            continue;
        }
        kept.push_back(a);
        keys.push_back(key);
    }
    d.addresses = std::move(kept);
    return !d.addresses.empty();
}

// Drops the unicast peers that are addresses of the instance itself or of the other family
// (hafd's loader refuses them), with a finding each; false when the instance had peers and none is
// left (it is not made a multicast one).
bool dropOwnPeers(Context& cx, InstanceDraft& d, const KNode& n) {
    if (d.peers.empty())
        return true;
    std::vector<std::string> kept;
    for (const std::string& p : d.peers) {
        const bool own = std::any_of(d.addresses.begin(), d.addresses.end(),
                                     [&](const auto& a) { return addressKey(a) == addressKey(p); });
        const auto ip = IpAddress::parse(p);
        if (own)
            cx.report(n, d.setting + ".unicast_peer",
                      p + " is one of the instance's own addresses: not translated");
        else if (ip && d.family && ip->family() != *d.family)
            cx.report(n, d.setting + ".unicast_peer",
                      p + " is of another family than the addresses: not translated");
        else
            kept.push_back(p);
    }
    d.peers = std::move(kept);
    return !d.peers.empty();
}

} // namespace

std::string translateInstance(Context& cx, const KNode& n) {
    InstanceDraft d;
    d.node = &n;
    const std::string keepalivedName = n.words.size() >= 2 ? n.words[1] : "";
    d.setting = "vrrp_instance." + keepalivedName;
    if (n.words.size() != 2 || !n.hasBlock) {
        cx.report(n, "vrrp_instance", "expected a name and a block: not translated");
        return "";
    }
    d.name = hafdName(keepalivedName, 32);
    if (d.name != keepalivedName)
        cx.report(n, d.setting, "hafd names are 1..32 of A-Z a-z 0-9 _ . -: named " + d.name);
    d.garp = cx.garp;
    // Plain settings first: the blocks refer to the interface.
    for (const KNode& c : n.children)
        if (!c.hasBlock)
            readSetting(cx, d, c);
    for (const KNode& c : n.children)
        if (c.hasBlock)
            readBlock(cx, d, c);
    if (d.nativeIpv6 && d.family == Family::V4)
        cx.report(n, d.setting + ".native_ipv6", "the addresses are IPv4: hafd follows them");
    std::string missing;
    if (!d.interface)
        missing = "interface";
    else if (!d.vrid)
        missing = "virtual_router_id";
    else if (d.addresses.empty())
        missing = "virtual_ipaddress";
    if (!missing.empty()) {
        cx.report(n, d.setting, "no usable " + missing + ": the instance is not translated");
        return "";
    }
    if (!isInterfaceName(*d.interface)) {
        cx.report(n, d.setting,
                  "interface \"" + *d.interface +
                      "\" is not a Linux interface name (alias labels are not interfaces): "
                      "not translated");
        return "";
    }
    if (d.priority == 255 && d.nopreempt) {
        cx.report(*d.nopreemptAt, d.setting + ".nopreempt",
                  "priority 255 always preempts in hafd: not translated");
        d.nopreempt = false;
    }
    if (const std::string used = vridTaken(cx, d); !used.empty()) {
        cx.report(n, d.setting,
                  "VRID " + std::to_string(*d.vrid) + " on " + *d.interface +
                      " is already used by vrrp_instance " + used +
                      " (keepalived refuses it too): not translated");
        return "";
    }
    for (const std::string& other : cx.instanceNames) {
        if (other == d.name) {
            cx.report(n, d.setting, "a second instance named " + d.name + ": not translated");
            return "";
        }
    }
    if (!dropTakenAddresses(cx, d, n)) {
        cx.report(n, d.setting, "no usable virtual_ipaddress: the instance is not translated");
        return "";
    }
    if (!dropOwnPeers(cx, d, n)) {
        cx.report(n, d.setting, "no unicast peer is left: not translated");
        return "";
    }
    cx.instanceNames.push_back(d.name);
    for (const std::string& a : d.addresses)
        cx.addressOwners.emplace(addressKey(a), keepalivedName);
    cx.vrids.push_back(
        {*d.interface, d.family == Family::V6 ? 6 : 4, *d.vrid, d.peers, d.vmac, keepalivedName});
    const std::size_t slash = n.file.rfind('/');
    const std::string file = slash == std::string::npos ? n.file : n.file.substr(slash + 1);
    return "  # keepalived vrrp_instance " + keepalivedName + " (" + file + ":" +
           std::to_string(n.line) + ")\n  {\n" + write(cx, d) + "  }";
}

} // namespace hafd::import
