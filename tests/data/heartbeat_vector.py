#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The known-answer vectors of tests/unit/proto/test_heartbeat.cpp and hafd-heartbeat(7),
computed from the format's description with Python's hashlib and hmac only (not from hafd's
code), so that the C++ codec is checked against an independent implementation.

Run it to print the vectors; the test holds a copy of the output."""
import hashlib
import hmac
import ipaddress
import struct

K1 = bytes(range(32))  # AUTH_HMAC.md §13.1
CONTEXT = b"hafd-heartbeat"


def vip_digest(prefixes):
    """First 4 bytes of SHA-256 over the VIPs sorted by (address bytes, prefix length)."""
    items = []
    for text in prefixes:
        net = ipaddress.ip_interface(text)
        items.append((net.ip.packed, net.network.prefixlen))
    items.sort()
    data = b"".join(addr + bytes([length]) for addr, length in items)
    return struct.unpack(">I", hashlib.sha256(data).digest()[:4])[0]


def entry(family, vrid, state, prio, base, version, interval_cs, vip_count, digest):
    return struct.pack(">BBBBBBHHIH", family, vrid, state, prio, base, version, interval_cs,
                       vip_count, digest, 0)


def message(flags, start_id, counter, lease_ms, name, entries):
    body = bytes([len(name)]) + name + struct.pack(">H", len(entries)) + b"".join(entries)
    length = 28 + len(body)
    return b"HAFH" + struct.pack(">BBHQQI", 1, flags, length, start_id, counter, lease_ms) + body


def sign(msg, source, key_id, key, sequence):
    head = struct.pack(">BBHQ", 1, key_id, 0, sequence)
    src = ipaddress.ip_address(source).packed
    mac = hmac.new(key, CONTEXT + src + msg + head + bytes(16), hashlib.sha256).digest()
    return msg + head + mac[:16], mac


def main():
    d4 = vip_digest(["192.0.2.100/24"])
    d6a = vip_digest(["2001:db8::2/64", "2001:db8::1/64"])
    d6b = vip_digest(["2001:db8::1/64", "2001:db8::2/64"])
    d6c = vip_digest(["2001:db8::1/64", "2001:db8::2/96"])
    empty = vip_digest([])
    print(f"digest 192.0.2.100/24:                 {d4:08x}")
    print(f"digest 2001:db8::2/64 2001:db8::1/64:  {d6a:08x} (either order: {d6b:08x})")
    print(f"digest 2001:db8::1/64 2001:db8::2/96:  {d6c:08x}")
    print(f"digest of no VIPs:                     {empty:08x}")

    # node-a, quorum, start id 0123456789abcdef, counter 42, lease 2000 ms, one IPv4 instance:
    # VRID 51 MASTER, priority 200/200, VRRPv3, 100 cs, one VIP 192.0.2.100/24.
    msg = message(0x01, 0x0123456789ABCDEF, 42, 2000, b"node-a",
                  [entry(4, 51, 2, 200, 200, 3, 100, 1, d4)])
    signed, mac = sign(msg, "192.0.2.1", 1, K1, 0x6800000080000000)
    print(f"message ({len(msg)}): {msg.hex()}")
    print(f"trailer (28): {signed[len(msg):].hex()}")
    print(f"full HMAC-SHA256: {mac.hex()}")
    print(f"datagram ({len(signed)}): {signed.hex()}")


if __name__ == "__main__":
    main()
