// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for rtnetlink parsing (io/netlink_parse.h): arbitrary bytes as what one
// recv() on the route socket returned, walked with messageOk/mnl_nlmsg_next as LinkMonitor
// and NetlinkClient walk it, every message given to parseLink and parseAddress (the daemon
// picks one by nlmsg_type; both must cope with any message). Besides memory safety (ASan/UBSan,
// the buffer being the input and its padding to 4 bytes), it checks that what the parsers return
// fits in the message it came from: names without NUL, a MAC no longer than the message, an address
// of its family's length and a prefix length as received.
//
// Input: the datagram.
#include "io/netlink_parse.h"

#include <libmnl/libmnl.h>
#include <linux/if_addr.h>
#include <linux/rtnetlink.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

using namespace hafd;

namespace {

void check(bool condition) {
    if (!condition)
        __builtin_trap();
}

void message(const nlmsghdr* nlh) {
    if (const auto l = io::detail::parseLink(nlh)) {
        check(l->name.find('\0') == std::string::npos);
        check(l->kind.find('\0') == std::string::npos);
        check(l->mac.size() <= nlh->nlmsg_len);
    }
    if (const auto a = io::detail::parseAddress(nlh)) {
        check(a->prefix.address.family() == Family::V4 || a->prefix.address.family() == Family::V6);
        check(a->prefix.address.bytes().size() == addressLength(a->prefix.address.family()));
        const auto* ifa = static_cast<const ifaddrmsg*>(mnl_nlmsg_get_payload(nlh));
        check(a->prefix.length == ifa->ifa_prefixlen && a->ifindex == ifa->ifa_index);
    }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    if (size > 1 << 20)
        return 0;
    // As the daemon's receive buffers are: aligned (operator new: at least 16 bytes), and of a
    // size that is a multiple of 4 (64 KiB, more than a datagram), since libmnl's attribute walk
    // reads up to NLMSG_ALIGN(nlmsg_len), into the padding after an unaligned last message.
    std::vector<uint8_t> buf((size + 3) & ~std::size_t{3}, 0);
    std::copy(data, data + size, buf.begin());
    int len = static_cast<int>(size);
    std::size_t messages = 0;
    for (auto* nlh = reinterpret_cast<const nlmsghdr*>(buf.data()); io::detail::messageOk(nlh, len);
         nlh = mnl_nlmsg_next(nlh, &len)) {
        check(nlh->nlmsg_len >= sizeof(nlmsghdr));
        message(nlh);
        ++messages;
    }
    check(messages <= size / sizeof(nlmsghdr));
    return 0;
}
