#!/usr/bin/python3
# asan
# SPDX-License-Identifier: Apache-2.0
"""A reload with a broken file: hafctl reload (systemctl reload's ExecReload) exits non-zero and
prints every error; the old configuration keeps running untouched; the log says why."""
import time
from lab import Lab, Cluster, check, hafd_conf

with Lab("reloadbad") as lab:
    c = Cluster(lab, "v4", [200])
    a = c.nodes[0]
    c.start_all()
    c.wait_master(a)
    transitions = a.instance("vi")["counters"]["transitions"]
    broken = hafd_conf([c.instance(0, vrid=256, priority="high")])
    rc, out = a.reload(conf=broken)
    check(rc != 0, f"hafctl reload exited 0 on a broken file:\n{out}")
    check("reload rejected" in out and ".vrid" in out and ".priority" in out,
          f"not every error is shown:\n{out}")
    time.sleep(0.5)
    inst = a.instance("vi")
    check(inst["state"] == "MASTER" and inst["counters"]["transitions"] == transitions,
          "the running configuration was disturbed")
    check(a.has(c.vip), "the VIP went")
    check("reload rejected" in a.hafd_proc.log_text(), "the log does not say so")
    # A syntax error is rejected the same way.
    rc, out = a.reload(conf="instances = ( { name = \"vi\" ")
    check(rc != 0 and a.state("vi") == "MASTER", f"syntax error: {rc} {out}")
