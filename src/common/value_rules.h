// SPDX-License-Identifier: Apache-2.0
// The rules hafd's loader applies to addresses and interface names (config/ schema checks),
// here so the importer (hafctl import-keepalived), which must print only what the loader takes,
// applies the same ones. Each returns "" when the value is fine, else the problem as it reads
// after the quoted value ("is a multicast address").
#pragma once

#include "common/address.h"

#include <string>
#include <string_view>

namespace hafd {

// An address a VIP, a peer or a node may have: neither multicast nor unspecified.
std::string checkUsableAddress(const IpAddress& a);
// Linux's dev_valid_name() (the length is the caller's limit).
std::string checkInterface(std::string_view v);
// A virtual address: "address" or "address/prefix-length", not multicast or unspecified.
std::string checkVip(std::string_view v);
// An address without a prefix length, not multicast or unspecified; a problem with a /length
// says who takes none: takesNoLength "peers take" reads "(peers take no /length)".
std::string checkHostAddress(std::string_view v, std::string_view takesNoLength);
// A unicast peer: checkHostAddress(v, "peers take").
std::string checkPeer(std::string_view v);

} // namespace hafd
