#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sends crafted VRRP packets from inside a test namespace (run with `ip netns exec`).

Usage: inject.py FAMILY SOURCE VRID PRIORITY VIP COUNT [to=ADDR,MAC] [ttl=N] VARIANT...
FAMILY: v4 | v6. VARIANT: good, truncated, ttl, checksum, version, type, count_long, count_short,
zero_count, zero_interval, v2 (a VRRPv2 advert), padded. COUNT packets of each variant leave eth0
for the VRRP group (or, with to=, unicast to ADDR at Ethernet address MAC), from SOURCE (this
node's address or link-local), with TTL / hop limit 255 (variant "ttl": 254; ttl=N: N).
"""
import socket
import struct
import sys

from scapy.all import Ether, IP, IPv6, Raw, get_if_hwaddr, sendp  # noqa: E402


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def pseudo(fam, src, dst, length):
    if fam == "v4":
        return socket.inet_pton(socket.AF_INET, src) + socket.inet_pton(socket.AF_INET, dst) + \
            struct.pack("!BBH", 0, 112, length)
    return socket.inet_pton(socket.AF_INET6, src) + socket.inet_pton(socket.AF_INET6, dst) + \
        struct.pack("!IxxxB", length, 112)


def message(fam, variant, vrid, prio, vip, src, dst):
    af = socket.AF_INET if fam == "v4" else socket.AF_INET6
    addrs = socket.inet_pton(af, vip)
    version, typ, count, interval = 3, 1, 1, 10
    if variant == "version":
        version = 4
    if variant == "type":
        typ = 2
    if variant == "count_long":
        count = 2
    if variant == "count_short":
        addrs = addrs * 2
    if variant == "zero_count":
        count, addrs = 0, b""
    if variant == "zero_interval":
        interval = 0
    if variant == "v2":
        head = struct.pack("!BBBBBBH", 0x21, vrid, prio, count, 0, 1, 0)
        body = addrs + b"\0" * 8
        msg = head + body
        return msg[:6] + struct.pack("!H", csum(msg)) + msg[8:]
    head = struct.pack("!BBBBHH", (version << 4) | typ, vrid, prio, count, interval, 0)
    msg = head + addrs
    c = csum(pseudo(fam, src, dst, len(msg)) + msg)
    if variant == "checksum":
        c ^= 0x0101
    msg = msg[:6] + struct.pack("!H", c) + msg[8:]
    if variant == "truncated":
        msg = msg[:6]
    if variant == "padded":
        msg += b"\0\0\0\0"
    return msg


def main():
    fam, src, vrid, prio, vip, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], int(sys.argv[6])
    mac = get_if_hwaddr("eth0")
    options = dict(a.split("=", 1) for a in sys.argv[7:] if "=" in a)
    to = options["to"].split(",") if "to" in options else None
    frames = []
    for variant in [a for a in sys.argv[7:] if "=" not in a]:
        hops = int(options.get("ttl", 254 if variant == "ttl" else 255))
        if fam == "v4":
            dst, dmac = to if to else ("224.0.0.18", "01:00:5e:00:00:12")
            msg = message(fam, variant, vrid, prio, vip, src, dst)
            frame = Ether(src=mac, dst=dmac) / IP(src=src, dst=dst, ttl=hops, proto=112, tos=0xc0) / Raw(msg)
        else:
            dst, dmac = to if to else ("ff02::12", "33:33:00:00:00:12")
            msg = message(fam, variant, vrid, prio, vip, src, dst)
            frame = Ether(src=mac, dst=dmac) / IPv6(src=src, dst=dst, hlim=hops, nh=112, tc=0xc0) / Raw(msg)
        frames += [frame] * count
    sendp(frames, iface="eth0", inter=0.005, verbose=False)


if __name__ == "__main__":
    main()
