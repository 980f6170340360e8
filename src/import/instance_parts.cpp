// SPDX-License-Identifier: Apache-2.0
// The parts of a vrrp_instance with rules of their own: addresses, unicast peers,
// authentication (PASS and auth_hmac) and tracks.
#include "common/value_rules.h"
#include "import/checks.h"
#include "import/instance.h"

#include <algorithm>

namespace hafd::import {

void readAddresses(Context& cx, InstanceDraft& d, const KNode& block) {
    const std::string setting = d.setting + "." + block.keyword();
    if (block.keyword() == "virtual_ipaddress_excluded") {
        if (!block.children.empty())
            cx.report(block, setting,
                      std::to_string(block.children.size()) +
                          " address(es) keepalived holds but does not advertise: hafd "
                          "advertises every address, and adding them would change the list "
                          "keepalived peers compare: not translated (give them an instance "
                          "of their own)");
        return;
    }
    for (const KNode& a : block.children) {
        const std::string& text = a.keyword();
        // hafd's loader checks each address with the same rule.
        if (const std::string why = checkVip(text); !why.empty()) {
            cx.report(a, setting, "\"" + text + "\" " + why + ": not translated");
            continue;
        }
        const Family family = Prefix::parse(text)->address.family();
        if (!d.family)
            d.family = family;
        if (family != *d.family) {
            cx.report(a, setting,
                      "\"" + text +
                          "\" is of another family than the first address; hafd "
                          "needs one family per instance: not translated");
            continue;
        }
        for (std::size_t i = 1; i < a.words.size(); ++i) {
            const std::string& opt = a.words[i];
            const bool hasValue = i + 1 < a.words.size();
            if (opt == "dev" && hasValue) {
                const std::string& dev = a.words[++i];
                if (d.interface && dev == *d.interface)
                    continue;
                cx.report(a, setting,
                          text + ": dev " + dev +
                              ": hafd installs every address on the instance's interface");
            } else if (opt == "scope" && hasValue) {
                if (a.words[++i] != "global")
                    cx.report(a, setting,
                              text + ": scope " + a.words[i] + ": hafd installs global scope");
            } else if ((opt == "label" || opt == "brd" || opt == "broadcast") && hasValue) {
                cx.report(a, setting,
                          text + ": " + opt + " " + a.words[i + 1] + ": not translated");
                ++i;
            } else {
                cx.report(a, setting, text + ": " + opt + ": not translated");
            }
        }
        d.addresses.push_back(text);
    }
}

void readPeers(Context& cx, InstanceDraft& d, const KNode& block) {
    const std::string setting = d.setting + ".unicast_peer";
    for (const KNode& p : block.children) {
        if (const std::string why = checkPeer(p.keyword()); !why.empty()) {
            cx.report(p, setting, "\"" + p.keyword() + "\" " + why + ": not translated");
            continue;
        }
        // Two unicast_peer blocks can name a peer twice; hafd's loader refuses a repeated peer.
        const auto address = IpAddress::parse(p.keyword());
        if (std::any_of(d.peers.begin(), d.peers.end(),
                        [&](const std::string& q) { return IpAddress::parse(q) == address; }))
            cx.report(p, setting, p.keyword() + ": listed twice: translated once");
        else
            d.peers.push_back(p.keyword());
        for (std::size_t i = 1; i < p.words.size(); ++i) {
            const auto ttl = i + 1 < p.words.size() ? toInt(p.words[i + 1], 0, 255) : std::nullopt;
            if (p.words[i] == "min_ttl" && ttl) {
                d.minTtl = std::min(d.minTtl.value_or(255), std::max(*ttl, 1L));
                ++i;
            } else {
                cx.report(p, setting,
                          p.keyword() + ": " + p.words[i] +
                              ": not translated (hafd checks one minimum TTL per instance)");
                if (ttl)
                    ++i;
            }
        }
    }
}

void readAuthentication(Context& cx, InstanceDraft& d, const KNode& block) {
    const std::string setting = d.setting + ".authentication";
    std::string type, pass;
    for (const KNode& c : block.children) {
        if (c.keyword() == "auth_type" && c.words.size() == 2)
            type = c.words[1];
        else if (c.keyword() == "auth_pass" && c.words.size() == 2)
            pass = c.words[1];
        else
            cx.report(c, setting + "." + c.keyword(), "not translated");
    }
    if (type != "PASS") {
        cx.report(block, setting,
                  "auth_type " + (type.empty() ? std::string("(none)") : type) +
                      ": hafd speaks only PASS of VRRPv2's authentication: not translated, "
                      "so keepalived peers will drop hafd's adverts");
        return;
    }
    if (pass.empty()) {
        cx.report(block, setting, "auth_type PASS without auth_pass: not translated");
        return;
    }
    if (pass.size() > 8)
        cx.report(block, setting,
                  "auth_pass is longer than 8 bytes: keepalived uses the first 8, and so does "
                  "the translation");
    d.password = pass.substr(0, 8);
    d.passwordAt = &block;
}

void readAuthHmac(Context& cx, InstanceDraft& d, const KNode& block) {
    const std::string setting = d.setting + ".auth_hmac";
    std::vector<std::string> keys;
    std::vector<long> ids;
    std::optional<long> active;
    std::string mode, antiReplay, window;
    const KNode* windowAt = nullptr;
    for (const KNode& c : block.children) {
        const std::string& k = c.keyword();
        const std::string where = setting + "." + k;
        if (k == "key" && c.words.size() == 3) {
            const auto id = toInt(c.words[1], 1, 255);
            if (!id) {
                cx.report(c, where,
                          "key id " + c.words[1] +
                              " is not 1..255: ignored, as "
                              "keepalived does");
                continue;
            }
            std::string file;
            if (c.words[2].starts_with("file:") && c.words[2].size() > 6 && c.words[2][5] == '/' &&
                c.words[2].find("${") == std::string::npos) {
                file = c.words[2].substr(5);
            } else {
                file = "/etc/hafd/keys/" + d.name + "-" + std::to_string(*id);
                cx.report(c, where,
                          "hafd reads keys from files only: write key " + std::to_string(*id) +
                              " to " + file + " (root's, mode 0600; raw or \"hex:\" as here)");
            }
            std::string entry = "{ id = " + std::to_string(*id) + "; file = " + quote(file) + "; }";
            // hafd's loader refuses a repeated id: the last one given is translated.
            if (const auto at = std::find(ids.begin(), ids.end(), *id); at != ids.end()) {
                cx.report(c, where,
                          "key id " + std::to_string(*id) +
                              " given again: the last one is translated");
                keys[static_cast<std::size_t>(at - ids.begin())] = std::move(entry);
                continue;
            }
            ids.push_back(*id);
            keys.push_back(std::move(entry));
        } else if (k == "active_key" && c.words.size() == 2) {
            active = toInt(c.words[1], 1, 255);
        } else if (k == "mode" && c.words.size() == 2 &&
                   (c.words[1] == "enforce" || c.words[1] == "permissive" ||
                    c.words[1] == "receive-only")) {
            mode = " mode = " + quote(c.words[1]) + ";"; // the last one given counts
        } else if (k == "anti_replay" && c.words.size() == 2 &&
                   (c.words[1] == "time" || c.words[1] == "monotonic")) {
            antiReplay = " anti_replay = " + quote(c.words[1]) + ";";
        } else if (k == "time_window" && c.words.size() == 2 && toInt(c.words[1], 1, 300)) {
            window = " time_window = " + c.words[1] + ";";
            windowAt = &c;
        } else {
            cx.report(c, where,
                      "not one keepalived accepts: keepalived keeps its default, so "
                      "does the translation");
        }
    }
    if (!active || std::find(ids.begin(), ids.end(), *active) == ids.end()) {
        cx.report(block, setting,
                  "active_key is missing or names no key: keepalived then runs the instance "
                  "unauthenticated (hafd would refuse it), so the translation has no auth");
        return;
    }
    std::string list;
    for (std::size_t i = 0; i < keys.size(); ++i)
        list += (i > 0 ? ", " : "") + keys[i];
    std::string rest = mode + antiReplay;
    // keepalived, as hafd, has no window with monotonic anti-replay; hafd warns about one.
    if (rest.find("monotonic") == std::string::npos)
        rest += window;
    else if (windowAt != nullptr)
        cx.report(*windowAt, setting + ".time_window",
                  "no effect with anti_replay monotonic, in keepalived as in hafd: left out");
    d.auth =
        "{ keys = ( " + list + " ); active_key = " + std::to_string(*active) + ";" + rest + " }";
}

void readTracks(Context& cx, InstanceDraft& d, const KNode& block) {
    const std::string& k = block.keyword();
    const std::string setting = d.setting + "." + k;
    // keepalived takes an instance's track blocks one after the other, so a name can come twice;
    // hafd refuses an instance that tracks the same interface or check twice: the first stays.
    const auto tracked = [&](const std::string& entryStart, const KNode& t, const std::string& n) {
        for (const std::string& e : d.tracks)
            if (e.compare(0, entryStart.size(), entryStart) == 0) {
                cx.report(t, setting,
                          n + ": already tracked by this instance: not translated again");
                return true;
            }
        return false;
    };
    for (const KNode& t : block.children) {
        const std::string& name = t.keyword();
        std::optional<int> weight;
        bool reverse = false;
        if (t.words.size() >= 3 && t.words[1] == "weight") {
            KNode w = t;
            w.words.erase(w.words.begin());
            weight = weightOf(cx, w, setting, reverse);
            if (!weight)
                continue;
        } else if (t.words.size() != 1) {
            cx.report(t, setting, name + ": expected a name and maybe weight W: not translated");
            continue;
        }
        if (k == "track_interface" && !isInterfaceName(name)) {
            cx.report(t, setting, name + ": not a Linux interface name: not translated");
            continue;
        }
        if (k == "track_interface") {
            if (reverse) {
                cx.report(t, setting, name + ": reverse has no equivalent: not translated");
                continue;
            }
            std::string e = "{ interface = " + quote(name) + ";";
            if (tracked(e, t, name))
                continue;
            if (weight.value_or(0) != 0)
                e += " weight = " + std::to_string(*weight) + ";";
            d.tracks.push_back(e + " }");
            continue;
        }
        const std::string kind = k == "track_script" ? "vrrp_script"
                                 : k == "track_file" ? "vrrp_track_file"
                                                     : "vrrp_track_process";
        auto def = cx.checks.find(checkKey(kind, name));
        if (def == cx.checks.end()) {
            cx.report(t, setting, name + ": no " + kind + " of that name: not translated");
            continue;
        }
        if (def->second.text.empty()) {
            cx.report(t, setting, name + ": its " + kind + " was not translated: neither is this");
            continue;
        }
        const int w = weight.value_or(def->second.weight);
        if (reverse || (!weight && def->second.reverse)) {
            cx.report(t, setting, name + ": reverse has no equivalent in hafd: not translated");
            continue;
        }
        if (def->second.weightScales && w > 0) {
            cx.report(t, setting,
                      name + ": a positive weight adds the file's value times it in keepalived; "
                             "hafd adds a weight while the file holds 0: not translated");
            continue;
        }
        if (def->second.weightScales && w < 0)
            cx.report(t, setting,
                      name +
                          ": keepalived adds the file's value times the weight; hafd adds the "
                          "weight while the file holds anything but 0: the same for 0 and 1 only");
        std::string e = "{ check = " + quote(def->second.name) + ";";
        if (tracked(e, t, name))
            continue;
        def->second.tracked = true;
        if (w != 0)
            e += " weight = " + std::to_string(w) + ";";
        d.tracks.push_back(e + " }");
    }
}

} // namespace hafd::import
