#!/usr/bin/python3
# params: v4
# SPDX-License-Identifier: Apache-2.0
"""A check that hangs is killed at its timeout, its whole process group (the background child
too) verified gone, and counts as a failure (a timeout in status, never a skipped run); a check
that prints megabytes does not slow adverts: no gap above 1.5 advert intervals. The runner's
counters (status `commands`, and the text status) count every run and every timeout."""
import os
import subprocess
import time

from lab import (HAFD, Lab, Cluster, SCRIPT_USER, group_alive, adverts, advert_source, check,
                 wait_until)


with Lab("check-hang") as lab:
    rec = lab.shared("rec")
    pids = os.path.join(rec, "pids")
    hang = lab.script("hang", '#!/bin/sh\necho $$ >> "$1"\nsleep 1000 &\nsleep 1000\n')
    flood = lab.script("flood", "#!/bin/sh\nexec /usr/bin/yes hafd-output-flood\n")
    c = Cluster(lab, "v4", [200], interval=0.1)
    (a,) = c.nodes
    c.start(0, sections={"scripts": {"user": SCRIPT_USER},
                         "checks": [{"name": "hang", "exec": [hang, pids], "interval": 0.5,
                                     "timeout": 0.3, "fall": 1, "rise": 1},
                                    {"name": "flood", "exec": [flood], "interval": 0.5,
                                     "timeout": 0.45, "fall": 1, "rise": 1}]},
            track=[{"check": "hang", "weight": -10}, {"check": "flood", "weight": -10}])
    wait_until("n1 to be master", lambda: a.state("vi") == "MASTER", 5)
    cap = lab.capture()
    time.sleep(4)
    pkts = cap.stop()
    times = [p["time"] for p in adverts(pkts, src=advert_source(a, "v4"))]
    gaps = [b - x for x, b in zip(times, times[1:])]
    check(len(times) >= 30, f"only {len(times)} adverts in 4 s")
    print(f"{len(times)} adverts while the flood ran; largest gap {max(gaps) * 1000:.0f} ms")
    check(max(gaps) <= 1.5 * c.interval, f"advert gap {max(gaps):.3f}s above 1.5 intervals")

    st = a.status()
    byname = {x["name"]: x for x in st["checks"]}
    h = byname["hang"]
    check(h["health"] == "down" and h["timeouts"] >= 5 and h["timeouts"] == h["runs"],
          f"hang check: {h}")
    check(byname["flood"]["timeouts"] >= 5, f"flood check: {byname['flood']}")
    check(len(byname["flood"]["lastOutput"]) <= 200, "the output line in status is not bounded")
    # Every run but the last two (killed, or within its grace) is gone with its whole group.
    started = [int(x) for x in open(pids).read().split()]
    check(len(started) >= 6, f"only {len(started)} runs of the hanging check")
    wait_until("the hung runs' groups to be gone",
               lambda: not any(group_alive(p) for p in started[:-2]), 3)
    check(a.instance("vi")["priority"] == 180, f"priority: {a.instance('vi')['priority']}")

    # Every run went through the runner, and every timeout above is one of its kills.
    st = a.status()
    cmds = st["commands"]
    runs = sum(x["runs"] for x in st["checks"])
    timeouts = sum(x["timeouts"] for x in st["checks"])
    check(cmds["started"] >= runs and cmds["timedOut"] >= timeouts >= 10, f"commands: {cmds}")
    # A timed-out run keeps its slot until reaped, SIGKILL at most 1 s after the SIGTERM: each
    # check has one run going and at most two being killed.
    check(cmds["spawnFailures"] == 0 and cmds["running"] <= 6, f"commands: {cmds}")
    text = subprocess.run([HAFD, "ctl", "--runtime-dir", a.runtime, "status"],
                          capture_output=True, text=True, timeout=20).stdout
    line = next((x for x in text.splitlines() if x.startswith("commands: ")), "")
    check(" timed out" in line, f"no commands line in hafctl status:\n{text}")
    print(f"status: {line}")
