#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Preemption: a higher-priority node that comes back takes the VIPs back from the backup."""
import signal
from lab import Lab, Cluster, param, check

with Lab("preempt") as lab:
    c = Cluster(lab, param(), [200, 150])
    c.start_all()
    a, b = c.nodes
    c.wait_master(a)
    a.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(b)
    c.start(0)
    c.wait_master(a)
    check(b.state("vi") == "BACKUP", "n2 should be BACKUP after n1 preempted")
