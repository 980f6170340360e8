// SPDX-License-Identifier: Apache-2.0
// The schema tables of an `instances` entry and of the groups inside it, each row bound to its
// field (binding.h). Included by schema.cpp only (constant tables must be defined before the
// tables that hold them). Internal to config/.
#pragma once

#include "config/binding.h"
#include "config/schema.h"
#include "config/schema_auth.h"
#include "config/value_checks.h"

namespace hafd::config::tables {

// In the order of proto::ChecksumForm, spelt as checksumFormName() (a unit test compares).
inline constexpr std::string_view kChecksumChoices[] = {"pseudo_header", "rfc9568",
                                                        "legacy_unicast"};

inline constexpr std::string_view kVridAliases[] = {"virtual_router_id"};
inline constexpr std::string_view kAddressesAliases[] = {"virtual_ipaddress", "vips", "vip"};
inline constexpr std::string_view kIntervalAliases[] = {"advert_int"};
inline constexpr std::string_view kInterfaceAliases[] = {"dev"};
inline constexpr std::string_view kPeersAliases[] = {"unicast_peer"};
inline constexpr std::string_view kPasswordAliases[] = {"auth_pass", "password"};
inline constexpr std::string_view kVmacAliases[] = {"use_vmac"};
inline constexpr std::string_view kChecksumAliases[] = {"v3_checksum_as_v2",
                                                        "old_unicast_checksum"};
inline constexpr std::string_view kPreemptAliases[] = {"nopreempt"};
inline constexpr std::string_view kAnnounceAliases[] = {"garp_master_delay", "garp_master_repeat",
                                                        "garp_master_refresh"};
inline constexpr std::string_view kTrackAliases[] = {"track_script", "track_interface",
                                                     "track_file", "track_process"};
inline constexpr std::string_view kNotifyAliases[] = {"notify_master", "notify_backup",
                                                      "notify_fault", "notify_stop"};
inline constexpr std::string_view kTrackCheckAliases[] = {"script", "name"};
inline constexpr std::string_view kMasterAliases[] = {"notify_master"};
inline constexpr std::string_view kBackupAliases[] = {"notify_backup"};
inline constexpr std::string_view kFaultAliases[] = {"notify_fault"};
inline constexpr std::string_view kStopAliases[] = {"notify_stop"};
inline constexpr std::string_view kAnyAliases[] = {"notify"};

inline constexpr Key kAnnounce[] = {
    Key("count", Type::Int)
        .byDefault("5")
        .limit(1, 100)
        .about("Gratuitous ARP (IPv4) or unsolicited neighbour advertisements (IPv6) sent "
               "per virtual address in each burst.")
        .field<&Announce::count>(),
    Key("delay", Type::Seconds)
        .byDefault("5.0")
        .limit(0, 3600)
        .about("A second burst this long after becoming master; 0 sends no second burst.")
        .field<&Announce::delay>(),
    Key("refresh", Type::Seconds)
        .byDefault("60.0")
        .limit(0, 86400)
        .about("While master, one announcement per virtual address this often; 0 turns "
               "the refresh off.")
        .field<&Announce::refresh>(),
    Key("interval", Type::Seconds)
        .byDefault("0.01")
        .limit(0, 1)
        .about("Pause between the rounds of a burst. The first round for every virtual "
               "address leaves at once.")
        .field<&Announce::interval>(),
};

inline constexpr Key kTrack[] = {
    Key("check", Type::String)
        .limit(1, 32)
        .rangeIs("the name of an entry of checks")
        .checked(checkName)
        .alias(kTrackCheckAliases)
        .about("The check this entry tracks. Each entry has check or interface, not both.")
        .field<&Track::check>(),
    Key("interface", Type::String)
        .limit(1, 15)
        .rangeIs("a Linux interface name")
        .checked(checkInterface)
        .about("An interface tracked directly: up while it is up with carrier.")
        .field<&Track::interface>(),
    Key("weight", Type::Int)
        .byDefault("0")
        .limit(-254, 254)
        .about("Positive: added to the priority while the check is up; negative: added while "
               "it is down; 0: the instance is in FAULT while it is down.")
        .field<&Track::weight>()
        .shownWhen<[](const Track& t) {
            return t.roleWeights.empty();
        }>(),
    Key("weights", Type::IntGroup)
        .limit(-254, 254)
        .rangeIs("role = -254..254, ...")
        .about("Role checks only, instead of weight: added to the priority while the check "
               "reports that role. A role not listed, or a check that is down, adds nothing.")
        .field<&Track::roleWeights>(),
};

inline constexpr Key kNotify[] = {
    Key("master", Type::Command)
        .alias(kMasterAliases)
        .about("Runs on becoming master.")
        .field<&Notify::master>(),
    Key("backup", Type::Command)
        .alias(kBackupAliases)
        .about("Runs on becoming backup.")
        .field<&Notify::backup>(),
    Key("fault", Type::Command)
        .alias(kFaultAliases)
        .about("Runs on entering FAULT.")
        .field<&Notify::fault>(),
    Key("stop", Type::Command)
        .alias(kStopAliases)
        .about("Runs when hafd stops, or a reload removes the instance.")
        .field<&Notify::stop>(),
    Key("any", Type::Command)
        .alias(kAnyAliases)
        .about("Runs on every state change, after the command for the new state.")
        .field<&Notify::any>(),
};

inline constexpr Key kSwitchover[] = {
    Key("command", Type::Command)
        .about("Runs on the master before hafctl switchover hands the instance over (and on "
               "the new master before it hands it back in a rollback), as redis-cli failover "
               "would; only exit 0 lets the handover go on.")
        .field<&Switchover::command>(),
    Key("timeout", Type::Seconds)
        .byDefault("30.0")
        .limit(0.1, 3600)
        .about("A command run that takes longer is killed and stops the switchover.")
        .field<&Switchover::timeout>(),
    Key("verify", Type::Command)
        .about("Runs on the old master once the new master says it is master; exit 0 (and "
               "output matching verify_pattern, when set) means the switchover worked.")
        .field<&Switchover::verify>(),
    Key("verify_pattern", Type::String)
        .limit(1, 1024)
        .rangeIs("a POSIX extended regular expression")
        .checked(checkRegex)
        .about("The output of verify must match it.")
        .field<&Switchover::verifyPattern>(),
    Key("verify_timeout", Type::Seconds)
        .byDefault("10.0")
        .limit(0.1, 3600)
        .about("A verify run that takes longer is killed and counts as a failed verification.")
        .field<&Switchover::verifyTimeout>(),
    Key("rollbacks", Type::Int)
        .byDefault("1")
        .limit(0, 10)
        .about("After a failed verification the old master asks for the instance back, at "
               "most this many times in a row; 0 never rolls back.")
        .field<&Switchover::rollbacks>(),
};

inline constexpr Key kInstance[] = {
    Key("name", Type::String)
        .need()
        .limit(1, 32)
        .rangeIs("1..32 of A-Z a-z 0-9 _ . -")
        .checked(checkName)
        .about("Identifies the instance in logs, status, notifications and across "
               "reloads. Unique.")
        .field<&Instance::name>(),
    Key("interface", Type::String)
        .need()
        .limit(1, 15)
        .rangeIs("a Linux interface name (1..15 bytes, no '/', ':' or whitespace)")
        .checked(checkInterface)
        .alias(kInterfaceAliases)
        .about("The interface adverts are sent and received on and the addresses are "
               "installed on.")
        .field<&Instance::interface>()
        .identity(),
    Key("vrid", Type::Int)
        .need()
        .limit(1, 255)
        .alias(kVridAliases)
        .about("Virtual router identifier. Unique per interface, address family and "
               "multicast or unicast peer set.")
        .field<&Instance::vrid>()
        .identity(),
    Key("priority", Type::Int)
        .byDefault("100")
        .limit(1, 255)
        .rangeIs("1..255 (255: master at once, always preempts)")
        .about("The highest priority becomes master. 255 becomes master at once and always "
               "preempts; when every address is already on the interface it is their owner "
               "and hafd never adds or removes them, otherwise it installs them as any master.")
        .field<&Instance::priority>()
        .identityBy<&Instance::isOwner>("priority 255"),
    Key("version", Type::Int)
        .byDefault("3")
        .limit(2, 3)
        .rangeIs("2 or 3 (2: IPv4 only)")
        .about("VRRP version: 3 (RFC 9568) or 2 (RFC 3768), which keepalived uses for "
               "IPv4 by default.")
        .field<&Instance::version>()
        .identity(),
    Key("advert_interval", Type::Seconds)
        .byDefault("1.0")
        .rangeIs("version 3: 0.01..40.95 in whole centiseconds; version 2: 1..255 whole seconds")
        .alias(kIntervalAliases)
        .about("Time between adverts while master. Version 2 peers must all use the same "
               "interval.")
        .field<&Instance::advertInterval>(),
    Key("preempt", Type::Bool)
        .byDefault("true")
        .alias(kPreemptAliases)
        .about("Whether a higher-priority backup takes over from a live lower-priority "
               "master. At priority 255 an instance always preempts.")
        .field<&Instance::preempt>(),
    Key("preempt_delay", Type::Seconds)
        .byDefault("0")
        .limit(0, 3600)
        .about("After start-up and after entering backup, wait this long before "
               "preempting. A master failure is never delayed.")
        .field<&Instance::preemptDelay>(),
    Key("probe_before_claim", Type::Bool)
        .byDefault("false")
        .rangeIs("true or false; IPv4 only")
        .about("Before claiming the addresses after a master failure, send RFC 5227 ARP "
               "probes for them and stay backup while another node answers for one (a dual "
               "holder, counted). Costs each such claim 0.1 s.")
        .field<&Instance::probeBeforeClaim>()
        .shownWhen<[](const Instance& i) {
            return i.family == Family::V4;
        }>(),
    Key("addresses", Type::StringList)
        .need()
        .limit(1, kNoMax)
        .rangeIs("at least one \"address\" or \"address/prefix-length\", all of one family")
        .checked(checkVip)
        .alias(kAddressesAliases)
        .about("The virtual addresses. Their family is the instance's. A bare address is "
               "installed as /32 or /128.")
        .field<&Instance::addresses, &Instance::family>()
        .identityBy<&Instance::family>("family"),
    Key("unicast_peers", Type::StringList)
        .byDefault("[]")
        .rangeIs("addresses of the instance's family")
        .checked(checkPeer)
        .alias(kPeersAliases)
        .about("Send adverts to these peers by unicast instead of to the multicast "
               "group. Empty: multicast.")
        .field<&Instance::unicastPeers>()
        .identityBy<&Instance::isUnicast>("unicast_peers"),
    Key("unicast_min_ttl", Type::Int)
        .byDefault("255")
        .limit(1, 255)
        .rangeIs("1..255; IPv4 unicast only")
        .about("The lowest TTL a unicast IPv4 advert may arrive with. 255 (the default) "
               "accepts only peers on the link, as for multicast; 255 minus the number of "
               "routers in between accepts peers behind them. IPv6 unicast adverts are "
               "accepted at any hop limit (keepalived sends 64).")
        .field<&Instance::unicastMinTtl>()
        .shownWhen<[](const Instance& i) {
            return i.family == Family::V4 && i.isUnicast();
        }>(),
    Key("vmac", Type::Bool)
        .byDefault("false")
        .alias(kVmacAliases)
        .about("Install the addresses on a macvlan carrying the virtual MAC "
               "00:00:5e:00:01:VRID (IPv4) or 00:00:5e:00:02:VRID (IPv6).")
        .field<&Instance::vmac>()
        .identity(),
    Key("accept", Type::Bool)
        .byDefault("true")
        .rangeIs("true (false is not supported yet)")
        .about("Whether a master accepts traffic addressed to the virtual addresses.")
        .field<&Instance::accept>(),
    Key("checksum", Type::String)
        .byDefault("pseudo_header")
        .oneOf(kChecksumChoices)
        .alias(kChecksumAliases)
        .about("How VRRPv3 adverts over IPv4 are checksummed when sent: pseudo_header "
               "(keepalived, FRR), rfc9568 (message only), legacy_unicast (keepalived <= "
               "1.3.6 unicast). All forms are accepted on receipt.")
        .field<&Instance::checksum>()
        // PROTOCOL.md §1.5: IPv6 always has its pseudo-header, VRRPv2 never one.
        .shownWhen<[](const Instance& i) {
            return i.family == Family::V4 && i.version == proto::Version::V3;
        }>(),
    Key("announce", Type::Group)
        .holding(kAnnounce)
        .alias(kAnnounceAliases)
        .about("Gratuitous ARP and unsolicited neighbour advertisements on becoming "
               "master.")
        .field<&Instance::announce>(),
    Key("v2_password", Type::String)
        .limit(1, 8)
        .rangeIs("1..8 bytes; version 2 only")
        .alias(kPasswordAliases)
        .about("VRRPv2 simple password (RFC 2338 auth type 1) for keepalived's auth_type "
               "PASS. Sent in clear text: it offers no security.")
        .field<&Instance::v2Password, &Instance::v2AuthType>()
        .readWith<[](Instance& i, const Node& value) {
            i.v2Password = value.text;
            i.v2AuthType = proto::V2AuthType::SimplePassword;
        }>()
        // By its length only: it stays out of logs and terminals.
        .printWith<[](const Instance& i, const std::string&) -> std::string {
            if (i.v2AuthType != proto::V2AuthType::SimplePassword)
                return "";
            return "\"" + std::string(i.v2Password.size(), '*') + "\"";
        }>(),
    Key("auth", Type::Group)
        .holding(kAuth)
        .alias(kAuthAliases)
        .about("This instance's own authentication, replacing the top-level auth; "
               "auth = { enabled = false; } turns it off for this instance.")
        .field<&Instance::auth>()
        // Its own group only; an inherited one is the top level's, printed there.
        .printWith<[](const Instance& i, const std::string& indent) -> std::string {
            if (!i.ownAuth)
                return "";
            return i.auth ? printGroup(kAuth, &*i.auth, indent) : "{ enabled = false; }";
        }>(),
    Key("track", Type::GroupList)
        .holding(kTrack)
        .alias(kTrackAliases)
        .about("Checks and interfaces that move the priority or put the instance in FAULT.")
        .field<&Instance::tracks>(),
    Key("notify", Type::Group)
        .holding(kNotify)
        .alias(kNotifyAliases)
        .about("Commands run on state changes, with the event in HAFD_* environment "
               "variables.")
        .field<&Instance::notify>(),
    Key("switchover", Type::Group)
        .holding(kSwitchover)
        .about("What hafctl switchover runs around a handover: a middleware command before, "
               "a verification after, and rollbacks.")
        .field<&Instance::switchover>(),
};

} // namespace hafd::config::tables
