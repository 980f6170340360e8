// SPDX-License-Identifier: Apache-2.0
// The value checks of the schema tables (Key::check): each returns "" when the value is fine,
// else the problem as it reads after the quoted value ("is not an IP address"). Pure: no file is
// opened and no name resolved here. Internal to config/. The address and interface name rules
// the importer shares (checkInterface, checkVip, checkPeer) are in common/value_rules.h.
#pragma once

#include "common/address.h"
#include "common/value_rules.h"

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace hafd::config {

// Instance, check, group and node names: letters, digits, '_', '.' and '-'.
std::string checkName(std::string_view v);
// A cluster node: an address without a prefix length.
std::string checkNodeAddress(std::string_view v);
// A file hafd reads or watches: an absolute path.
std::string checkAbsolutePath(std::string_view v);
// "address:port" or "[IPv6 address]:port".
std::string checkTcpTarget(std::string_view v);
// A POSIX extended regular expression (regcomp(3) with REG_EXTENDED) that compiles; the
// problem quotes the library's message.
std::string checkRegex(std::string_view v);
// A command's program (the first argv entry): an absolute path.
std::string checkProgram(std::string_view v);

struct TcpTarget {
    IpAddress address;
    uint16_t port = 0;
};
// Precondition-free: nullopt when checkTcpTarget() would complain.
std::optional<TcpTarget> parseTcpTarget(std::string_view v);

// Where the metrics' HTTP listener listens (metrics.listen): "port" alone or ":port" is
// 127.0.0.1 (local by default), else "address:port" or "[IPv6 address]:port"; the unspecified
// address (every address) is allowed, a multicast one is not. Port 1..65535.
std::string checkListen(std::string_view v);
// Precondition-free: nullopt when checkListen() would complain.
std::optional<TcpTarget> parseListen(std::string_view v);

// The roles a role check's pattern can report, when that can be told from the pattern alone:
// its first parenthesised group (or, without one, the whole pattern between optional ^ and $)
// is a plain alternation of words, as in "^(master|slave)". nullopt when it is anything else.
std::optional<std::set<std::string>> literalRoles(std::string_view pattern);

} // namespace hafd::config
