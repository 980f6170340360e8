// SPDX-License-Identifier: Apache-2.0
// VMAC interfaces (RFC 9568 §7.3, PROTOCOL.md §2.1-2.2): a macvlan `vrrp.<vrid>` (IPv4) or
// `vrrp6.<vrid>` (IPv6) on the advert interface, with MAC 00:00:5e:00:01|02:<vrid>, managed with
// libnl-route-3 (TOOLCHAIN.md §3).
//
// Mode: **bridge**. A master sends its adverts and GARPs with the VMAC as source MAC, and every
// backup has a macvlan with that same MAC. The macvlan driver hands a multicast/broadcast frame
// whose source MAC belongs to one of its own *private*-mode macvlans to that macvlan only, never
// to the parent, so a backup's advert socket (on the parent) would never hear the master's adverts
// and both would be master. In bridge mode the frame goes to the parent (tests/io/test_vmac.cpp
// shows both). Bridge mode also lets other macvlans of the same parent (containers) reach the VIPs.
// The backup does not answer ARP for the VIPs: they are installed only on the master, and the VMAC
// gets arp_ignore=1 so it never answers for the host's other addresses either.
//
// IPv6 (RFC 9568 §7.4: never derive an interface id from the VMAC): the link is created down with
// addrgenmode none, so the kernel makes no link-local, and accept_dad / accept_ra / autoconf are
// turned off. Adverts sent through it keep the parent's link-local as source, which must then be
// on the VMAC too (the kernel refuses a source that is not on the egress interface). Two ways:
//  - ensure() with `parentLinkLocal`: the address is put there at once (IFA_F_NODAD, so never
//    tentative) and stays, on backups too.
//  - ensure() without it: the VMAC gets no address; the daemon adds the parent's link-local
//    (NetlinkClient::addAddresses, /64, marked like a VIP) with the VIPs on becoming master and
//    removes it with them. Preferred: a backup's VMAC that holds the link-local answers Neighbour
//    Solicitations for it with the VMAC as source MAC (measured in a namespace pair: two NAs, one
//    from the parent's MAC and one from 00:00:5e:00:02:xx), which makes switches move the VMAC to
//    the backup's port until the master's next frame. With no address, a backup's VMAC is silent.
// An IPv4 VMAC gets addrgenmode none and disable_ipv6, so no VMAC-derived IPv6 address appears.
#pragma once

#include "common/address.h"
#include "io/netlink.h"
#include "io/sys_error.h"

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

struct nl_sock;

namespace hafd::io {

// "vrrp.51" or "vrrp6.51".
std::string vmacName(Family family, uint8_t vrid);

struct VmacLink {
    uint32_t ifindex = 0;
    std::string name;
    bool created = false; // false: an existing link was adopted
    // Settings that could not be applied (the IPv6 sysctls under a read-only /proc/sys): the
    // link works, the daemon should log them as warnings.
    std::vector<std::string> warnings;
};

class VmacManager {
public:
    // A libnl route socket. Needs CAP_NET_ADMIN for the changes.
    static SysResult<VmacManager> open();

    VmacManager();
    VmacManager(VmacManager&&) noexcept;
    VmacManager& operator=(VmacManager&&) noexcept;
    ~VmacManager();

    // Creates the VMAC of (family, vrid) on `parentIfindex`, or adopts an existing link of that
    // name when it is a macvlan on that parent with the virtual MAC (its mode and settings are
    // then corrected), and brings it up. IPv6: with `parentLinkLocal` (the parent's fe80::
    // address) that address is added and any other link-local removed; without it, link-locals
    // not marked with kIfaProtoHafd are removed (a VMAC-derived one on an adopted link, say) and
    // one hafd installed is kept. Errors: EEXIST when a link of that name exists but is
    // something else (another parent, MAC or kind): the daemon decides whether to remove() it.
    // ENODEV: no such parent. EINVAL: `parentLinkLocal` is not an IPv6 link-local address.
    SysResult<VmacLink> ensure(Family family, uint8_t vrid, uint32_t parentIfindex,
                               const std::optional<IpAddress>& parentLinkLocal = std::nullopt);

    // Deletes the macvlan `name`. Absent: success. EPERM if it is not a macvlan (never deletes
    // anything else).
    SysResult<void> remove(const std::string& name);

private:
    struct Deleter {
        void operator()(nl_sock* s) const;
    };
    std::unique_ptr<nl_sock, Deleter> sock_;
    NetlinkClient rtnl_; // address dumps and removals (libnl 3.7 does not know IFA_PROTO)
};

} // namespace hafd::io
