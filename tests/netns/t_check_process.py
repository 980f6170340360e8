#!/usr/bin/python3
# asan
# params: zero negative
# SPDX-License-Identifier: Apache-2.0
"""A process check: the tracked process killed on the master moves the VIP within Skew_Time +
50 ms when the track has weight 0 (the pidfd sees the death at once; FAULT sends priority 0),
and within Master_Down_Interval + 50 ms with a negative weight (200 - 60 < 150); the restarted
process is found again and the master takes the VIP back. The "zero" case finds the process by
name, the "negative" case by pid file."""
import os
import signal
import subprocess
import time

from lab import Lab, Cluster, SCRIPT_USER, param, garp_after, check

with Lab("check-process") as lab:
    mode = param("zero")
    run = lab.shared("run")
    procs = {}

    def service_name(node):
        return f"s{lab.prefix}-{node.name}"[-15:]  # comm keeps 15 bytes

    def start_service(node):
        # A shell script's process name is its file name: one per node and per lab (all
        # namespaces share the PID namespace, and other tests run beside this one).
        path = lab.script(service_name(node), "#!/bin/sh\nwhile :; do sleep 0.2; done\n")
        p = subprocess.Popen([path], start_new_session=True)
        lab._record_pid(p.pid)
        with open(os.path.join(run, f"{node.name}.pid"), "w") as f:
            f.write(f"{p.pid}\n")
        procs[node.name] = p
        return p

    def stop_service(node):
        """kill -9; returns when the process has ended (its parent's wait returned): on a busy
        machine the killed process itself may wait tens of ms for a CPU to exit on."""
        p = procs.pop(node.name)
        os.killpg(p.pid, signal.SIGKILL)
        p.wait()
        return time.time()

    def sections(node):
        what = ({"process": service_name(node)} if mode == "zero"
                else {"pid_file": os.path.join(run, f"{node.name}.pid")})
        return {"scripts": {"user": SCRIPT_USER},
                "checks": [dict(name="svc", interval=0.5, fall=3, rise=2, **what)]}

    weight = 0 if mode == "zero" else -60
    c = Cluster(lab, "v4", [200, 150], interval=0.2)
    a, b = c.nodes
    try:
        for i, n in enumerate(c.nodes):
            start_service(n)
            c.start(i, sections=sections(n), track=[{"check": "svc", "weight": weight}])
        c.wait_master(a)

        cap = lab.capture()
        killed = time.time()
        t0 = stop_service(a)
        bound = ((256 - 150) * c.interval / 256 if weight == 0 else c.master_down_interval(150))
        c.wait_master(b, timeout=bound + 3, settle=0.3)
        took = garp_after(cap.stop(), c.vip, b, t0, "the tracked process ending")
        print(f"(bound {(bound + 0.05) * 1000:.0f} ms; kill -9 to its end "
              f"{(t0 - killed) * 1000:.1f} ms)")
        check(took <= bound + 0.05, f"took {took:.3f}s, bound {bound + 0.05:.3f}s")
        st = a.instance("vi")
        if weight == 0:
            check(st["state"] == "FAULT" and "track" in st["faults"], f"n1: {st}")
        else:
            check(st["priority"] == 140, f"n1's priority: {st['priority']}")

        # Restarted: found by the next scans (rise 2 at 0.5 s), and n1 takes the VIP back.
        start_service(a)
        c.wait_master(a, timeout=2 * 0.5 + c.master_down_interval(200) + 3, settle=0.3)
        chk = a.status()["checks"][0]
        check(chk["health"] == "up", f"check: {chk}")
    finally:
        for n in list(procs):
            stop_service(lab.nodes[n])
