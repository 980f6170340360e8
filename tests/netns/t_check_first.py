#!/usr/bin/python3
# params: failing healthy
# SPDX-License-Identifier: Apache-2.0
"""The first results obey fall and rise (keepalived lets the first one take effect at once): a
node that starts with a failing check (fall 3, weight 0) is not FAULT before the third failure,
and one that starts healthy (rise 2) does not claim before the second success; until then it
waits in INIT and says for what."""
import os
import time

from lab import Lab, Cluster, SCRIPT_USER, param, check

with Lab("check-first") as lab:
    mode = param("failing")
    rec = lab.shared("rec")
    flag = os.path.join(rec, "down")
    if mode == "failing":
        open(flag, "w").close()
    probe = lab.script("probe", '#!/bin/sh\n[ ! -e "$1" ]\n')
    c = Cluster(lab, "v4", [200], interval=0.1)
    (a,) = c.nodes
    c.start(0, sections={"scripts": {"user": SCRIPT_USER},
                         "checks": [{"name": "svc", "exec": [probe, flag], "interval": 0.4,
                                     "timeout": 0.3, "fall": 3, "rise": 2}]},
            track=[{"check": "svc"}])
    seen = []  # (state, runs, holds the VIP, waitingFor)
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        st = a.status()
        i = st["instances"][0]
        seen.append((i["state"], st["checks"][0]["runs"], a.has(c.vip), i.get("waitingFor", "")))
        if (mode == "failing" and i["state"] == "FAULT") or (mode == "healthy" and seen[-1][2]):
            break
        time.sleep(0.02)
    print(seen[:3], "...", seen[-3:])
    waited = [s for s in seen if s[0] == "INIT" and s[1] in (1, 2 if mode == "failing" else 1)]
    check(waited and all(s[3] == "svc" for s in waited),
          f"never seen waiting in INIT for the check between results: {seen}")
    if mode == "failing":
        faults = [s for s in seen if s[0] == "FAULT"]
        check(faults, "never FAULT")
        check(all(s[1] >= 3 for s in faults), f"FAULT before the third failure: {seen}")
        check(all(s[0] in ("INIT", "FAULT") for s in seen), f"left INIT other than to FAULT: {seen}")
    else:
        claimed = [s for s in seen if s[0] == "MASTER" or s[2]]
        check(claimed, "never claimed")
        check(all(s[1] >= 2 for s in claimed), f"claimed before the second success: {seen}")
