#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Priority 255, the address owner: master at once (no Master_Down wait), its VIPs are its own
interface addresses (never added or removed by hafd), and it survives hafd's exit."""
import time
from lab import Lab, Cluster, param, adverts, advert_source, check

with Lab("owner") as lab:
    fam = param()
    c = Cluster(lab, fam, [255, 150], interval=1.0)
    a, b = c.nodes
    # The owner's VIPs are real addresses of its interface.
    for v in c.vips:
        a.run("ip", "addr", "add", v + ("/32" if fam == "v4" else "/128"), "dev", "eth0",
              *(() if fam == "v4" else ("nodad",)))
    c.start(1)
    cap = lab.capture()
    t0 = time.monotonic()
    c.start(0)
    c.wait_master(a, timeout=2.0)  # well below Master_Down_Interval (3.0 s at priority 255)
    took = time.monotonic() - t0
    check(took < 1.5, f"owner took {took:.2f}s to become master")
    pkts = cap.stop()
    check(adverts(pkts, src=advert_source(a, fam), prio=255), "no priority-255 adverts")
    check(a.instance("vi")["owner"] is True, "the owner of its addresses is not shown as owner")
    a.hafd_proc.stop()
    check(a.has(c.vip), "hafd removed an owner's own address on exit")
