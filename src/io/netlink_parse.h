// SPDX-License-Identifier: Apache-2.0
// Internal to io/: RTM_NEWLINK / RTM_NEWADDR message parsing shared by NetlinkClient's dumps and
// the LinkMonitor's events.
#pragma once

#include "io/netlink.h"

#include <optional>

struct nlmsghdr;

namespace hafd::io::detail {

// nullopt if the message is not a well-formed link message of a device (bridge-port and other
// per-family link messages are skipped).
std::optional<LinkInfo> parseLink(const nlmsghdr* nlh);
// nullopt if the message is not a well-formed IPv4/IPv6 address message.
std::optional<AddressInfo> parseAddress(const nlmsghdr* nlh);

} // namespace hafd::io::detail
