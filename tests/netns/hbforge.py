#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Sends cluster heartbeats as an attacker on the LAN would, from inside a test namespace (run
with `ip netns exec`; it refuses to run outside a named one, or to send outside lab.py's LAN).
The message and its trailer are built by tests/data/heartbeat_vector.py, independently of hafd.

Usage: hbforge.py SOURCE DEST NAME KIND [key=HEX] [key_id=N] [payload=HEX] [count=N] [rate=PPS]
              [port=P]
KIND: unsigned (no trailer); signed (key=HEX as key_id=N); flipped (signed, then one bit of
the body flipped); replay (payload=HEX, a captured datagram, sent as it is). The heartbeat says
NAME has quorum and no instances; its counter grows with each one sent. Prints "sent N".
"""
import ipaddress
import os
import socket
import subprocess
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "../data"))
import heartbeat_vector as hv  # noqa: E402

LAN = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "2001:db8::/64")]


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    source, dest, name, kind = sys.argv[1:5]
    opts = dict(a.split("=", 1) for a in sys.argv[5:])
    ns = subprocess.run(["ip", "netns", "identify", str(os.getpid())], capture_output=True,
                        text=True).stdout.strip()
    if not ns:
        sys.exit("hbforge.py: refusing to run outside a named network namespace")
    for a in (source, dest):
        if not any(ipaddress.ip_address(a) in n for n in LAN):
            sys.exit(f"hbforge.py: {a} is not a test LAN address")
    fam = socket.AF_INET if ipaddress.ip_address(source).version == 4 else socket.AF_INET6
    port = int(opts.get("port", 7112))
    s = socket.socket(fam, socket.SOCK_DGRAM)
    s.bind((source, port))
    count, rate = int(opts.get("count", 1)), float(opts.get("rate", 10))
    key = bytes.fromhex(opts.get("key", "00" * 32))
    key_id = int(opts.get("key_id", 1))
    start_id = int.from_bytes(os.urandom(8), "big")
    sent = 0
    for i in range(count):
        if kind == "replay":
            data = bytes.fromhex(opts["payload"])
        else:
            msg = hv.message(0x01, start_id, i + 1, 1000, name.encode(), [])
            if kind == "unsigned":
                data = msg
            else:
                now = time.time()
                seq = (int(now) & 0xFFFFFFFF) << 32 | int((now % 1) * 65536) << 16
                data, _ = hv.sign(msg, source, key_id, key, seq)
                if kind == "flipped":
                    data = bytearray(data)
                    data[20] ^= 0x01  # inside the counter: the HMAC no longer matches
                    data = bytes(data)
        s.sendto(data, (dest, port))
        sent += 1
        time.sleep(1 / rate)
    print(f"sent {sent}")


if __name__ == "__main__":
    main()
