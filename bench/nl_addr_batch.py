# SPDX-License-Identifier: Apache-2.0
"""Kernel reference for bench/scale: how long one netlink batch of RTM_NEWADDR for N /32 IPv4
addresses takes (sent in 256-message chunks, an ACK on the last of each chunk, as hafd does),
and the same for RTM_DELADDR. Run inside a node's namespace by bench/scale:

    ip netns exec NS python3 bench/nl_addr_batch.py N IFNAME REPS

Prints one JSON object: {"add_ms": [...], "del_ms": [...]}. Only the netlink exchange is timed
(no process start-up). The addresses are 198.18.0.1 ... as bench/scale's VIPs; the script adds
and removes them itself, so nothing is left behind.
"""

import json
import socket
import struct
import sys
import time

RTM_NEWADDR, RTM_DELADDR = 20, 21
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE = 0x1, 0x4, 0x200, 0x400
NLMSG_ERROR = 2
IFA_ADDRESS, IFA_LOCAL = 1, 2
CHUNK = 256


def vip(i):
    return f"198.18.{i // 250}.{i % 250 + 1}"


def message(kind, seq, ifindex, ip, ack):
    a = socket.inet_aton(ip)
    attrs = struct.pack("HH4s", 8, IFA_LOCAL, a) + struct.pack("HH4s", 8, IFA_ADDRESS, a)
    body = struct.pack("BBBBI", socket.AF_INET, 32, 0, 0, ifindex) + attrs
    flags = NLM_F_REQUEST | (NLM_F_ACK if ack else 0)
    if kind == RTM_NEWADDR:
        flags |= NLM_F_CREATE | NLM_F_EXCL
    return struct.pack("IHHII", 16 + len(body), kind, flags, seq, 0) + body


def batch(sock, kind, ifindex, ips):
    """Seconds for the whole batch; raises on a netlink error."""
    chunks = []
    for k in range(0, len(ips), CHUNK):
        last = min(len(ips), k + CHUNK) - 1
        chunks.append((b"".join(message(kind, i + 1, ifindex, ips[i], i == last)
                                for i in range(k, last + 1)), last + 1))
    t = time.perf_counter()
    for data, want in chunks:
        sock.send(data)
        done = False
        while not done:
            buf = sock.recv(1 << 20)
            off = 0
            while off + 16 <= len(buf):
                length, typ, _flags, seq, _pid = struct.unpack_from("IHHII", buf, off)
                if typ == NLMSG_ERROR:
                    err = struct.unpack_from("i", buf, off + 16)[0]
                    if err != 0:
                        raise OSError(-err, f"netlink: message {seq}")
                    if seq == want:
                        done = True
                off += (length + 3) & ~3
    return time.perf_counter() - t


def main():
    n, ifname, reps = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    ifindex = socket.if_nametoindex(ifname)
    ips = [vip(i) for i in range(n)]
    sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
    sock.bind((0, 0))
    out = {"add_ms": [], "del_ms": []}
    for _ in range(reps):
        out["add_ms"].append(batch(sock, RTM_NEWADDR, ifindex, ips) * 1e3)
        out["del_ms"].append(batch(sock, RTM_DELADDR, ifindex, ips) * 1e3)
    print(json.dumps(out))


if __name__ == "__main__":
    main()
