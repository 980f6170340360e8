#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Priority 255 without the VIPs on the interface (as keepalived users write 255 to mean "always
master"): hafd is master at once, installs the VIPs like any master and says once that it is not
their owner (owner: false); on kill -9 the backup takes over, and when hafd comes back it removes
what the killed run left, claims at once and the backup yields. (With the addresses configured by
the operator they are never touched: t_owner.)"""
import signal
import time
from lab import HAFD, Lab, Cluster, param, check

with Lab("prio255") as lab:
    fam = param()
    c = Cluster(lab, fam, [255, 150], interval=0.1)
    a, b = c.nodes
    c.start(1)
    t0 = time.monotonic()
    c.start(0)
    c.wait_master(a, timeout=2.0)
    check(time.monotonic() - t0 < 1.0, "priority 255 did not claim at once")
    inst = a.instance("vi")
    check(inst["owner"] is False and inst["vipsInstalled"], f"owner {inst['owner']}")
    text = a.hafd_proc.log_text()
    check(text.count("(owner: false)") == 1, "the log should say once that it is no owner")
    check("owner: false" in a.run(HAFD, "ctl", "--runtime-dir", a.runtime, "status"),
          "hafctl status does not say owner: false")
    a.hafd_proc.stop(signal.SIGKILL)
    c.wait_master(b)
    check(a.has(c.vip), "the killed hafd left its VIP (nothing removed it)")
    c.start(0)
    c.wait_master(a, timeout=2.0)
    check(b.instance("vi")["state"] == "BACKUP", "n2 did not yield")
    check("stale VIP" in a.hafd_proc.log_text(), "the leftover was not removed as stale")
    # A graceful stop releases what it installed.
    check(a.hafd_proc.stop() == 0, "hafd did not exit 0")
    check(not a.has(c.vip), "a priority-255 non-owner kept its VIP after stopping")
    c.wait_master(b)
