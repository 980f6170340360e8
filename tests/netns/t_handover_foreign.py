#!/usr/bin/python3
# params: v4 v6
# timeout: 120
# SPDX-License-Identifier: Apache-2.0
"""Issue 11: with a router outside cluster.nodes on the VRID (keepalived 2.2.7 here), a release
keeps RFC 9568's order: once hafd has heard that router's adverts it names no successor (it
says so in its log), and the backup claims Skew_Time after priority 0, as keepalived would,
so a non-hafd router that outranks the backup is never preempted by a named one. Measured on
the wire at advert 1 s: the VIP comes back Skew_Time (0.41 s at priority 150) after priority 0,
within 50 ms."""
import signal
import subprocess
import time

from lab import (HAFD, Cluster, Lab, advert_source, adverts, announcements, check,
                 keepalived_conf, keepalived_state, log, param, wait_until)

with Lab("foreign") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150], interval=1.0, witness=True,
                cluster={"heartbeat": 0.2, "lease": 1, "margin": 1.5})
    n1, n2 = c.nodes
    k = lab.node("k", 4)  # not in cluster.nodes

    def ka_conf(prio):
        return keepalived_conf("k", fam, c.vrid, prio, 1.0, c.vips)

    # keepalived outranks both: it is master, and both hafd nodes hear its adverts.
    k.keepalived(ka_conf(250))
    wait_until("keepalived master", lambda: keepalived_state(k) == "MASTER", 15)
    c.start_all()
    time.sleep(3)
    check(n1.state("vi") == "BACKUP" and n2.state("vi") == "BACKUP", "hafd preempted keepalived")
    # keepalived steps down for good (a lower priority from now on): n1 takes over.
    k.keepalived_proc.stop(signal.SIGTERM)
    c.wait_master(n1, timeout=20)
    k.keepalived(ka_conf(100))
    wait_until("keepalived backup", lambda: keepalived_state(k) == "BACKUP", 15)
    wait_until("n1 to judge keepalived foreign",
               lambda: "is not one of cluster.nodes" in n1.hafd_proc.log_text(), 10)

    time.sleep(1.0)
    cap = lab.capture()
    t0 = time.time()
    r = subprocess.run([HAFD, "ctl", "--runtime-dir", n1.runtime, "maintenance", "on"],
                       capture_output=True, text=True, timeout=20)
    check(r.returncode == 0, f"maintenance on: {r.stderr}")
    c.wait_master(n2, timeout=10, settle=0.5)
    pkts = cap.stop()
    zero = [a for a in adverts(pkts, src=advert_source(n1, fam), prio=0) if a["time"] >= t0]
    garps = [g for g in announcements(pkts, vip=c.vip, mac=n2.mac) if g[2] >= t0]
    check(zero and garps, "no priority 0 from n1 or no announcement from n2")
    gap = garps[0][2] - zero[0]["time"]
    skew = (256 - 150) / 256 * 1.0
    log(f"n1 -> n2 with keepalived on the VRID: {gap * 1000:.1f} ms (Skew_Time {skew * 1000:.0f} ms)")
    check("handed over to" not in n1.hafd_proc.log_text(), "n1 named a successor")
    check(skew - 0.05 <= gap <= skew + 0.05, f"{gap:.3f}s, Skew_Time {skew:.3f}s")
    check(keepalived_state(k) == "BACKUP", "keepalived left BACKUP")
