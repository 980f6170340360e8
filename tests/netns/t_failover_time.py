#!/usr/bin/python3
# serial
# params: 1s 0.1s
# timeout: 180
# SPDX-License-Identifier: Apache-2.0
"""Failover time seen on the bridge, from the old master's last advert to the new master's first
GARP: at most Master_Down_Interval + 50 ms after kill -9 and after a link cut, at most
Skew_Time + 50 ms after SIGTERM (the last advert is then the priority-0 one). Precise
distributions come from bench/failover; this checks the bound."""
import signal
import time
from lab import Lab, Cluster, adverts, announcements, check, log, param, wait_until

SLACK = 0.050

with Lab("ftime") as lab:
    interval = float(param("1s").rstrip("s"))
    c = Cluster(lab, "v4", [200, 150], interval=interval)
    a, b = c.nodes
    mdi = 3 * interval + (256 - 150) * interval / 256
    skew = (256 - 150) * interval / 256
    results = {}
    for case in ("kill", "linkcut", "sigterm"):
        c.start_all()
        c.wait_master(a)
        time.sleep(2 * interval)
        cap = lab.capture()
        time.sleep(2 * interval)
        if case == "kill":
            a.hafd_proc.stop(signal.SIGKILL)
        elif case == "linkcut":
            a.cut_link()
        else:
            a.hafd_proc.stop()
        wait_until("n2 to claim the VIP", lambda: b.has(c.vip), mdi + 2)
        time.sleep(0.1)
        pkts = cap.stop()
        last = adverts(pkts, src=a.ip4)
        first = announcements(pkts, c.vip, b.mac)
        check(last and first, f"{case}: adverts or GARPs missing from the capture")
        took = first[0][2] - last[-1]["time"]
        bound = (skew if case == "sigterm" else mdi) + SLACK
        results[case] = took
        log(f"{case}: {took * 1000:.1f} ms (bound {bound * 1000:.1f} ms)")
        check(took <= bound, f"{case}: failover took {took * 1000:.1f} ms > {bound * 1000:.1f} ms")
        # Reset for the next case.
        for n in (a, b):
            n.hafd_proc.stop(signal.SIGKILL)
            for v in c.vips:
                n.run("ip", "addr", "del", v + "/32", "dev", "eth0", check=False)
        a.restore_link()
    print(" ".join(f"{k}={v * 1000:.1f}ms" for k, v in results.items()))
