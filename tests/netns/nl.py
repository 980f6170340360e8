# SPDX-License-Identifier: Apache-2.0
"""Minimal rtnetlink for the network tests, over Python's own AF_NETLINK sockets opened inside a
test namespace: an address dump takes well under a millisecond (so VIP holders can be sampled
every 10 ms, which `ip` cannot do), and an address can be added with IFA_PROTO, which iproute2
6.1 cannot (hafd marks its VIPs with 104)."""
import ctypes
import os
import socket
import struct
import threading
import time

CLONE_NEWNET = 0x40000000
RTM_NEWLINK, RTM_GETLINK = 16, 18
RTM_NEWADDR, RTM_GETADDR = 20, 22
NLMSG_ERROR, NLMSG_DONE = 2, 3
NLM_F_REQUEST, NLM_F_ACK, NLM_F_EXCL, NLM_F_CREATE, NLM_F_DUMP = 1, 4, 0x200, 0x400, 0x300
IFA_ADDRESS, IFA_LOCAL, IFA_PROTO = 1, 2, 11
IFA_F_NODAD = 0x02
IFLA_IFNAME = 3
HAFD_PROTO = 104

_libc = ctypes.CDLL(None, use_errno=True)
_setns_lock = threading.Lock()


def _align(n):
    return (n + 3) & ~3


def _attr(kind, value):
    return struct.pack("=HH", 4 + len(value), kind) + value + b"\0" * (_align(len(value)) - len(value))


class Netlink:
    """A NETLINK_ROUTE socket created inside namespace `ns` (it stays bound to it)."""

    def __init__(self, ns):
        with _setns_lock:
            own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
            target = os.open(f"/run/netns/{ns}", os.O_RDONLY)
            try:
                if _libc.setns(target, CLONE_NEWNET) != 0:
                    raise OSError(ctypes.get_errno(), f"setns {ns}")
                self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, socket.NETLINK_ROUTE)
            finally:
                _libc.setns(own, CLONE_NEWNET)
                os.close(own)
                os.close(target)
        self.sock.bind((0, 0))
        self.sock.settimeout(2)
        self.seq = 0

    def close(self):
        self.sock.close()

    def _request(self, kind, flags, body):
        self.seq += 1
        self.sock.send(struct.pack("=LHHLL", 16 + len(body), kind, flags, self.seq, 0) + body)
        return self.seq

    def _messages(self):
        while True:
            data = self.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, kind, _flags, _seq, _pid = struct.unpack_from("=LHHLL", data, off)
                yield kind, data[off + 16:off + length]
                off += _align(length)

    def _dump(self, request, reply, header, body, what):
        """Sends dump `request` and yields, for each `reply` message, its fixed header of
        `header` bytes and its attributes as a dict type -> value (the last of a type wins)."""
        self._request(request, NLM_F_REQUEST | NLM_F_DUMP, body)
        for kind, msg in self._messages():
            if kind == NLMSG_DONE:
                return
            if kind == NLMSG_ERROR:
                raise OSError(-struct.unpack_from("=i", msg)[0], what)
            if kind != reply:
                continue
            attrs, off = {}, header
            while off + 4 <= len(msg):
                alen, atype = struct.unpack_from("=HH", msg, off)
                if alen < 4:
                    break
                attrs[atype] = msg[off + 4:off + alen]
                off += _align(alen)
            yield msg[:header], attrs

    def links(self):
        """Every interface of the namespace as a dict name -> ifindex."""
        return {attrs[IFLA_IFNAME].rstrip(b"\0").decode(): struct.unpack_from("=i", head, 4)[0]
                for head, attrs in self._dump(RTM_GETLINK, RTM_NEWLINK, 16,
                                              struct.pack("=BxHiII", 0, 0, 0, 0, 0), "RTM_GETLINK")
                if IFLA_IFNAME in attrs}

    def addresses(self):
        """Every address of the namespace as a set of (ifindex, address text)."""
        out = set()
        for head, attrs in self._dump(RTM_GETADDR, RTM_NEWADDR, 8,
                                      struct.pack("=BBBBI", 0, 0, 0, 0, 0), "RTM_GETADDR"):
            family, _plen, _flags, _scope, index = struct.unpack_from("=BBBBI", head)
            raw = attrs.get(IFA_LOCAL) or attrs.get(IFA_ADDRESS)
            if raw:
                out.add((index, socket.inet_ntop(socket.AF_INET if family == 2 else socket.AF_INET6, raw)))
        return out

    def add_address(self, ifindex, address, prefixlen, proto=None):
        """Adds `address`/`prefixlen` to `ifindex` (IPv6 without DAD), with IFA_PROTO if given."""
        v6 = ":" in address
        family = socket.AF_INET6 if v6 else socket.AF_INET
        raw = socket.inet_pton(family, address)
        body = struct.pack("=BBBBI", family, prefixlen, IFA_F_NODAD if v6 else 0, 0, ifindex)
        body += _attr(IFA_LOCAL, raw) + _attr(IFA_ADDRESS, raw)
        if proto is not None:
            body += _attr(IFA_PROTO, struct.pack("=B", proto))
        self._request(RTM_NEWADDR, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, body)
        for kind, reply in self._messages():
            if kind == NLMSG_ERROR:
                err = struct.unpack_from("=i", reply)[0]
                if err:
                    raise OSError(-err, f"RTM_NEWADDR {address}")
                return


class HolderSampler:
    """Samples, every `period` seconds in a thread, which of `nodes` hold `vip`, through one
    netlink socket per node: `samples` is a list of (monotonic time, [node names])."""

    def __init__(self, nodes, vip, period=0.01):
        self.vip = vip
        self.period = period
        self.links = [(n.name, Netlink(n.ns)) for n in nodes]
        self.samples = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        nxt = time.monotonic()
        while not self._stop.is_set():
            holders = [name for name, nl in self.links
                       if any(a == self.vip for _, a in nl.addresses())]
            self.samples.append((time.monotonic(), holders))
            nxt += self.period
            self._stop.wait(max(0.0, nxt - time.monotonic()))

    def stop(self):
        self._stop.set()
        self._thread.join(5)
        for _, nl in self.links:
            nl.close()
        return self.samples

    def double(self):
        """The samples in which more than one node held the VIP."""
        return [s for s in self.samples if len(s[1]) > 1]
