// SPDX-License-Identifier: Apache-2.0
// A vrrp_instance as an entry of hafd's `instances`: the settings gathered from keepalived's
// block (instance.cpp), the parts with their own rules (instance_parts.cpp: addresses, unicast
// peers, authentication, tracks) and the entry written with what keepalived's defaults
// mean made explicit. Internal to import/.
#pragma once

#include "common/address.h"
#include "import/context.h"

#include <optional>
#include <string>
#include <vector>

namespace hafd::import {

struct InstanceDraft {
    std::string setting; // `vrrp_instance.NAME`, the prefix of its findings
    const KNode* node = nullptr;
    std::string name; // hafd's
    std::optional<std::string> interface;
    std::optional<long> vrid, priority, version;
    std::optional<double> advertInt;
    std::string advertText = "1";
    const KNode* advertAt = nullptr;
    bool nopreempt = false;
    const KNode* nopreemptAt = nullptr;
    std::optional<std::string> preemptDelay;
    std::string state;
    bool nativeIpv6 = false;
    std::vector<std::string> addresses;
    std::optional<Family> family;
    std::vector<std::string> peers;
    std::optional<long> minTtl;
    bool vmac = false;
    std::string checksum; // keepalived's keyword mapped, empty for its default
    Garp garp;
    std::string password; // auth_type PASS
    const KNode* passwordAt = nullptr;
    std::string auth;                  // hafd's auth group from auth_hmac, empty when none
    std::vector<std::string> tracks;   // entries of `track`
    std::vector<std::string> comments; // lines for the top of the entry
    std::vector<const KNode*> notify;
};

// The entry for `n`, or "" when it cannot be translated (reported). Adds the name to
// cx.instanceNames when it is translated.
std::string translateInstance(Context& cx, const KNode& n);

// instance_parts.cpp
void readAddresses(Context& cx, InstanceDraft& d, const KNode& block);
void readPeers(Context& cx, InstanceDraft& d, const KNode& block);
void readAuthentication(Context& cx, InstanceDraft& d, const KNode& block);
void readAuthHmac(Context& cx, InstanceDraft& d, const KNode& block);
void readTracks(Context& cx, InstanceDraft& d, const KNode& block);

} // namespace hafd::import
