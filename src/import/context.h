// SPDX-License-Identifier: Apache-2.0
// What the parts of the translator share: the findings, keepalived's global defaults as
// global_defs set them, the checks defined by vrrp_script, vrrp_track_file and
// vrrp_track_process, and helpers to read keepalived's values and write hafd's. Internal to
// import/.
#pragma once

#include "import/tree.h"

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace hafd::import {

// keepalived's gratuitous ARP settings, as written (keepalived's defaults until set).
struct Garp {
    std::string count = "5";    // garp_master_repeat
    std::string delay = "5";    // garp_master_delay
    std::string refresh = "0";  // garp_master_refresh: off in keepalived, 60 s in hafd
    std::string interval = "0"; // garp_interval / gna_interval
};

// A check as hafd will have it, and what tracks of it need to know.
struct CheckDef {
    std::string kind; // "vrrp_script", "vrrp_track_file", "vrrp_track_process"
    std::string name; // hafd's name for it
    std::string text; // its entry of `checks`; empty when it could not be translated
    int weight = 0;   // the definition's weight, the default of tracks
    bool reverse = false;
    bool weightScales = false; // track_file: keepalived multiplies the file's value by it
    const KNode* at = nullptr; // the definition
    bool tracked = false;      // by a translated instance
};

struct Context {
    std::vector<Finding> findings;
    std::optional<int> version; // global_defs vrrp_version
    Garp garp;
    bool scriptsUsed = false;
    std::map<std::string, CheckDef> checks; // by keepalived kind + "/" + name
    std::vector<std::string> instanceNames; // hafd names, in order
    // The VRIDs taken, as hafd's loader tells them apart (per interface and family; multicast
    // and unicast instances with disjoint peers apart; two VMACs never).
    struct VridUse {
        std::string interface;
        int family = 4;
        long vrid = 0;
        std::vector<std::string> peers;
        bool vmac = false;
        std::string instance; // keepalived's name
    };
    std::vector<VridUse> vrids;
    // The addresses of the instances translated so far (without prefix length), each with the
    // keepalived name of its instance: hafd's loader refuses one address in two instances.
    std::map<std::string, std::string> addressOwners;
    // The node and scripts lines written for global_defs' router_id and script_user, if any.
    std::string nodeLine;
    std::string scriptsLine;

    void report(const KNode& n, std::string setting, std::string message) {
        findings.push_back(findingAt(n, std::move(setting), std::move(message)));
    }
};

// Values.
std::optional<long> toInt(std::string_view word, long min, long max);
// A decimal number of seconds ("1", "0.5"), its value.
std::optional<double> toSeconds(std::string_view word);
// A libconfig string literal.
std::string quote(std::string_view s);
// A libconfig array of strings: [ "a", "b" ].
std::string quoteList(const std::vector<std::string>& items);
// 1..max of A-Z a-z 0-9 _ . - (hafd's names), other bytes turned into '_'.
std::string hafdName(std::string_view name, std::size_t max);

// A Linux interface name as hafd's loader takes it: 1..15 bytes, checkInterface
// (common/value_rules.h).
bool isInterfaceName(std::string_view name);

// The one value a `keyword VALUE` statement must have; nullopt (and a finding) otherwise.
std::optional<std::string> oneValue(Context& cx, const KNode& n, const std::string& setting);

} // namespace hafd::import

namespace hafd::import {
// Seconds as hafd.conf writes them: up to two decimals, no trailing zeros ("1", "0.99").
std::string formatSeconds(double seconds);
// The weight of a `weight W [reverse]` statement (keepalived: -253..253); nullopt and a finding
// when it is not one.
std::optional<int> weightOf(Context& cx, const KNode& n, const std::string& setting, bool& reverse);
// A garp_* setting (`key`, without global_defs' vrrp_ prefix) into `g`; false when `key` is
// not one. What hafd has no equivalent for is reported.
bool readGarp(Context& cx, Garp& g, const KNode& c, const std::string& setting,
              std::string_view key);
} // namespace hafd::import
