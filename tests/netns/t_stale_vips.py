#!/usr/bin/python3
# asan
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""VIPs left on the interface by a kill -9 are removed when hafd starts again, also when the file
no longer lists that instance (the runtime directory's record says what the killed run held);
an address the operator added by hand is left alone."""
import signal
from lab import Lab, Cluster, param, check, wait_until

with Lab("stale") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150])
    a, b = c.nodes
    own = "203.0.113.7" if fam == "v4" else "2001:db8::77"
    a.run("ip", "addr", "add", own + ("/32" if fam == "v4" else "/128"), "dev", "eth0")
    c.start_all()
    c.wait_master(a)
    a.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(b)
    check(a.has(c.vip), "the killed master should still carry its VIP (nothing removed it)")
    # Restarted with a lower priority, n1 must come up as BACKUP without the stale VIP.
    c.start(0, priority=100)
    wait_until("n1 BACKUP", lambda: a.state("vi") == "BACKUP", 5)
    check(not any(a.has(v) for v in c.vips), f"stale VIPs still on n1: {a.addresses()}")
    check(a.has(own), "the operator's own address was removed")
    check(c.holders() == [b], "n2 should hold the VIP alone")

    # The file no longer lists "vi" (a node taken out of the cluster): its VIP, left by a kill -9,
    # still goes at the next start.
    a.hafd_proc.stop()
    c.start(0, priority=200)
    c.wait_master(a)
    a.hafd_proc.stop(signal.SIGKILL)
    check(a.has(c.vip), "the killed master should still carry its VIP")
    a.hafd(conf="instances = ();\n")
    wait_until("the leftover removed", lambda: not any(a.has(v) for v in c.vips), 5)
    check(a.has(own), "the operator's own address was removed")
    check("stale VIP" in a.hafd_proc.log_text(), "no log line about the stale VIP")
