// SPDX-License-Identifier: Apache-2.0
#include "io/vmac.h"

#include "proto/frames.h"

#include <fcntl.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <net/if.h>
#include <netinet/in.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>
#include <netlink/route/link/inet.h>
#include <netlink/route/link/inet6.h>
#include <netlink/route/link/macvlan.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace hafd::io {

namespace {

struct LinkPut {
    void operator()(rtnl_link* l) const { rtnl_link_put(l); }
};
struct AddrPut {
    void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};
struct NlAddrPut {
    void operator()(nl_addr* a) const { nl_addr_put(a); }
};
using LinkPtr = std::unique_ptr<rtnl_link, LinkPut>;
using AddrPtr = std::unique_ptr<rtnl_addr, AddrPut>;
using NlAddrPtr = std::unique_ptr<nl_addr, NlAddrPut>;

// libnl reports -NLE_* codes; the daemon branches on errno values.
int nlErrno(int nlerr) {
    switch (nlerr < 0 ? -nlerr : nlerr) {
    case NLE_EXIST:
        return EEXIST;
    case NLE_OBJ_NOTFOUND:
        return ENOENT;
    case NLE_NODEV:
        return ENODEV;
    case NLE_PERM:
    case NLE_NOACCESS:
        return EPERM;
    case NLE_NOMEM:
        return ENOMEM;
    case NLE_INVAL:
    case NLE_RANGE:
        return EINVAL;
    case NLE_BUSY:
        return EBUSY;
    case NLE_AGAIN:
        return EAGAIN;
    case NLE_OPNOTSUPP:
    case NLE_MSGTYPE_NOSUPPORT:
        return EOPNOTSUPP;
    case NLE_NOADDR:
        return EADDRNOTAVAIL;
    default:
        return EIO;
    }
}

Unexpected<SysError> nlFail(int nlerr, const std::string& what) {
    return sysFail(nlErrno(nlerr), what + " (" + nl_geterror(nlerr) + ")");
}

bool notFound(int nlerr) {
    const int e = nlerr < 0 ? -nlerr : nlerr;
    return e == NLE_OBJ_NOTFOUND || e == NLE_NODEV;
}

NlAddrPtr macAddr(const proto::MacAddress& mac) {
    return NlAddrPtr(nl_addr_build(AF_LLC, mac.data(), mac.size()));
}

// Writes a per-device sysctl; appends a warning on failure (e.g. read-only /proc/sys).
void writeSysctl(const std::string& path, const char* value, std::vector<std::string>& warnings) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    const ssize_t len = static_cast<ssize_t>(std::strlen(value));
    if (fd < 0 || ::write(fd, value, static_cast<std::size_t>(len)) != len)
        warnings.push_back("cannot set " + path + " = " + value + ": " + std::strerror(errno));
    if (fd >= 0)
        ::close(fd);
}

} // namespace

std::string vmacName(Family family, uint8_t vrid) {
    return (family == Family::V4 ? "vrrp." : "vrrp6.") + std::to_string(vrid);
}

void VmacManager::Deleter::operator()(nl_sock* s) const {
    nl_socket_free(s);
}

VmacManager::VmacManager() = default;
VmacManager::VmacManager(VmacManager&&) noexcept = default;
VmacManager& VmacManager::operator=(VmacManager&&) noexcept = default;
VmacManager::~VmacManager() = default;

SysResult<VmacManager> VmacManager::open() {
    VmacManager m;
    m.sock_.reset(nl_socket_alloc());
    if (!m.sock_)
        return sysFail(ENOMEM, "nl_socket_alloc");
    if (const int err = nl_connect(m.sock_.get(), NETLINK_ROUTE); err < 0)
        return nlFail(err, "nl_connect(NETLINK_ROUTE)");
    auto rtnl = NetlinkClient::open();
    if (!rtnl)
        return Unexpected{rtnl.error()};
    m.rtnl_ = std::move(*rtnl);
    return m;
}

SysResult<VmacLink> VmacManager::ensure(Family family, uint8_t vrid, uint32_t parentIfindex,
                                        const std::optional<IpAddress>& parentLinkLocal) {
    nl_sock* sk = sock_.get();
    const bool v6 = family == Family::V6;
    if (parentLinkLocal &&
        (!v6 || parentLinkLocal->family() != Family::V6 || !parentLinkLocal->isLinkLocal()))
        return sysFail(EINVAL, "not an IPv6 link-local address: " + parentLinkLocal->toString());
    VmacLink out;
    out.name = vmacName(family, vrid);
    const proto::MacAddress mac = proto::virtualMac(family, vrid);
    const NlAddrPtr wantMac = macAddr(mac);
    if (!wantMac)
        return sysFail(ENOMEM, "nl_addr_build");

    // Adopt or create.
    rtnl_link* raw = nullptr;
    int err = rtnl_link_get_kernel(sk, 0, out.name.c_str(), &raw);
    LinkPtr link(raw);
    if (err < 0 && !notFound(err))
        return nlFail(err, "RTM_GETLINK " + out.name);
    if (!link) {
        LinkPtr add(rtnl_link_macvlan_alloc());
        if (!add)
            return sysFail(ENOMEM, "rtnl_link_macvlan_alloc");
        rtnl_link_set_link(add.get(), static_cast<int>(parentIfindex));
        rtnl_link_set_name(add.get(), out.name.c_str());
        rtnl_link_set_addr(add.get(), wantMac.get());
        rtnl_link_macvlan_set_mode(add.get(), MACVLAN_MODE_BRIDGE);
        err = rtnl_link_add(sk, add.get(), NLM_F_CREATE | NLM_F_EXCL);
        if (err < 0 && nlErrno(err) != EEXIST) // EEXIST: raced with someone: check what is there
            return nlFail(err, "create macvlan " + out.name);
        out.created = err == 0;
        raw = nullptr;
        if ((err = rtnl_link_get_kernel(sk, 0, out.name.c_str(), &raw)) < 0)
            return nlFail(err, "RTM_GETLINK " + out.name);
        link.reset(raw);
    }
    if (!rtnl_link_is_macvlan(link.get()) ||
        static_cast<uint32_t>(rtnl_link_get_link(link.get())) != parentIfindex ||
        !rtnl_link_get_addr(link.get()) ||
        nl_addr_cmp(rtnl_link_get_addr(link.get()), wantMac.get()) != 0)
        return sysFail(EEXIST,
                       "link " + out.name +
                           " exists but is not a macvlan with the virtual MAC on the parent");
    out.ifindex = static_cast<uint32_t>(rtnl_link_get_ifindex(link.get()));

    // Settings, before the link goes up (the kernel would make a link-local at up).
    {
        LinkPtr changes(rtnl_link_macvlan_alloc());
        if (!changes)
            return sysFail(ENOMEM, "rtnl_link_macvlan_alloc");
        rtnl_link_macvlan_set_mode(changes.get(), MACVLAN_MODE_BRIDGE);
        // Answer ARP only for addresses configured on the VMAC itself (the VIPs, on the master).
        rtnl_link_inet_set_conf(changes.get(), IPV4_DEVCONF_ARP_IGNORE, 1);
        rtnl_link_inet6_set_addr_gen_mode(changes.get(), rtnl_link_inet6_str2addrgenmode("none"));
        if ((err = rtnl_link_change(sk, link.get(), changes.get(), 0)) < 0)
            return nlFail(err, "configure " + out.name);
    }
    const std::string conf6 = "/proc/sys/net/ipv6/conf/" + out.name + "/";
    if (v6) {
        writeSysctl(conf6 + "accept_dad", "0", out.warnings);
        writeSysctl(conf6 + "accept_ra", "0", out.warnings);
        writeSysctl(conf6 + "autoconf", "0", out.warnings);
    } else if (::access(conf6.c_str(), F_OK) == 0) {
        writeSysctl(conf6 + "disable_ipv6", "1", out.warnings);
    }

    if (v6) {
        // Drop the link-locals that must not be there (an adopted link may carry one derived from
        // the VMAC).
        auto addrs = rtnl_.dumpAddresses();
        if (!addrs)
            return Unexpected{addrs.error()};
        std::vector<Prefix> stray;
        for (const auto& a : *addrs)
            if (a.ifindex == out.ifindex && a.prefix.address.family() == Family::V6 &&
                a.prefix.address.isLinkLocal() &&
                (parentLinkLocal ? a.prefix.address != *parentLinkLocal : !a.installedByHafd()))
                stray.push_back(a.prefix);
        if (!stray.empty()) {
            auto removed = rtnl_.removeAddresses(out.ifindex, stray);
            if (!removed)
                return Unexpected{removed.error()};
        }
    }
    if (parentLinkLocal) {
        AddrPtr ll(rtnl_addr_alloc());
        NlAddrPtr local(nl_addr_build(AF_INET6, parentLinkLocal->bytes().data(), 16));
        if (!ll || !local)
            return sysFail(ENOMEM, "rtnl_addr_alloc");
        nl_addr_set_prefixlen(local.get(), 64);
        rtnl_addr_set_ifindex(ll.get(), static_cast<int>(out.ifindex));
        rtnl_addr_set_family(ll.get(), AF_INET6);
        if ((err = rtnl_addr_set_local(ll.get(), local.get())) < 0)
            return nlFail(err, "link-local for " + out.name);
        rtnl_addr_set_prefixlen(ll.get(), 64);
        rtnl_addr_set_scope(ll.get(), RT_SCOPE_LINK);
        rtnl_addr_set_flags(ll.get(), IFA_F_NODAD);
        err = rtnl_addr_add(sk, ll.get(), NLM_F_CREATE | NLM_F_EXCL);
        if (err < 0 && nlErrno(err) != EEXIST)
            return nlFail(err, "add " + parentLinkLocal->toString() + " to " + out.name);
    }

    // Up.
    {
        LinkPtr changes(rtnl_link_alloc());
        if (!changes)
            return sysFail(ENOMEM, "rtnl_link_alloc");
        rtnl_link_set_flags(changes.get(), IFF_UP);
        if ((err = rtnl_link_change(sk, link.get(), changes.get(), 0)) < 0)
            return nlFail(err, "set " + out.name + " up");
    }
    return out;
}

SysResult<void> VmacManager::remove(const std::string& name) {
    rtnl_link* raw = nullptr;
    int err = rtnl_link_get_kernel(sock_.get(), 0, name.c_str(), &raw);
    LinkPtr link(raw);
    if (err < 0)
        return notFound(err) ? SysResult<void>() : nlFail(err, "RTM_GETLINK " + name);
    if (!rtnl_link_is_macvlan(link.get()))
        return sysFail(EPERM, "refusing to delete " + name + ": not a macvlan");
    err = rtnl_link_delete(sock_.get(), link.get());
    if (err < 0 && !notFound(err))
        return nlFail(err, "delete " + name);
    return {};
}

} // namespace hafd::io
