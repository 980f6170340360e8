#!/usr/bin/python3
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""scripts/demo as a new user runs it: three nodes, visible failovers with their measured times on
the wire (kill -9, a tracked service dying, SIGTERM, a master whose adverts a firewall drops and which goes FAULT 'send'),
a client that lost no more pings than those outages explain, a clean exit, and nothing left
behind (namespaces, processes, files)."""
import glob
import os
import re
import subprocess
import sys

from lab import HAFD, check, require_root

require_root()
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../..")
before = set(glob.glob("/tmp/hafd-demo-*"))
r = subprocess.run([os.path.join(root, "scripts/demo"), "--hafd", HAFD], capture_output=True,
                   text=True, timeout=80)
print(r.stdout[-4000:], r.stderr[-2000:])
check(r.returncode == 0, f"scripts/demo exited {r.returncode}")
for event in ("kill -9", "SIGTERM"):
    check(event in r.stdout, f"the demo does not show the {event} failover")
times = [float(t) for t in re.findall(r"lb[23] claimed the VIP: ([0-9.]+) ms", r.stdout)]
check(len(times) == 4, f"the demo did not print the four measured failover times: {times}")
# Master_Down_Interval (150), Skew_Time (150: the tracked service died, FAULT sent priority 0),
# Skew_Time (150: SIGTERM), MDI (100).
bounds = [341.4, 41.4, 41.4, 360.9]
check(all(t < b + 50 for t, b in zip(times, bounds)), f"failover times {times}")
check("fault: send" in r.stdout, "the demo does not show lb2 in FAULT for 'send'")
check("fault: track (websvc)" in r.stdout, "the demo does not show lb1 in FAULT for its check")
m = re.search(r"(\d+) packets transmitted, (\d+) received.*time (\d+)ms", r.stdout)
check(m is not None, "no ping summary")
sent, received, ms = int(m.group(1)), int(m.group(2)), int(m.group(3))
lost = sent - received
# One ping every 10 ms for the whole demo: the client really pinged throughout ...
check(sent >= 0.3 * ms / 10, f"{sent} pings in {ms} ms: the client did not ping every 10 ms")
# ... and lost no more than the measured outages explain (the time on the wire from the old
# master's last advert to the new one's GARP; a killed hafd's kernel still answers for its
# VIP, so the client may lose fewer). More would be an outage the demo does not show.
explained = sum(times) / 10
print(f"client: {sent} sent, {lost} lost; the measured outages explain at most {explained:.0f}")
check(lost <= explained + 10, f"{lost} pings lost, {explained:.0f} explained by the failovers")
ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
check("hafd-demo-" not in ns, f"namespaces left behind:\n{ns}")
procs = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
check(not [l for l in procs.splitlines() if "hafd-demo-" in l], "processes left behind")
check(set(glob.glob("/tmp/hafd-demo-*")) == before, "files left behind in /tmp")
sys.exit(0)
