#!/usr/bin/python3
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""scripts/demo as a new user runs it: three nodes, a visible failover with its measured time on
the wire, a clean exit, and nothing left behind (namespaces, processes, files)."""
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
times = re.findall(r"lb2 claimed the VIP: ([0-9.]+) ms", r.stdout)
check(len(times) == 2, "the demo did not print both measured failover times")
check(float(times[0]) < 341.4 + 50 and float(times[1]) < 41.4 + 50, f"failover times {times}")
check("0% packet loss" in r.stdout or "packets transmitted" in r.stdout, "no ping summary")
ns = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True).stdout
check("hafd-demo-" not in ns, f"namespaces left behind:\n{ns}")
procs = subprocess.run(["ps", "-eo", "args"], capture_output=True, text=True).stdout
check(not [l for l in procs.splitlines() if "hafd-demo-" in l], "processes left behind")
check(set(glob.glob("/tmp/hafd-demo-*")) == before, "files left behind in /tmp")
sys.exit(0)
