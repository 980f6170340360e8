#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""The kernel lease on VIPs (DESIGN.md §4): with `cluster` set (lease 2 s, heartbeat 0.2 s, margin
1 s; two nodes and a witness), the master's VIPs carry a valid lifetime of at most the lease and
are renewed every lease/3, so they outlive the lease only while hafd runs; a frozen master's
VIPs expire and are not put back when it resumes; a killed master's own kernel removes them
within lease + the kernel's lateness. Without `cluster` the VIPs are permanent (and a killed
master keeps them); a reload that adds or removes `cluster` applies at once. Nothing here
depends on quorum or the claim rule: the backup takes over by plain VRRP."""
import json
import signal
import socket
import struct
import time

from lab import Lab, Cluster, check, conf_value, hafd_conf, param, wait_until
from nl import NLM_F_DUMP, NLM_F_REQUEST, NLMSG_DONE, NLMSG_ERROR, RTM_GETADDR, Netlink

LEASE = 2
PERIOD = LEASE / 3
FOREVER = 4294967295
IFA_ADDRESS, IFA_LOCAL, IFA_CACHEINFO = 1, 2, 6
# How late this kernel removes an expired address, at most (bench/lease_expiry: 0.46 s at a
# load of 10 on 2 CPUs; the kernel rounds its check up to a whole second when that adds less
# than 250 ms). Plus the sampling period.
LATENESS = 0.75


def cluster_text(names):
    """`node` and `cluster` groups for this node (names: [(name, address, witness)])."""
    nodes = [{"name": n, "address": a, **({"witness": True} if w else {})} for n, a, w in names]
    return (f"cluster = {{ nodes = {conf_value(nodes)}; heartbeat = 0.2; lease = {LEASE}; "
            "margin = 1.0; };\n")


def vip_cacheinfo(nl, ifindex, vip):
    """(valid seconds left, tstamp in 1/100 s since boot) of `vip` on `ifindex`, None if absent:
    from the kernel's IFA_CACHEINFO (a renewal moves tstamp)."""
    nl._request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, struct.pack("=BBBBI", 0, 0, 0, 0, 0))
    found = None
    for kind, body in nl._messages():
        if kind == NLMSG_DONE:
            return found
        if kind == NLMSG_ERROR:
            raise OSError(-struct.unpack_from("=i", body)[0], "RTM_GETADDR")
        family, _plen, _flags, _scope, index = struct.unpack_from("=BBBBI", body)
        if index != ifindex:
            continue
        off, attrs = 8, {}
        while off + 4 <= len(body):
            alen, atype = struct.unpack_from("=HH", body, off)
            attrs[atype] = body[off + 4:off + alen]
            off += (alen + 3) & ~3
        raw = attrs.get(IFA_LOCAL) or attrs.get(IFA_ADDRESS)
        if raw and IFA_CACHEINFO in attrs and socket.inet_ntop(
                socket.AF_INET if family == 2 else socket.AF_INET6, raw) == vip:
            _pref, valid, _cstamp, tstamp = struct.unpack_from("=IIII", attrs[IFA_CACHEINFO])
            found = (valid, tstamp)


def ifindex(node):
    return int(node.run("cat", "/sys/class/net/eth0/ifindex").strip())


def lifetimes(node, vips):
    """{vip: valid_life_time} as `ip -j addr` shows it (absent VIPs are missing)."""
    data = json.loads(node.run("ip", "-j", "addr", "show", "dev", "eth0") or "[]")
    return {a["local"]: a.get("valid_life_time") for link in data for a in link.get("addr_info", [])
            if a["local"] in vips}


with Lab("lease") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150], interval=0.1, preempt=False)
    n1, n2 = c.nodes
    w = lab.node("w", 3)
    members = [("n1", n1.ip4, False), ("n2", n2.ip4, False), ("w", w.ip4, True)]
    plain = {i: hafd_conf([c.instance(i)]) for i in range(2)}
    leased = {i: f"node = {{ name = \"n{i + 1}\"; }};\n" + cluster_text(members) + plain[i]
              for i in range(2)}

    # --- without `cluster`: permanent, and a killed master keeps them ------------------------
    n1.hafd(conf=plain[0])
    n2.hafd(conf=plain[1])
    c.wait_master(n1)
    check(all(v == FOREVER for v in lifetimes(n1, c.vips).values()) and
          len(lifetimes(n1, c.vips)) == len(c.vips), f"n1's VIPs are not permanent: {lifetimes(n1, c.vips)}")
    # A reload that adds `cluster` leases the held VIPs at once; one that removes it makes them
    # permanent again.
    rc, out = n1.reload(conf=leased[0])
    check(rc == 0, f"reload adding cluster failed: {out}")
    wait_until("n1's VIPs to carry the lease",
               lambda: all(v is not None and v <= LEASE for v in lifetimes(n1, c.vips).values())
               and len(lifetimes(n1, c.vips)) == len(c.vips), 1)
    rc, out = n1.reload(conf=plain[0])
    check(rc == 0, f"reload removing cluster failed: {out}")
    wait_until("n1's VIPs to be permanent again",
               lambda: all(v == FOREVER for v in lifetimes(n1, c.vips).values())
               and len(lifetimes(n1, c.vips)) == len(c.vips), 1)
    n1.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(n2)
    time.sleep(LEASE + LATENESS + 0.25)  # a lease would have run out by now
    check(c.vip in lifetimes(n1, c.vips) and lifetimes(n1, c.vips)[c.vip] == FOREVER,
          "without cluster, a killed master's VIP should stay (permanent)")
    n2.hafd_proc.stop()

    # --- with `cluster`: leased and renewed -----------------------------------------------------
    w.hafd(conf="node = { name = \"w\"; };\n" + cluster_text(members))
    n1.hafd(conf=leased[0])  # removes what the killed run left, then claims
    n2.hafd(conf=leased[1])
    c.wait_master(n1)
    nl = Netlink(n1.ns)
    idx = ifindex(n1)
    info = vip_cacheinfo(nl, idx, c.vip)
    check(info is not None and 0 < info[0] <= LEASE, f"n1's VIP lifetime is not the lease: {info}")
    # Renewals: the kernel's stamp of the address moves every lease/3, and the VIP outlives its
    # lease by far.
    stamps, start = [], time.monotonic()
    while time.monotonic() < start + 2 * LEASE:
        info = vip_cacheinfo(nl, idx, c.vip)
        check(info is not None, f"n1 lost its VIP {time.monotonic() - start:.2f} s into the watch")
        check(0 < info[0] <= LEASE, f"n1's VIP shows valid_lft {info[0]}, beyond the lease")
        if not stamps or stamps[-1] != info[1]:
            stamps.append(info[1])
        time.sleep(0.02)
    steps = [(b - a) / 100 for a, b in zip(stamps, stamps[1:])]
    print(f"renewals seen: {len(steps)}, steps {', '.join(f'{s:.2f}' for s in steps)} s")
    check(len(steps) >= 4, f"n1's VIP was renewed {len(steps)} times in {2 * LEASE} s")
    check(all(PERIOD - 0.15 <= s <= PERIOD + 0.3 for s in steps),
          f"renewals are not every lease/3 ({PERIOD:.2f} s): {steps}")
    check(n1.instance("vi")["counters"]["lease_renew_failures"] == 0, "renewals failed")

    # --- a frozen master: its kernel drops the VIPs, and they are not put back -----------------
    log_before = len(n1.hafd_proc.log_text())
    n1.hafd_proc.send_signal(signal.SIGSTOP)
    stopped = time.monotonic()
    wait_until("the frozen master's VIP to expire", lambda: vip_cacheinfo(nl, idx, c.vip) is None,
               LEASE + LATENESS)
    gone = time.monotonic() - stopped
    print(f"frozen n1: VIP gone {gone:.2f} s after SIGSTOP")
    check(gone >= LEASE - PERIOD - 0.1, f"the VIP went {gone:.2f} s after SIGSTOP, before its lease")
    time.sleep(0.3)
    n1.hafd_proc.send_signal(signal.SIGCONT)
    resumed = time.monotonic()
    # The old VIP-watch would see someone else's removal and put the VIPs back at once.
    while time.monotonic() < resumed + 1.5:
        check(vip_cacheinfo(nl, idx, c.vip) is None,
              "n1 put back the VIP its lease had expired after SIGCONT")
        time.sleep(0.02)
    if n1.state("vi") == "MASTER":  # still master: the expiry was read as such
        text = n1.hafd_proc.log_text()[log_before:]
        check(f"VIP {c.vip}/" in text and "expired: its kernel lease ran out" in text,
              "no log line about the expired VIP")
        check(n1.instance("vi")["counters"]["vips_expired"] >= 1, "the expiry is not counted")
    n1.hafd_proc.stop()
    n2.hafd_proc.stop()

    # --- a killed master: its own kernel removes the VIPs within lease + lateness -------------
    n1.hafd(conf=leased[0])
    n2.hafd(conf=leased[1])
    c.wait_master(n1)
    n1.hafd_proc.stop(signal.SIGKILL)
    killed = time.monotonic()
    wait_until("the killed master's VIP to expire", lambda: vip_cacheinfo(nl, idx, c.vip) is None,
               LEASE + LATENESS)
    gone = time.monotonic() - killed
    print(f"killed n1: VIP gone {gone:.2f} s after kill -9 (lease {LEASE} s)")
    check(gone >= LEASE - PERIOD - 0.1, f"the VIP went {gone:.2f} s after kill -9, before its lease")
    check(not any(vip_cacheinfo(nl, idx, v) for v in c.vips), "another VIP stayed on n1")
    c.wait_master(n2)
    nl.close()
