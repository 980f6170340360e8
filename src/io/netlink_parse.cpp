// SPDX-License-Identifier: Apache-2.0
#include "io/netlink_parse.h"

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_addr.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace hafd::io {

void MnlSocketClose::operator()(mnl_socket* s) const {
    mnl_socket_close(s);
}

SysResult<MnlSocket> detail::openRouteSocket(int flags, unsigned groups, int rcvbufBytes) {
    MnlSocket s(mnl_socket_open2(NETLINK_ROUTE, flags));
    if (!s)
        return sysFail(errno, "socket(AF_NETLINK, NETLINK_ROUTE)");
    const int fd = mnl_socket_get_fd(s.get());
    if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbufBytes, sizeof rcvbufBytes) < 0)
        (void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbufBytes, sizeof rcvbufBytes);
    if (mnl_socket_bind(s.get(), groups, MNL_SOCKET_AUTOPID) < 0)
        return sysFail(errno, groups ? "bind(NETLINK_ROUTE, link and address groups)"
                                     : "bind(NETLINK_ROUTE)");
    return s;
}

bool LinkInfo::adminUp() const {
    return flags & IFF_UP;
}
bool LinkInfo::carrier() const {
    return flags & IFF_LOWER_UP;
}
bool LinkInfo::running() const {
    return flags & IFF_RUNNING;
}
bool AddressInfo::secondary() const {
    return flags & IFA_F_SECONDARY;
}
bool AddressInfo::tentative() const {
    return flags & IFA_F_TENTATIVE;
}

namespace detail {

namespace {

// Attribute table for mnl_attr_parse(): the last attribute of each type wins, unknown types
// (newer kernels) are ignored.
template <std::size_t N>
struct AttrTable {
    std::array<const nlattr*, N + 1> at{};

    static int collect(const nlattr* a, void* data) {
        auto* self = static_cast<AttrTable*>(data);
        const auto type = mnl_attr_get_type(a);
        if (type <= N)
            self->at[type] = a;
        return MNL_CB_OK;
    }
    const nlattr* operator[](std::size_t type) const { return at[type]; }
};

uint32_t u32(const nlattr* a) {
    return mnl_attr_get_payload_len(a) >= 4 ? mnl_attr_get_u32(a) : 0;
}

std::string str(const nlattr* a) {
    const auto len = mnl_attr_get_payload_len(a);
    const auto* p = static_cast<const char*>(mnl_attr_get_payload(a));
    return std::string(p, strnlen(p, len));
}

} // namespace

bool messageOk(const nlmsghdr* nlh, int len) {
    return len >= static_cast<int>(sizeof(nlmsghdr)) && nlh->nlmsg_len >= sizeof(nlmsghdr) &&
           nlh->nlmsg_len <= static_cast<unsigned>(len);
}

std::optional<LinkInfo> parseLink(const nlmsghdr* nlh) {
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifinfomsg)))
        return std::nullopt;
    const auto* ifi = static_cast<const ifinfomsg*>(mnl_nlmsg_get_payload(nlh));
    if (ifi->ifi_family != AF_UNSPEC && ifi->ifi_family != AF_PACKET)
        return std::nullopt; // e.g. AF_BRIDGE port messages
    AttrTable<IFLA_MAX> tb;
    if (mnl_attr_parse(nlh, sizeof(ifinfomsg), AttrTable<IFLA_MAX>::collect, &tb) != MNL_CB_OK)
        return std::nullopt;
    LinkInfo l;
    l.ifindex = static_cast<uint32_t>(ifi->ifi_index);
    l.flags = ifi->ifi_flags;
    if (tb[IFLA_IFNAME])
        l.name = str(tb[IFLA_IFNAME]);
    if (tb[IFLA_ADDRESS]) {
        const auto* p = static_cast<const uint8_t*>(mnl_attr_get_payload(tb[IFLA_ADDRESS]));
        l.mac.assign(p, p + mnl_attr_get_payload_len(tb[IFLA_ADDRESS]));
    }
    if (tb[IFLA_LINK])
        l.parentIfindex = u32(tb[IFLA_LINK]);
    if (tb[IFLA_MTU])
        l.mtu = u32(tb[IFLA_MTU]);
    if (tb[IFLA_OPERSTATE] && mnl_attr_get_payload_len(tb[IFLA_OPERSTATE]) >= 1)
        l.operState = mnl_attr_get_u8(tb[IFLA_OPERSTATE]);
    if (tb[IFLA_LINKINFO]) {
        AttrTable<IFLA_INFO_MAX> info;
        if (mnl_attr_parse_nested(tb[IFLA_LINKINFO], AttrTable<IFLA_INFO_MAX>::collect, &info) ==
                MNL_CB_OK &&
            info[IFLA_INFO_KIND])
            l.kind = str(info[IFLA_INFO_KIND]);
    }
    return l;
}

std::optional<AddressInfo> parseAddress(const nlmsghdr* nlh) {
    if (nlh->nlmsg_len < mnl_nlmsg_size(sizeof(ifaddrmsg)))
        return std::nullopt;
    const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
    Family family;
    if (ifa->ifa_family == AF_INET)
        family = Family::V4;
    else if (ifa->ifa_family == AF_INET6)
        family = Family::V6;
    else
        return std::nullopt;
    AttrTable<IFA_MAX> tb;
    if (mnl_attr_parse(nlh, sizeof(ifaddrmsg), AttrTable<IFA_MAX>::collect, &tb) != MNL_CB_OK)
        return std::nullopt;
    // IFA_LOCAL is the local address when present (IPv4 always, IPv6 with a peer); IFA_ADDRESS
    // is then the peer.
    const nlattr* local = tb[IFA_LOCAL] ? tb[IFA_LOCAL] : tb[IFA_ADDRESS];
    if (!local || mnl_attr_get_payload_len(local) != addressLength(family))
        return std::nullopt;
    AddressInfo a;
    a.ifindex = ifa->ifa_index;
    a.prefix.address = IpAddress(
        family, {static_cast<const uint8_t*>(mnl_attr_get_payload(local)), addressLength(family)});
    a.prefix.length = ifa->ifa_prefixlen;
    a.flags = tb[IFA_FLAGS] ? u32(tb[IFA_FLAGS]) : ifa->ifa_flags;
    a.scope = ifa->ifa_scope;
    if (tb[IFA_PROTO] && mnl_attr_get_payload_len(tb[IFA_PROTO]) >= 1)
        a.proto = mnl_attr_get_u8(tb[IFA_PROTO]);
    if (tb[IFA_CACHEINFO] && mnl_attr_get_payload_len(tb[IFA_CACHEINFO]) >= sizeof(ifa_cacheinfo)) {
        ifa_cacheinfo ci;
        std::memcpy(&ci, mnl_attr_get_payload(tb[IFA_CACHEINFO]), sizeof ci);
        a.validLifetime = ci.ifa_valid;
        a.preferredLifetime = ci.ifa_prefered;
    }
    return a;
}

} // namespace detail
} // namespace hafd::io
