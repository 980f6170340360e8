#!/usr/bin/python3
# asan
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""A tracked exec check failing on the master (weight -60: 200 -> 140, below the backup's 150)
goes down within fall x interval (+ 250 ms for the runs themselves on a loaded host), and the
VIP moves to the backup within Master_Down_Interval + 50 ms of that (the check's own event); with
preempt it comes back within rise x interval and the same once the check passes again. The
check runs as scripts.user, never as root (it records its uid)."""
import os
import pwd
import time

from lab import Lab, Cluster, SCRIPT_USER, param, garp_after, check

with Lab("check-exec") as lab:
    fam = param()
    rec = lab.shared("rec")
    probe = lab.script("probe", '#!/bin/sh\nid -u > "$2/uid.$(id -u)"\n[ ! -e "$1" ]\n')
    interval, fall, rise = 0.5, 2, 2
    flags = {}

    def sections(node):
        flags[node.name] = os.path.join(rec, f"down.{node.name}")
        return {"scripts": {"user": SCRIPT_USER},
                "checks": [{"name": "svc", "exec": [probe, flags[node.name], rec],
                            "interval": interval, "timeout": 0.4, "fall": fall, "rise": rise}]}

    c = Cluster(lab, fam, [200, 150], interval=0.1)
    a, b = c.nodes
    track = [{"check": "svc", "weight": -60}]
    for i, n in enumerate(c.nodes):
        c.start(i, sections=sections(n), track=track)
    c.wait_master(a)
    st = a.status()
    check([t["health"] for t in st["instances"][0]["tracks"]] == ["up"], f"tracks: {st}")
    check(st["checks"][0]["health"] == "up" and st["checks"][0]["runs"] >= rise,
          f"check status: {st['checks']}")

    uid = pwd.getpwnam(SCRIPT_USER).pw_uid
    files = os.listdir(rec)
    check(f"uid.{uid}" in files and "uid.0" not in files, f"the check ran as {files}")

    def health_changed(health, since, runs):
        """Seconds from since to n1's check event going to health, within runs x interval and
        250 ms for the runs themselves (fork, exec, the shell) and the report."""
        events = a.events("check", since, check="svc", health=health)
        check(events, f"no check event going {health}: {a.events('check')}")
        at = events[0]["at"] - since
        check(at <= runs * interval + 0.25, f"the check went {health} {at:.3f}s after the flag "
              f"changed, bound {runs * interval + 0.25:.3f}s")
        return at

    mdi_b = c.master_down_interval(150)
    cap = lab.capture()
    t0 = time.time()
    open(flags["n1"], "w").close()
    c.wait_master(b, timeout=fall * interval + mdi_b + 2, settle=0.3)
    check(a.instance("vi")["priority"] == 140, f"n1's priority: {a.instance('vi')['priority']}")
    took = garp_after(cap.stop(), c.vip, b, t0, "the check failing on n1")
    changed = health_changed("down", t0, fall)
    bound = changed + mdi_b + 0.05
    check(took <= bound, f"failover took {took:.3f}s, bound {bound:.3f}s (check down at "
          f"{changed:.3f}s)")

    mdi_a = c.master_down_interval(200)
    cap = lab.capture()
    t0 = time.time()
    os.unlink(flags["n1"])
    c.wait_master(a, timeout=rise * interval + mdi_a + 2, settle=0.3)
    took = garp_after(cap.stop(), c.vip, a, t0, "n1's check passing again")
    changed = health_changed("up", t0, rise)
    bound = changed + mdi_a + 0.05
    check(took <= bound, f"preempting back took {took:.3f}s, bound {bound:.3f}s (check up at "
          f"{changed:.3f}s)")
