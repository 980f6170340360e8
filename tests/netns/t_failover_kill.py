#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""kill -9 of the master: the next-highest node claims the VIPs and its GARP/NA is on the wire."""
import signal
from lab import Lab, Cluster, param, announcements, check

with Lab("kill") as lab:
    c = Cluster(lab, param(), [200, 150, 100])
    c.start_all()
    c.wait_master(c.nodes[0])
    cap = lab.capture()
    c.nodes[0].hafd_proc.stop(signal.SIGKILL)
    c.wait_master(c.nodes[1])
    pkts = cap.stop()
    check(announcements(pkts, c.vip, c.nodes[1].mac), "n2's GARP/NA is not on the wire")
    check(c.nodes[2].state("vi") == "BACKUP", "n3 should stay BACKUP")
