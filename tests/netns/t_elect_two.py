#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Two hafd nodes elect the higher priority: it alone holds the VIPs and announces them."""
from lab import Lab, Cluster, param, adverts, announcements, advert_source, check

with Lab("elect2") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150])
    cap = lab.capture()
    c.start_all()
    c.wait_master(c.nodes[1])
    check(c.nodes[0].state("vi") == "BACKUP", "n1 should be BACKUP")
    pkts = cap.stop()
    check(announcements(pkts, c.vip, c.nodes[1].mac), "the master's GARP/NA is not on the wire")
    src = advert_source(c.nodes[1], fam)
    check(adverts(pkts, src=src, prio=150), f"no priority-150 adverts from {src}")
