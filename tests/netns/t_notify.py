#!/usr/bin/python3
# asan
# params: order slow
# SPDX-License-Identifier: Apache-2.0
"""Notify commands. "order": for start, a failover and SIGTERM, the backup's recorded calls have
exactly the expected order, states, HAFD_* variables and keepalived's positional arguments for
`any`, and the stop notifications run at SIGTERM before hafd exits. "slow": a notify command
that sleeps 30 s does not delay the failover, is killed (its whole process group) after
scripts.timeout, and the calls queued behind it still run."""
import os
import time

from lab import Lab, Cluster, SCRIPT_USER, group_alive, param, garp_after, check, wait_until


with Lab("notify") as lab:
    mode = param("order")
    rec_dir = lab.shared("rec")
    rec = os.path.join(rec_dir, "calls")
    record = lab.script("record", r'''#!/bin/sh
rec=$1; kind=$2; shift 2
echo "$kind $HAFD_SEQ $HAFD_STATE $HAFD_PREV_STATE $HAFD_PRIORITY $HAFD_REASON $HAFD_VRID $HAFD_INTERFACE|$HAFD_ADDRESSES|$*" >> "$rec"
''')
    slow = lab.script("slow", '#!/bin/sh\necho $$ > "$1/slow.pid"\nsleep 30\n')
    notify = {k: [record, rec, k] for k in ("master", "backup", "fault", "stop", "any")}
    if mode == "slow":
        notify["backup"] = [slow, rec_dir]
    c = Cluster(lab, "v4", [200, 150], interval=0.2)
    a, b = c.nodes
    c.start(0)
    c.start(1, sections={"scripts": {"user": SCRIPT_USER, "timeout": 2.0}}, notify=notify)
    c.wait_master(a)

    cap = lab.capture()
    t0 = time.time()
    check(a.hafd_proc.stop() == 0, "n1 did not exit 0")
    c.wait_master(b, timeout=3, settle=0.2)
    skew = (256 - 150) * c.interval / 256
    took = garp_after(cap.stop(), c.vip, b, t0, "SIGTERM on n1")
    check(took <= skew + 0.1, f"failover took {took:.3f}s with a notify command running")

    if mode == "slow":
        pid_file = os.path.join(rec_dir, "slow.pid")
        wait_until("the slow command to start", lambda: os.path.exists(pid_file), 5)
        pid = int(open(pid_file).read())
        # Killed after scripts.timeout (2 s) with its process group (its sleep included).
        wait_until("the slow command's group to be gone", lambda: not group_alive(pid), 6)
        wait_until("the calls queued behind it", lambda: os.path.exists(rec) and
                   any(line.startswith("master ") for line in open(rec)), 5)

    check(b.hafd_proc.stop() == 0, "n2 did not exit 0")
    lines = open(rec).read().splitlines()
    print("\n".join(lines))
    addrs = " ".join(f"{v}/32" if "/" not in v else v for v in c.vips)
    exp = []
    seq = 0
    def add(kind, state, prev, reason):
        global seq
        seq += 1
        tail = f"|{addrs}|"
        if not (mode == "slow" and kind == "backup"):
            exp.append(f"{kind} {seq} {state} {prev} 150 {reason} 51 eth0{tail}")
        exp.append(f"any {seq} {state} {prev} 150 {reason} 51 eth0{tail}INSTANCE vi {state} 150")
    add("backup", "BACKUP", "INIT", "startup")
    add("master", "MASTER", "BACKUP", "master_resigned")
    add("stop", "STOP", "MASTER", "shutdown")
    check(lines == exp, "notify calls differ:\n" + "\n".join(exp))
