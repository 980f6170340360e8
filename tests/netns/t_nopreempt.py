#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""preempt = false: a higher-priority node that comes back stays BACKUP behind the live master."""
import signal
import time
from lab import Lab, Cluster, param, check

with Lab("nopreempt") as lab:
    c = Cluster(lab, param(), [200, 150], preempt=False)
    c.start_all()
    a, b = c.nodes
    c.wait_master(a)
    a.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(b)
    c.start(0)
    # Long enough for a preempting node to have taken over several times.
    deadline = time.monotonic() + 4 * c.master_down_interval(200) + 1
    while time.monotonic() < deadline:
        check(c.holders() == [b], f"VIP holders changed: {[n.name for n in c.holders()]}")
        time.sleep(0.05)
    check(a.state("vi") == "BACKUP", "n1 should stay BACKUP with preempt = false")
