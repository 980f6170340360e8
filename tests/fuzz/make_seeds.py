#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
# Writes the hand-made seeds of tests/fuzz/corpus (advert-auth, heartbeat, netlink, request,
# check-output) from the unit tests' vectors and the kernel's message layouts. The seeds are
# checked in; run this again only to change them: tests/fuzz/make_seeds.py
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, "corpus", target)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def h(text):
    return bytes.fromhex(text.replace(" ", ""))


# --- advert-auth: keepalived 2.4.3's signed packets (AUTH_HMAC.md §13.6, test_auth.cpp), from
# the IPv4 header on; two unsigned ones; vector B (§13.3) as IPv6 source | destination | hop
# limit | payload.
captures = {
    "e2e1-v3-multicast": "45c0003c00010000ff70187dc0000201e0000012 3133c8010064a171c0000264 "
    "010100006b039cac700100009c0babe40d79cb8431f30ef1636f7db6",
    "e2e2-v3-unicast-key2": "45c0003c00010000ff70368dc0000201c0000202 3134c8010064bf7fc0000265 "
    "010200006b039cac6fee0000fdc85ac83bd32ecbeff7a3a4365aa6fe",
    "e2e3-v2-key7": "45c0004400010000ff701875c0000201e0000012 "
    "2136c80100015460c00002660000000000000000 "
    "010700006b039cac6fce0000686b2e13547f21df0c0bf678a6662148",
    "e2e4-priority0": "45c0003c00230000ff70185bc0000201e0000012 3133000100646972c0000264 "
    "010100006b039cce3b820000d722431ed99634b48709cf951ac702fb",
    "e2e5-v2-plain": "45c0002800010000ff701891c0000201e0000012 "
    "2136c80100015460c00002660000000000000000",
    "e2e6-v3-plain": "45c0002000010000ff701898c0000202e0000012 3133640100640571c0000264",
}
for name, text in captures.items():
    write("advert-auth", name, h(text))
fe80_10 = h("fe80 0000 0000 0000 0000 0000 0000 0010")
ff02_12 = h("ff02 0000 0000 0000 0000 0000 0000 0012")
write("advert-auth", "vector-b-ipv6", fe80_10 + ff02_12 + b"\xff" +
      h("3133c8010064a2e9fe800000000000000000000000000100"
        "010100006800000080000000c8c56146ebfd66ee10ec4d8186461b78"))

# --- heartbeat: the known-answer message (heartbeat_vectors.h), signed and not; one without
# instances; one with an IPv6 entry and the leaving flag.
message = h("48414648 01 01 0035 0123456789abcdef 000000000000002a 000007d0 06 6e6f64652d61 0001"
            "04 33 02 c8 c8 03 0064 0001 daba1148 0000")
trailer = h("01 01 0000 6800000080000000 1963310a59c683a6284122035d4e8612")
write("heartbeat", "known-answer", message)
write("heartbeat", "known-answer-signed", message + trailer)


def heartbeat(flags, name, entries):
    body = struct.pack(">QQI", 7, 1, 2000) + bytes([len(name)]) + name
    body += struct.pack(">H", len(entries)) + b"".join(entries)
    length = 8 + len(body)
    return b"HAFH" + bytes([1, flags]) + struct.pack(">H", length) + body


write("heartbeat", "no-instances", heartbeat(0, b"witness-1", []))
write("heartbeat", "ipv6-leaving", heartbeat(4, b"lb2.example", [
    struct.pack(">BBBBBBHHIH", 6, 52, 1, 150, 150, 3, 100, 2, 0x51abf07d, 0),
    struct.pack(">BBBBBBHHIH", 4, 1, 3, 0, 100, 2, 300, 1, 0xdaba1148, 0x1234),
]))


# --- netlink: rtnetlink messages as the kernel sends them (4-byte aligned attributes).
def attr(kind, payload):
    a = struct.pack("=HH", 4 + len(payload), kind) + payload
    return a + b"\0" * (-len(a) % 4)


def nlmsg(kind, payload, flags=0, seq=1, pid=0):
    m = struct.pack("=IHHII", 16 + len(payload), kind, flags, seq, pid) + payload
    return m + b"\0" * (-len(m) % 4)


RTM_NEWLINK, RTM_DELLINK, RTM_NEWADDR, RTM_DELADDR, NLMSG_DONE = 16, 17, 20, 21, 3
IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_OPERSTATE, IFLA_LINKINFO = 1, 3, 4, 5, 16, 18
IFLA_INFO_KIND = 1
IFA_ADDRESS, IFA_LOCAL, IFA_CACHEINFO, IFA_FLAGS, IFA_PROTO = 1, 2, 6, 8, 11


def link(index, name, kind=None, flags=0x11043, parent=None):
    p = struct.pack("=BxHiII", 0, 1, index, flags, 0)
    p += attr(IFLA_IFNAME, name + b"\0") + attr(IFLA_MTU, struct.pack("=I", 1500))
    p += attr(IFLA_ADDRESS, h("020000000001")) + attr(IFLA_OPERSTATE, b"\x06")
    if parent:
        p += attr(IFLA_LINK, struct.pack("=I", parent))
    if kind:
        p += attr(IFLA_LINKINFO, attr(IFLA_INFO_KIND, kind + b"\0"))
    return p


def address(family, prefix, index, local, flags=0x80, proto=None, lifetime=None):
    p = struct.pack("=BBBBI", family, prefix, flags & 0xff, 0, index)
    p += attr(IFA_ADDRESS, local) + attr(IFA_LOCAL, local) + attr(IFA_FLAGS, struct.pack("=I", flags))
    if proto is not None:
        p += attr(IFA_PROTO, bytes([proto]))
    if lifetime:
        p += attr(IFA_CACHEINFO, struct.pack("=IIII", lifetime, lifetime, 100, 200))
    return p


write("netlink", "newlink-eth", nlmsg(RTM_NEWLINK, link(2, b"eth0")))
write("netlink", "newlink-macvlan", nlmsg(RTM_NEWLINK, link(7, b"vrrp4.51", b"macvlan", parent=2)))
write("netlink", "dellink", nlmsg(RTM_DELLINK, link(7, b"vrrp4.51", b"macvlan", flags=0x1002)))
write("netlink", "newaddr-v4-hafd", nlmsg(RTM_NEWADDR, address(2, 24, 2, h("c6336410"), proto=104,
                                                              lifetime=30)))
write("netlink", "deladdr-v6", nlmsg(RTM_DELADDR, address(10, 64, 2, h("20010db8" + "00" * 11 + "01"),
                                                         flags=0x40)))
write("netlink", "dump", nlmsg(RTM_NEWLINK, link(1, b"lo"), flags=2) +
      nlmsg(RTM_NEWLINK, link(2, b"eth0", b"veth"), flags=2) +
      nlmsg(RTM_NEWADDR, address(2, 8, 1, h("7f000001")), flags=2) + nlmsg(NLMSG_DONE, b"\0" * 4))

# --- request: what hafctl sends (hafctl(8) PROTOCOL), and two it refuses.
for name, line in {
    "status": '{"command": "status"}\n',
    "reload": '{"command":"reload"}',
    "events": '{"command": "events", "follow": true, "since": 120}\n',
    "maintenance": '{"command": "maintenance", "on": true, "instance": "vi_web"}',
    "switchover": '{"command": "switchover", "instance": "vi_web", "to": "lb2"}',
    "unicode": '{"command": "maintenance", "on": false, "instance": "vi_\\u00e9t\\u00e9"}',
    "bad-type": '{"command": "events", "since": -1}',
    "unknown-field": '{"command": "status", "verbose": true}',
}.items():
    write("request", name, line)

# --- check-output: a role check's output, a file check's file, lines for status.
for name, text in {
    "redis-master": "master\n0\n",
    "redis-slave": "slave\n192.0.2.1\n6379\nconnected\n",
    "role-line": "role: primary\r\nok\n",
    "file-weight": "  -25\n",
    "file-plus": "\t+0042 extra",
    "file-overflow": "99999999999999999999\n",
    "control-chars": "err\x1b[31mred\x7f\ttab\0hidden\n",
}.items():
    write("check-output", name, text)
