#!/usr/bin/python3
# asan
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""Role following (passive mode): a small fake middleware in each namespace reports its role
("role:master" or "role:slave", as redis-cli role's first line); tracks weigh the roles
(master +100 over an equal base). A new role takes effect after rise runs report it, on both
nodes: when the roles flip, the rise-th run reporting the new role starts within interval x
rise (+ 250 ms), each node takes the deciding run's role within 250 ms of its end (less than an
interval), and the VIP follows within Master_Down_Interval (+ 50 ms) of the later of the two
nodes taking it; output the pattern does not match is a failure and adds nothing.

Each run of the fake middleware logs when it started and ended, so the command's own run time
(fork, exec, a shell, on a loaded machine) is measured rather than guessed; when each node took
the role is its own check event (hafctl events), so the loop's lateness on a loaded host is
measured too."""
import os
import time

from lab import Lab, Cluster, SCRIPT_USER, garp_after, check, wait_until

with Lab("role") as lab:
    state = lab.shared("state")
    role = lab.script("role", '#!/bin/sh\nstart=$(date +%s.%N)\nr=$(cat "$1")\n'
                      'printf "role:%s\\nconnected_slaves:1\\n" "$r"\n'
                      'echo "$start $(date +%s.%N) $r" >>"$1.runs"\n')

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

    def deciding_run(node, r, since):
        """When node took role r (its check event), in seconds from since, after checking when
        the rise-th run of its check reporting r after since started and that the node took the
        role soon after that run ended."""
        with open(os.path.join(state, node.name) + ".runs") as f:
            rows = [line.split() for line in f]
        # A run that reports r and ended after the flip read the role file after it (the node's
        # role was the other one before), even if it started just before: hafd counts it.
        runs = [(float(x[0]) - since, float(x[1]) - since) for x in rows
                if len(x) == 3 and x[2] == r and float(x[1]) >= since]
        check(len(runs) >= rise, f"{node.name}'s check reported {r} {len(runs)} times")
        started, ended = runs[rise - 1]
        print(f"{node.name}: run {rise} reporting {r} started {started * 1000:.1f} ms, ended "
              f"{ended * 1000:.1f} ms after the flip")
        # When the node took the role: its check event.
        taken = [e["at"] - since
                 for e in node.events("check", since + ended, health="up", role=r)]
        check(taken, f"{node.name}: no check event with role {r} after its deciding run, "
                     f"{ended:.3f}s after the flip: {node.events('check')}")
        print(f"{node.name}: took the role {(taken[0] - ended) * 1000:.0f} ms after that run")
        # A run that timed out on a loaded host (0.25 s) is a failure and starts the count
        # again, as it should; the deciding run is then a later one than the script's log says,
        # and only the VIP's bound from the node's own event below applies.
        timeouts = [e for e in node.events("check", since)
                    if "timed out" in e.get("result", "") and e["at"] - since < taken[0]]
        if timeouts:
            print(f"{node.name}: {len(timeouts)} run(s) timed out on the way; runs not timed")
            return taken[0]
        # The start: the check's fixed-rate timer (a run is due every interval), plus fork and
        # exec of a shell on a loaded host: under one more interval.
        check(started <= interval * rise + 0.25,
              f"{node.name}: run {rise} reporting {r} started {started:.3f}s after the flip, "
              f"bound {interval * rise + 0.25:.3f}s")
        check(taken[0] - ended <= 0.25,
              f"{node.name}: took role {r} {taken[0] - ended:.3f}s after its deciding run ended")
        return taken[0]

    # The new master's Master_Down_Timer was last restarted by an advert it heard while its own
    # priority was still 100 or the old master's still 200; the longer interval, at priority 100,
    # bounds both (RFC 9568 6.4.2 sets the interval when the timer starts).
    mdi = c.master_down_interval(100)
    for new_master, old in ((b, a), (a, b)):
        cap = lab.capture()
        t0 = time.time()
        set_role(old, "slave")
        set_role(new_master, "master")
        c.wait_master(new_master, timeout=interval * rise + mdi + 3, settle=0.3)
        took = garp_after(cap.stop(), c.vip, new_master, t0, "the roles flipping")
        decided = max(deciding_run(new_master, "master", t0), deciding_run(old, "slave", t0))
        check(took <= decided + mdi + 0.05,
              f"following the role took {took:.3f}s, {took - decided:.3f}s after the later node "
              f"took it; bound Master_Down_Interval {mdi:.3f}s + 0.05s")

    # Output the pattern does not match: a failure, the role adds nothing.
    set_role(a, "sentinel")
    # (A run timed out on a loaded host also takes the check down: wait for the output's.)
    wait_until("n1's check to go down on the output",
               lambda: a.status()["checks"][0]["lastResult"] == "output does not match", 3)
    chk = a.status()["checks"][0]
    check(chk["health"] == "down" and chk["lastOutput"] == "role:sentinel", f"check: {chk}")
    check(a.instance("vi")["priority"] == 100, f"n1: {a.instance('vi')}")
