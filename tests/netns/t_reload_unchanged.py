#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reloading an unchanged file under a running two-node cluster at 0.1 s adverts: no transition
on either node, the VIP never leaves the master's interface, and no gap between the master's
adverts on the wire above 1.5 intervals."""
import time
from lab import Lab, Cluster, adverts, check

with Lab("reload0") as lab:
    c = Cluster(lab, "v4", [200, 150])
    a, b = c.nodes
    c.start_all()
    c.wait_master(a)
    before = {n.name: n.instance("vi")["counters"]["transitions"] for n in (a, b)}
    monitor = a.spawn("ipmonitor", ["ip", "monitor", "address"])
    cap = lab.capture()
    time.sleep(0.3)
    for _ in range(5):
        for n in (a, b):
            rc, out = n.reload()
            check(rc == 0 and "0 changed" in out and "0 added" in out, f"reload: {rc} {out}")
        time.sleep(0.15)
    time.sleep(0.3)
    pkts = cap.stop()
    monitor.stop()
    for n in (a, b):
        after = n.instance("vi")["counters"]["transitions"]
        check(after == before[n.name], f"{n.name}: {after - before[n.name]} transition(s)")
    check(c.holders() == [a], "the master changed")
    deleted = [l for l in monitor.log_text().splitlines() if l.startswith("Deleted") and c.vip in l]
    check(not deleted, f"the VIP left the interface: {deleted}")
    times = [v["time"] for v in adverts(pkts, src=a.ip4)]
    gaps = [y - x for x, y in zip(times, times[1:])]
    check(len(times) >= 10, f"only {len(times)} adverts captured")
    check(max(gaps) <= 1.5 * c.interval, f"largest gap between adverts {max(gaps) * 1000:.1f} ms")
