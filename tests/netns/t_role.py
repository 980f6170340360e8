#!/usr/bin/python3
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""Role following (passive mode): a small fake middleware in each namespace reports its role
("role:master" or "role:slave", as redis-cli role's first line); tracks weigh the roles
(master +100 over an equal base). When the roles flip, the VIP follows the node reporting
master within interval x rise + Master_Down_Interval (+ 50 ms); output the pattern does not
match is a failure and adds nothing."""
import os
import time

from lab import Lab, Cluster, SCRIPT_USER, garp_after, check, wait_until

with Lab("role") as lab:
    state = lab.shared("state")
    role = lab.script("role", '#!/bin/sh\nprintf "role:%s\\nconnected_slaves:1\\n" "$(cat "$1")"\n')

    def set_role(node, r):
        path = os.path.join(state, node.name)
        with open(path + ".tmp", "w") as f:
            f.write(r)
        os.rename(path + ".tmp", path)

    interval, rise = 0.3, 2
    c = Cluster(lab, "v4", [100, 100], interval=0.1)
    a, b = c.nodes
    set_role(a, "master")
    set_role(b, "slave")
    for i, n in enumerate(c.nodes):
        c.start(i, sections={"scripts": {"user": SCRIPT_USER},
                             "checks": [{"name": "redis", "exec": [role, os.path.join(state, n.name)],
                                         "role_pattern": "^role:(master|slave)",
                                         "interval": interval, "timeout": 0.25,
                                         "fall": 1, "rise": rise}]},
                track=[{"check": "redis", "weights": {"master": 100, "slave": 0}}])
    c.wait_master(a)
    st = a.status()
    check(st["checks"][0]["role"] == "master", f"n1's check: {st['checks'][0]}")
    check(st["instances"][0]["priority"] == 200, f"n1: {st['instances'][0]}")

    bound = interval * rise + c.master_down_interval(200) + 0.05
    for new_master, old in ((b, a), (a, b)):
        cap = lab.capture()
        t0 = time.time()
        set_role(old, "slave")
        set_role(new_master, "master")
        c.wait_master(new_master, timeout=bound + 3, settle=0.3)
        took = garp_after(cap.stop(), c.vip, new_master, t0, "the roles flipping")
        check(took <= bound, f"following the role took {took:.3f}s, bound {bound:.3f}s")

    # Output the pattern does not match: a failure, the role adds nothing.
    set_role(a, "sentinel")
    wait_until("n1's check to go down", lambda: a.status()["checks"][0]["health"] == "down", 3)
    chk = a.status()["checks"][0]
    check(chk["lastResult"] == "output does not match" and chk["lastOutput"] == "role:sentinel",
          f"check: {chk}")
    check(a.instance("vi")["priority"] == 100, f"n1: {a.instance('vi')}")
