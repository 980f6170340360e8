#!/usr/bin/python3
# asan
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""vmac = true: the master's adverts and GARP/NA carry the virtual MAC (00:00:5e:00:01|02:33),
the VIPs live on the macvlan vrrp.51 / vrrp6.51, a backup's VMAC holds no address, failover moves
the VMAC to the new master, and a graceful stop removes the macvlan."""
import signal
from lab import Lab, Cluster, param, adverts, announcements, advert_source, check, wait_until

with Lab("vmac") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150], vmac=True)
    a, b = c.nodes
    vmac = "00:00:5e:00:01:33" if fam == "v4" else "00:00:5e:00:02:33"
    dev = "vrrp.51" if fam == "v4" else "vrrp6.51"
    cap = lab.capture()
    c.start_all()
    wait_until("n1 master with the VIP on its VMAC",
               lambda: a.state("vi") == "MASTER" and a.has(c.vip, dev=dev), 5)
    check(not a.has(c.vip), "the VIP must be on the VMAC, not on eth0")
    check(b.state("vi") == "BACKUP" and not b.addresses(dev), f"n2's VMAC holds {b.addresses(dev)}")
    pkts = cap.stop()
    src = advert_source(a, fam)
    mine = adverts(pkts, src=src, prio=200)
    check(mine and all(v["mac"] == vmac for v in mine), f"adverts from {src} not from {vmac}")
    check(announcements(pkts, c.vip, vmac), "no GARP/NA carrying the VMAC")
    cap = lab.capture()
    a.hafd_proc.stop(signal.SIGKILL)
    wait_until("n2 master with the VIP on its VMAC",
               lambda: b.state("vi") == "MASTER" and b.has(c.vip, dev=dev), 5)
    check(announcements(cap.stop(), c.vip, vmac), "n2's GARP/NA does not carry the VMAC")
    check(b.hafd_proc.stop() == 0, "hafd did not exit 0")
    check(not b.addresses(dev) and dev not in b.run("ip", "-br", "link"), f"{dev} left behind")
