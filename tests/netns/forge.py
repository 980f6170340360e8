#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Forges VRRPv3 adverts with or without keepalived's auth_hmac trailer, from inside a test
namespace (run with `ip netns exec`; it refuses to run outside a named one), as an attacker on
the LAN would.

Usage: forge.py FAMILY SOURCE VRID PRIORITY VIPS KIND [key=HEX] [key_id=N] [flip=MASK]
                [payload=HEX] [count=N] [rate=PPS]
FAMILY: v4 | v6. SOURCE: the IP source address, any of the test LAN (spoofing one is the point;
anything outside lab.py's 192.0.2.0/24, 2001:db8::/64 and fe80::/64 is refused). VIPS:
comma-separated. KIND:
  unsigned  a plain VRRPv3 advert (no trailer);
  signed    with the trailer, signed with key=HEX as key id key_id=N (a wrong key: pass another);
  flipped   signed for PRIORITY ^ flip (default 0x01), then that bit flipped so that PRIORITY goes
            on the wire, and the checksum recomputed: a signature that no longer matches;
  replay    the IP payload payload=HEX (a captured advert) sent as it is; VRID, PRIORITY and VIPS
            are ignored.
COUNT packets (default 1) leave eth0 for the VRRP group at RATE per second (default 50), TTL /
hop limit 255, each signed when it is sent (the sequence follows the clock, as keepalived's).
Prints "sent N" at the end.

The trailer is computed here with Python's hmac and hashlib, independently of hafd
(AUTH_HMAC.md §3-§5): 20-byte pseudo-header (family, version, VRID, 0, source padded to 16
bytes), the message with its checksum read as zero, trailer bytes 0..11, 16 zero bytes;
HMAC-SHA256 truncated to 16 bytes. The IPv4 checksum covers the message only, the IPv6 one (as
the kernel computes it) the whole payload, trailer included.
"""
import hashlib
import hmac
import ipaddress
import socket
import struct
import subprocess
import sys
import time

ETH_P_IP, ETH_P_IPV6 = 0x0800, 0x86DD
GROUP = {"v4": ("224.0.0.18", b"\x01\x00\x5e\x00\x00\x12"),
         "v6": ("ff02::12", b"\x33\x33\x00\x00\x00\x12")}
INTERVAL_CS = 10  # 0.1 s, as the tests' instances
LAN = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "2001:db8::/64", "fe80::/64")]


def af(fam):
    return socket.AF_INET if fam == "v4" else socket.AF_INET6


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return (~s) & 0xFFFF


def with_checksum(fam, src, dst, payload, message_len):
    """`payload` with the VRRP checksum set: IPv4 over the message (pseudo-header length =
    message length), IPv6 over the whole payload (upper-layer length = payload length)."""
    body = bytearray(payload)
    body[6:8] = b"\0\0"
    if fam == "v4":
        ph = socket.inet_pton(af(fam), src) + socket.inet_pton(af(fam), dst) + \
            struct.pack("!BBH", 0, 112, message_len)
        c = csum(ph + bytes(body[:message_len]))
    else:
        ph = socket.inet_pton(af(fam), src) + socket.inet_pton(af(fam), dst) + \
            struct.pack("!IxxxB", len(body), 112)
        c = csum(ph + bytes(body))
    body[6:8] = struct.pack("!H", c)
    return bytes(body)


class Sequence:
    """The trailer's 64-bit sequence: seconds | 1/65536 s | counter, from the realtime clock,
    strictly growing."""

    def __init__(self):
        self.last = 0

    def next(self):
        ns = time.time_ns()
        clock = (ns // 10**9) << 32 | ((ns % 10**9) * 65536 // 10**9) << 16
        self.last = clock if clock > self.last else self.last + 1
        return self.last


def sign(fam, src, message, key, key_id, seq):
    """The 28-byte trailer for `message` (its checksum bytes are read as zero)."""
    addr = socket.inet_pton(af(fam), src)
    pseudo = bytes([4 if fam == "v4" else 6, message[0] >> 4, message[1], 0]) + addr.ljust(16, b"\0")
    head = struct.pack("!BBHQ", 1, key_id, 0, seq)
    data = pseudo + message[:6] + b"\0\0" + message[8:] + head + b"\0" * 16
    return head + hmac.new(key, data, hashlib.sha256).digest()[:16]


def advert(fam, src, vrid, prio, vips, kind, opts, seq):
    """One IP payload of `kind`."""
    if kind == "replay":
        return bytes.fromhex(opts["payload"])
    dst = GROUP[fam][0]
    addrs = b"".join(socket.inet_pton(af(fam), v) for v in vips)
    flip = int(opts.get("flip", "1"), 0) if kind == "flipped" else 0
    message = struct.pack("!BBBBHH", 0x31, vrid, prio ^ flip, len(vips), INTERVAL_CS, 0) + addrs
    if kind == "unsigned":
        return with_checksum(fam, src, dst, message, len(message))
    trailer = sign(fam, src, message, bytes.fromhex(opts["key"]), int(opts.get("key_id", "1")), seq)
    payload = bytearray(message + trailer)
    payload[2] ^= flip  # after signing: the HMAC no longer matches what goes out
    return with_checksum(fam, src, dst, bytes(payload), len(message))


def frame(fam, src, mac, payload):
    dst, dmac = GROUP[fam]
    if fam == "v4":
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0xC0, 20 + len(payload), 0, 0, 255, 112, 0,
                         socket.inet_pton(af(fam), src), socket.inet_pton(af(fam), dst))
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        return dmac + mac + struct.pack("!H", ETH_P_IP) + ip + payload
    ip = struct.pack("!IHBB16s16s", 6 << 28 | 0xC0 << 20, len(payload), 112, 255,
                     socket.inet_pton(af(fam), src), socket.inet_pton(af(fam), dst))
    return dmac + mac + struct.pack("!H", ETH_P_IPV6) + ip + payload


def main():
    fam, src, vrid, prio, vips, kind = sys.argv[1:7]
    vrid, prio, vips = int(vrid), int(prio), vips.split(",")
    opts = dict(a.split("=", 1) for a in sys.argv[7:])
    ns = subprocess.run(["ip", "netns", "identify"], capture_output=True, text=True).stdout.strip()
    if not ns:
        sys.exit("forge.py: not in a named network namespace")
    if not any(ipaddress.ip_address(src) in n for n in LAN):
        sys.exit(f"forge.py: {src} is not a test LAN address")
    if kind not in ("unsigned", "signed", "flipped", "replay"):
        sys.exit(f"forge.py: unknown kind {kind}")
    count, rate = int(opts.get("count", "1")), float(opts.get("rate", "50"))
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind(("eth0", 0))
        mac = s.getsockname()[4]
        seq = Sequence()
        start = time.monotonic()
        for i in range(count):
            delay = start + i / rate - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            s.send(frame(fam, src, mac, advert(fam, src, vrid, prio, vips, kind, opts, seq.next())))
    print(f"sent {count}", flush=True)


if __name__ == "__main__":
    main()
