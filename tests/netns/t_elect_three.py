#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Three hafd nodes elect the highest priority; the other two stay BACKUP without VIPs."""
from lab import Lab, Cluster, param, check

with Lab("elect3") as lab:
    c = Cluster(lab, param(), [120, 200, 150])
    c.start_all()
    c.wait_master(c.nodes[1])
    for i in (0, 2):
        check(c.nodes[i].state("vi") == "BACKUP", f"{c.nodes[i].name} should be BACKUP")
