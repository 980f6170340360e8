// SPDX-License-Identifier: Apache-2.0
#include "common/value_rules.h"

namespace hafd {

std::string checkUsableAddress(const IpAddress& a) {
    if (a.isMulticast())
        return "is a multicast address";
    if (a.isUnspecified())
        return "is the unspecified address";
    return "";
}

std::string checkInterface(std::string_view v) {
    if (v == "." || v == "..")
        return "is not a valid interface name";
    for (const char c : v)
        if (c == '/' || c == ':' || c == ' ' || (c >= '\t' && c <= '\r'))
            return "is not a valid interface name (no '/', ':' or whitespace)";
    return "";
}

std::string checkVip(std::string_view v) {
    const auto p = Prefix::parse(v);
    if (!p)
        return "is not an IP address or address/prefix-length";
    return checkUsableAddress(p->address);
}

std::string checkHostAddress(std::string_view v, std::string_view takesNoLength) {
    const auto a = IpAddress::parse(v);
    if (!a)
        return v.find('/') != std::string_view::npos
                   ? "is not an IP address (" + std::string(takesNoLength) + " no /length)"
                   : "is not an IP address";
    return checkUsableAddress(*a);
}

std::string checkPeer(std::string_view v) {
    return checkHostAddress(v, "peers take");
}

} // namespace hafd
