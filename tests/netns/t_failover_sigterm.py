#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""SIGTERM on the master: it sends priority 0, removes its VIPs and exits 0; the backup claims
the VIPs after Skew_Time instead of Master_Down_Interval."""
from lab import Lab, Cluster, param, adverts, announcements, advert_source, check

with Lab("sigterm") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150], interval=1.0)
    c.start_all()
    a, b = c.nodes
    c.wait_master(a)
    cap = lab.capture()
    rc = a.hafd_proc.stop()
    check(rc == 0, f"hafd exited {rc} on SIGTERM, expected 0")
    check(not a.has(c.vip), "n1 kept its VIP after SIGTERM")
    c.wait_master(b, timeout=2.5)  # Skew_Time for priority 150 at 1 s is 0.41 s, not 3.4 s
    pkts = cap.stop()
    zero = adverts(pkts, src=advert_source(a, fam), prio=0)
    check(len(zero) >= 1, "no priority-0 advert from n1")
    garps = announcements(pkts, c.vip, b.mac)
    check(garps, "n2's GARP/NA is not on the wire")
    took = garps[0][2] - zero[0]["time"]
    check(took < 3 * c.interval, f"takeover after priority 0 took {took:.3f}s, not ~Skew_Time")
