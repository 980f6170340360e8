#!/usr/bin/python3
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 10 (fencing, two backups): only the backup that claims first fences.

Three hafd nodes (priorities 200, 150, 140) with split-brain protection (advert interval 0.1 s,
heartbeat 0.2 s, lease 1 s, margin 1.5 s, preemption off) and a fence that takes 1 s (as one
through a BMC or a switch does) and then cuts the old master's bridge port (fencing.py). Every
node's VIP ownership is sampled every 10 ms. After SIGSTOP of the master n1:

- exactly one fence runs, on n2 (the higher backup): n3 reaches its claim time a Skew_Time
  later, while n2's fence still runs, and must neither fence nor claim while n2 is a live
  backup ahead of it (without that both fenced the same port and both could claim);
- n3's status says so meanwhile: claim stage "deferring", aheadOf "n2";
- (at start-up the same: started together, only n1 fences and claims;)
- n2 claims after its fence exited, n3 never holds the VIP, and no sample shows two holders.
"""
import signal
import time

from fencing import cut_map, describe, fence_script, runs
from lab import Cluster, Lab, check, log

INTERVAL, HEARTBEAT, LEASE, MARGIN = 0.1, 0.2, 1, 1.5
FENCE_TIME = 1.0

with Lab("fence-two") as lab:
    c = Cluster(lab, "v4", [200, 150, 140], interval=INTERVAL, preempt=False,
                sections={"scripts": {"user": "root"}},
                cluster={"heartbeat": HEARTBEAT, "lease": LEASE, "margin": MARGIN})
    n1, n2, n3 = c.nodes
    records = lab.shared("fence-runs")
    c.fence = {"command": [fence_script(lab, records, cut=cut_map(c), delay=FENCE_TIME)],
               "timeout": 5.0}
    # Started together, n2 and n3 defer to n1, a live backup ahead of them: n1 fences (no
    # master known yet) and claims first.
    c.start_all()
    c.wait_master(n1, timeout=c.claim_bound(200) + FENCE_TIME + 6)
    startup = runs(records)
    check([r["env"].get("HAFD_NODE") for r in startup] == [n1.name],
          "fences at start-up: " + "; ".join(describe(r, startup[0]["start"]) for r in startup))
    s = c.sampler()

    t_stop = time.monotonic()
    n1.hafd_proc.send_signal(signal.SIGSTOP)
    bound = c.claim_bound(150) + FENCE_TIME + 1.0
    stages = []
    deadline = t_stop + bound + 2
    while time.monotonic() < deadline and s.first_held(t_stop, n2.name) is None:
        claim = n3.instance("vi").get("claim") or {}
        stages.append((claim.get("stage"), claim.get("aheadOf")))
        time.sleep(0.05)
    t_claim = s.wait_held(n2.name, t_stop, 1)
    time.sleep(1.0)  # n3 would have fenced and claimed by now
    fences = runs(records, t_stop)
    for r in fences:
        log("fence " + describe(r, t_stop))
    check(t_claim is not None, f"{n2.name} did not claim within {bound + 2:.1f} s of SIGSTOP")
    check(len(fences) == 1 and fences[0]["env"].get("HAFD_NODE") == n2.name,
          f"{len(fences)} fence runs after SIGSTOP, not one by {n2.name}: "
          + "; ".join(describe(r, t_stop) for r in fences))
    check(t_claim > fences[0]["end"], f"{n2.name} claimed before its fence exited")
    check(("deferring", n2.name) in stages,
          f"{n3.name}'s status never said it defers to {n2.name}: {sorted(set(stages), key=str)}")
    check(s.first_held(t_stop, n3.name) is None, f"{n3.name} held the VIP")
    check(s.dual() == 0, f"two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
    check(n2.state("vi") == "MASTER" and n3.state("vi") == "BACKUP",
          f"{n2.name} {n2.state('vi')}, {n3.name} {n3.state('vi')}")
    print(s.summary())
    print(f"one fence (by {n2.name}), {n3.name} deferred; SIGSTOP-to-claim "
          f"{(t_claim - t_stop) * 1000:.0f} ms; dual samples 0")
