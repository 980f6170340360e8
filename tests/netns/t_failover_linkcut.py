#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""The master loses carrier: it goes to FAULT and drops its VIPs, the next node claims them;
when the link returns the old master rejoins and, having the higher priority, preempts."""
from lab import Lab, Cluster, param, announcements, check, wait_until

with Lab("linkcut") as lab:
    c = Cluster(lab, param(), [200, 150])
    c.start_all()
    a, b = c.nodes
    c.wait_master(a)
    cap = lab.capture()
    a.cut_link()
    c.wait_master(b)
    wait_until("n1 in FAULT without VIPs", lambda: a.state("vi") == "FAULT" and not a.has(c.vip), 5)
    pkts = cap.stop()
    check(announcements(pkts, c.vip, b.mac), "n2's GARP/NA is not on the wire")
    a.restore_link()
    c.wait_master(a)
    check(b.state("vi") == "BACKUP", "n2 should be BACKUP again")
