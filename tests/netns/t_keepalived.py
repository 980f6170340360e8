#!/usr/bin/python3
# params: v3v4 v3v6 v2
# SPDX-License-Identifier: Apache-2.0
"""A mixed cluster with keepalived 2.2.7 (Debian's) as the peer: one master is elected, and
failover works both ways — keepalived to hafd on a kill -9, hafd to keepalived on SIGTERM."""
import signal
import time
from lab import (Lab, Cluster, param, check, wait_until, keepalived_conf, keepalived_state,
                 announcements)

with Lab("keepalived") as lab:
    p = param()
    fam = "v6" if p == "v3v6" else "v4"
    version = 2 if p == "v2" else 3
    interval = 1.0 if version == 2 else 0.1
    c = Cluster(lab, fam, [150, 200], interval=interval, version=version)
    h, k = c.nodes  # n1 runs hafd, n2 keepalived
    mdi = c.master_down_interval(100)

    def ka_conf(prio):
        return keepalived_conf("n2", fam, c.vrid, prio, interval, c.vips, version=version)

    def one_master(master):
        hafd_master = h.state("vi") == "MASTER"
        ka_master = keepalived_state(k) == "MASTER"
        if master is h:
            return hafd_master and not ka_master and h.has(c.vip) and not k.has(c.vip)
        return ka_master and not hafd_master and k.has(c.vip) and not h.has(c.vip)

    # 1. keepalived (200) and hafd (150): keepalived is elected, hafd stays BACKUP.
    k.keepalived(ka_conf(200))
    c.start(0)
    wait_until("keepalived master, hafd backup", lambda: one_master(k), 4 * mdi + 5)
    # 2. kill -9 keepalived: hafd claims the VIPs and announces them.
    cap = lab.capture()
    k.keepalived_proc.stop(signal.SIGKILL)
    for v in c.vips:  # keepalived leaves its VIPs behind when killed; clear them as a reboot would
        k.run("ip", "addr", "del", v + ("/32" if fam == "v4" else "/128"), "dev", "eth0", check=False)
    wait_until("hafd master", lambda: h.state("vi") == "MASTER" and h.has(c.vip), mdi + 3)
    check(announcements(cap.stop(), c.vip, h.mac), "hafd's GARP/NA is not on the wire")
    # 3. keepalived back with a lower priority: it must stay BACKUP behind hafd.
    k.keepalived(ka_conf(100))
    wait_until("keepalived backup", lambda: keepalived_state(k) == "BACKUP", 10)
    time.sleep(4 * mdi)
    check(one_master(h), f"not exactly one master: hafd {h.state('vi')}, keepalived {keepalived_state(k)}")
    # 4. SIGTERM hafd: keepalived takes over.
    rc = h.hafd_proc.stop()
    check(rc == 0, f"hafd exited {rc}")
    wait_until("keepalived master", lambda: keepalived_state(k) == "MASTER" and k.has(c.vip), mdi + 3)
