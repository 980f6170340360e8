#!/usr/bin/python3
# params: track check
# SPDX-License-Identifier: Apache-2.0
"""Interface tracking: the tracked interface (eth1, not the one VRRP runs on) losing carrier
puts the master in FAULT (track ... weight 0), releases its VIP and hands over; carrier back,
it rejoins and, preempting, takes the VIP back. "track" tracks the interface directly, "check"
through an interface check."""
from lab import Lab, Cluster, param, sh, check

with Lab("track-iface") as lab:
    mode = param("track")
    c = Cluster(lab, "v4", [200, 150], interval=0.1)
    a, b = c.nodes
    # eth1 <-> eth1p, both in n1's namespace: eth1p down takes eth1's carrier.
    sh("ip", "-n", a.ns, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1p")
    sh("ip", "-n", a.ns, "link", "set", "eth1", "up")
    sh("ip", "-n", a.ns, "link", "set", "eth1p", "up")
    if mode == "track":
        c.start(0, track=[{"interface": "eth1"}])
    else:
        c.start(0, sections={"checks": [{"name": "uplink", "interface": "eth1"}]},
                track=[{"check": "uplink"}])
    c.start(1)
    c.wait_master(a)

    sh("ip", "-n", a.ns, "link", "set", "eth1p", "down")
    c.wait_master(b, timeout=2, settle=0.3)
    st = a.instance("vi")
    check(st["state"] == "FAULT" and st["faults"] == ["track"], f"n1: {st}")
    check(not a.has(c.vip), "n1 kept the VIP in FAULT")
    log = a.hafd_proc.log_text()
    name = "interface eth1" if mode == "track" else "uplink"
    check(f"MASTER -> FAULT (fault: track {name})" in log, "the transition line names the track")

    sh("ip", "-n", a.ns, "link", "set", "eth1p", "up")
    c.wait_master(a, timeout=3, settle=0.3)
