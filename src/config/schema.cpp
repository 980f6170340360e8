// SPDX-License-Identifier: Apache-2.0
#include "config/schema.h"

#include "common/address.h"
#include "config/format.h"

namespace hafd::config {

namespace {

// Value checks (Key::check). Each returns the problem as it reads after the quoted value.

std::string checkName(std::string_view v) {
    for (const char c : v) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
        if (!ok)
            return "may contain only letters, digits, '_', '.' and '-'";
    }
    return "";
}

// Linux's dev_valid_name(): the length (1..15, below IFNAMSIZ) is the table's limit.
std::string checkInterface(std::string_view v) {
    if (v == "." || v == "..")
        return "is not a valid interface name";
    for (const char c : v)
        if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r'))
            return "is not a valid interface name (no '/', ':' or whitespace)";
    return "";
}

std::string checkUsable(const IpAddress& a) {
    if (a.isMulticast())
        return "is a multicast address";
    if (a.isUnspecified())
        return "is the unspecified address";
    return "";
}

std::string checkVip(std::string_view v) {
    const auto p = Prefix::parse(v);
    if (!p)
        return "is not an IP address or address/prefix-length";
    return checkUsable(p->address);
}

std::string checkPeer(std::string_view v) {
    const auto a = IpAddress::parse(v);
    if (!a)
        return v.find('/') != std::string_view::npos
                   ? "is not an IP address (peers take no /length)"
                   : "is not an IP address";
    return checkUsable(*a);
}

constexpr std::string_view kChecksumChoices[] = {"pseudo_header", "rfc9568", "legacy_unicast"};

constexpr std::string_view kVridAliases[] = {"virtual_router_id"};
constexpr std::string_view kAddressesAliases[] = {"virtual_ipaddress", "vips", "vip"};
constexpr std::string_view kIntervalAliases[] = {"advert_int"};
constexpr std::string_view kInterfaceAliases[] = {"dev"};
constexpr std::string_view kPeersAliases[] = {"unicast_peer"};
constexpr std::string_view kPasswordAliases[] = {"auth_pass", "password"};
constexpr std::string_view kVmacAliases[] = {"use_vmac"};
constexpr std::string_view kChecksumAliases[] = {"v3_checksum_as_v2", "old_unicast_checksum"};
constexpr std::string_view kPreemptAliases[] = {"nopreempt"};
constexpr std::string_view kAnnounceAliases[] = {"garp_master_delay", "garp_master_repeat",
                                                 "garp_master_refresh"};

constexpr Key kAnnounce[] = {
    Key("count", Type::Int)
        .byDefault("5")
        .limit(1, 100)
        .about("Gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6) sent "
               "per virtual address in each burst."),
    Key("delay", Type::Seconds)
        .byDefault("5.0")
        .limit(0, 3600)
        .about("A second burst this long after becoming master; 0 sends no second burst."),
    Key("refresh", Type::Seconds)
        .byDefault("60.0")
        .limit(0, 86400)
        .about("While master, one announcement per virtual address this often; 0 turns "
               "the refresh off."),
    Key("interval", Type::Seconds)
        .byDefault("0.01")
        .limit(0, 1)
        .about("Pause between the rounds of a burst. The first round for every virtual "
               "address leaves at once."),
};

constexpr Key kInstance[] = {
    Key("name", Type::String)
        .need()
        .limit(1, 32)
        .rangeIs("1..32 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("Identifies the instance in logs, status, notifications and across "
               "reloads. Unique."),
    Key("interface", Type::String)
        .need()
        .limit(1, 15)
        .rangeIs("a Linux interface name (1..15 bytes, no '/', ':' or whitespace)")
        .checked(checkInterface)
        .alias(kInterfaceAliases)
        .about("The interface adverts are sent and received on and the addresses are "
               "installed on."),
    Key("vrid", Type::Int)
        .need()
        .limit(1, 255)
        .alias(kVridAliases)
        .about("Virtual router identifier. Unique per interface, address family and "
               "multicast or unicast peer set."),
    Key("priority", Type::Int)
        .byDefault("100")
        .limit(1, 255)
        .rangeIs("1..255 (255: the address owner)")
        .about("The highest priority becomes master. 255 marks the owner of the "
               "addresses, which are then the interface's own."),
    Key("version", Type::Int)
        .byDefault("3")
        .limit(2, 3)
        .rangeIs("2 or 3 (2: IPv4 only)")
        .about("VRRP version: 3 (RFC 9568) or 2 (RFC 3768), which keepalived uses for "
               "IPv4 by default."),
    Key("advert_interval", Type::Seconds)
        .byDefault("1.0")
        .rangeIs("version 3: 0.01..40.95 in whole centiseconds; version 2: 1..255 whole seconds")
        .alias(kIntervalAliases)
        .about("Time between adverts while master. Version 2 peers must all use the same "
               "interval."),
    Key("preempt", Type::Bool)
        .byDefault("true")
        .alias(kPreemptAliases)
        .about("Whether a higher-priority backup takes over from a live lower-priority "
               "master. The address owner always preempts."),
    Key("preempt_delay", Type::Seconds)
        .byDefault("0")
        .limit(0, 3600)
        .about("After start-up and after entering backup, wait this long before "
               "preempting. A master failure is never delayed."),
    Key("addresses", Type::StringList)
        .need()
        .limit(1, kNoMax)
        .rangeIs("at least one \"address\" or \"address/prefix-length\", all of one family")
        .checked(checkVip)
        .alias(kAddressesAliases)
        .about("The virtual addresses. Their family is the instance's. A bare address is "
               "installed as /32 or /128."),
    Key("unicast_peers", Type::StringList)
        .byDefault("[]")
        .rangeIs("addresses of the instance's family")
        .checked(checkPeer)
        .alias(kPeersAliases)
        .about("Send adverts to these peers by unicast instead of to the multicast "
               "group. Empty: multicast."),
    Key("vmac", Type::Bool)
        .byDefault("false")
        .alias(kVmacAliases)
        .about("Install the addresses on a macvlan carrying the virtual MAC "
               "00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6)."),
    Key("accept", Type::Bool)
        .byDefault("true")
        .rangeIs("true (false is not supported yet)")
        .about("Whether a master accepts traffic addressed to the virtual addresses."),
    Key("checksum", Type::String)
        .byDefault("pseudo_header")
        .oneOf(kChecksumChoices)
        .alias(kChecksumAliases)
        .about("How VRRPv3 adverts over IPv4 are checksummed when sent: pseudo_header "
               "(keepalived, FRR), rfc9568 (message only), legacy_unicast (keepalived <= "
               "1.3.6 unicast). All forms are accepted on receipt."),
    Key("announce", Type::Group)
        .holding(kAnnounce)
        .alias(kAnnounceAliases)
        .about("Gratuitous ARP and unsolicited neighbour advertisements on becoming "
               "master."),
    Key("v2_password", Type::String)
        .limit(1, 8)
        .rangeIs("1..8 bytes; version 2 only")
        .alias(kPasswordAliases)
        .about("VRRPv2 simple password (RFC 2338 auth type 1) for keepalived's auth_type "
               "PASS. Sent in clear text: it offers no security."),
};

constexpr Key kRoot[] = {
    Key("instances", Type::GroupList)
        .holding(kInstance)
        .about("The virtual routers this node takes part in."),
};

void flatten(std::span<const Key> keys, const std::string& prefix, std::vector<SettingInfo>& out) {
    for (const Key& k : keys) {
        SettingInfo info;
        info.path = prefix.empty() ? std::string(k.name) : prefix + "." + std::string(k.name);
        info.type = k.type;
        info.required = k.required;
        info.defaultValue = k.type == Type::String && !k.defaultValue.empty()
                                ? "\"" + std::string(k.defaultValue) + "\""
                                : std::string(k.defaultValue);
        info.range = rangeText(k);
        info.description = k.description;
        const std::string path = info.path; // `out` may reallocate below
        out.push_back(std::move(info));
        flatten(k.children, path, out);
    }
}

} // namespace

std::string rangeText(const Key& key) {
    if (!key.range.empty())
        return std::string(key.range);
    std::string s;
    if (!key.choices.empty()) {
        for (const auto c : key.choices)
            s += (s.empty() ? "" : " | ") + quoted(c);
        return s;
    }
    if (!key.limited)
        return s;
    const std::string lo = formatNumber(key.min);
    const std::string hi = formatNumber(key.max);
    switch (key.type) {
    case Type::Int:
    case Type::Seconds:
        return lo + ".." + hi;
    case Type::String:
        return lo + ".." + hi + " bytes";
    case Type::StringList:
        return key.max == kNoMax ? "at least " + lo + " entries" : lo + ".." + hi + " entries";
    case Type::Bool:
    case Type::Group:
    case Type::GroupList:
        break;
    }
    return s;
}

const char* typeName(Type type) {
    switch (type) {
    case Type::Bool:
        return "boolean";
    case Type::Int:
        return "integer";
    case Type::Seconds:
        return "seconds";
    case Type::String:
        return "string";
    case Type::StringList:
        return "list of strings";
    case Type::Group:
        return "group";
    case Type::GroupList:
        return "list of groups";
    }
    return "?";
}

std::span<const Key> rootKeys() {
    return kRoot;
}
std::span<const Key> instanceKeys() {
    return kInstance;
}
std::span<const Key> announceKeys() {
    return kAnnounce;
}

const Key* findKey(std::span<const Key> keys, std::string_view name) {
    for (const Key& k : keys)
        if (k.name == name)
            return &k;
    return nullptr;
}

std::vector<SettingInfo> describeSchema() {
    std::vector<SettingInfo> out;
    flatten(kRoot, "", out);
    return out;
}

std::string formatSchema() {
    std::string s;
    for (const SettingInfo& info : describeSchema()) {
        s += info.path + "\n    " + typeName(info.type);
        if (info.required)
            s += "; required";
        else if (!info.defaultValue.empty())
            s += "; default " + info.defaultValue;
        else if (info.type != Type::Group && info.type != Type::GroupList)
            s += "; unset by default";
        if (!info.range.empty())
            s += "; " + info.range;
        s += "\n    " + info.description + "\n";
    }
    return s;
}

} // namespace hafd::config
