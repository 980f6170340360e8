#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Floods a hafd node as a hostile neighbour would, from inside a test namespace (run with
`ip netns exec`; it refuses to run outside a named one, or to send outside lab.py's LAN).

Usage: flood.py KIND RATE SECONDS ARGS...
  adverts FAMILY SOURCE VRID PRIORITY VIPS [key=HEX] [key_id=N]
      VRRPv3 adverts to the VRRP group, built by forge.py: unsigned, or with an auth trailer
      signed with key=HEX (pass a key the nodes do not have for forgeries). 1000 distinct
      frames (each with its own trailer sequence) are built first and sent in turn.
  heartbeats SOURCE DEST DMAC NAME [key=HEX] [key_id=N] [port=P]
      cluster heartbeats (tests/data/heartbeat_vector.py) saying they are NAME's, from SOURCE
      (spoofed, as whole Ethernet frames) to DEST at the MAC address DMAC; unsigned unless key=
      is given (1000 distinct ones, as for adverts).
  control PATH
      connections to the control socket at PATH, each closed at once without a request.
RATE per second for SECONDS, sent in bursts every 10 ms so that Python keeps up. Prints
"sent N" (for control: "sent N refused M", M the connects the kernel refused).
"""
import ipaddress
import os
import socket
import struct
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "../data"))
import forge  # noqa: E402
import heartbeat_vector as hv  # noqa: E402

LAN = [ipaddress.ip_network(n) for n in ("192.0.2.0/24", "2001:db8::/64", "fe80::/64")]
TICK = 0.01


def paced(rate, seconds, send_one):
    """Calls send_one(i) `rate` times a second for `seconds`, in bursts every TICK."""
    total = int(rate * seconds)
    start = time.monotonic()
    i = 0
    while i < total:
        due = min(total, int((time.monotonic() - start) * rate) + int(rate * TICK))
        while i < due:
            send_one(i)
            i += 1
        delay = start + i / rate - time.monotonic() - TICK
        if delay > 0:
            time.sleep(delay)
    return total


def adverts(rate, seconds, args):
    fam, src, vrid, prio, vips = args[:5]
    opts = dict(a.split("=", 1) for a in args[5:])
    kind = "signed" if "key" in opts else "unsigned"
    seq = forge.Sequence()
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind(("eth0", 0))
        mac = s.getsockname()[4]
        frames = [forge.frame(fam, src, mac, forge.advert(fam, src, int(vrid), int(prio),
                                                           vips.split(","), kind, opts, seq.next()))
                  for _ in range(1000)]
        return paced(rate, seconds, lambda i: s.send(frames[i % len(frames)]))


def udp_frame(src, dst, smac, dmac, port, payload):
    """An Ethernet frame carrying one UDP datagram from src:port to dst:port, checksummed."""
    v4 = ipaddress.ip_address(src).version == 4
    fam = socket.AF_INET if v4 else socket.AF_INET6
    s, d = socket.inet_pton(fam, src), socket.inet_pton(fam, dst)
    length = 8 + len(payload)
    pseudo = s + d + (struct.pack("!BBH", 0, 17, length) if v4 else struct.pack("!IxxxB", length, 17))
    udp = struct.pack("!HHHH", port, port, length, 0) + payload
    udp = udp[:6] + struct.pack("!H", forge.csum(pseudo + udp) or 0xFFFF) + udp[8:]
    if v4:
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + length, 0, 0, 64, 17, 0, s, d)
        ip = ip[:10] + struct.pack("!H", forge.csum(ip)) + ip[12:]
        return dmac + smac + struct.pack("!H", forge.ETH_P_IP) + ip + udp
    ip = struct.pack("!IHBB16s16s", 6 << 28, length, 17, 64, s, d)
    return dmac + smac + struct.pack("!H", forge.ETH_P_IPV6) + ip + udp


def heartbeats(rate, seconds, args):
    """Heartbeats from SOURCE (spoofed: any LAN address, a node's to reach the HMAC check) to
    DEST at DMAC, built as whole frames."""
    src, dest, dmac, name = args[:4]
    opts = dict(a.split("=", 1) for a in args[4:])
    port = int(opts.get("port", 7112))
    start_id = int.from_bytes(os.urandom(8), "big")
    seq = forge.Sequence()
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW) as s:
        s.bind(("eth0", 0))
        smac = s.getsockname()[4]
        frames = []
        for i in range(1000):
            msg = hv.message(0x01, start_id, i + 1, 1000, name.encode(), [])
            if "key" in opts:
                key = bytes.fromhex(opts["key"])
                msg, _ = hv.sign(msg, src, int(opts.get("key_id", 1)), key, seq.next())
            frames.append(udp_frame(src, dest, smac, bytes.fromhex(dmac.replace(":", "")), port, msg))
        return paced(rate, seconds, lambda i: s.send(frames[i % len(frames)]))


def control(rate, seconds, args):
    path = args[0]
    refused = [0]

    def one(_):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.setblocking(False)
            try:
                c.connect(path)
            except (BlockingIOError, ConnectionRefusedError, OSError):
                refused[0] += 1

    sent = paced(rate, seconds, one)
    return f"{sent} refused {refused[0]}"


def main():
    if len(sys.argv) < 5:
        sys.exit(__doc__)
    kind, rate, seconds, args = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4:]
    ns = subprocess.run(["ip", "netns", "identify", str(os.getpid())], capture_output=True,
                        text=True).stdout.strip()
    if not ns:
        sys.exit("flood.py: refusing to run outside a named network namespace")
    addresses = {"adverts": args[1:2], "heartbeats": args[0:2]}.get(kind, [])
    for a in addresses:
        if not any(ipaddress.ip_address(a) in n for n in LAN):
            sys.exit(f"flood.py: {a} is not a test LAN address")
    run = {"adverts": adverts, "heartbeats": heartbeats, "control": control}.get(kind)
    if run is None:
        sys.exit(f"flood.py: unknown kind {kind}")
    print(f"sent {run(rate, seconds, args)}", flush=True)


if __name__ == "__main__":
    main()
