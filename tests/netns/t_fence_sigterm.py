#!/usr/bin/python3
# timeout: 60
# SPDX-License-Identifier: Apache-2.0
"""Issue 10, must show (fencing): a graceful handover runs no fence.

Two hafd nodes and a witness with split-brain protection (advert interval 0.1 s, heartbeat
0.2 s, lease 1 s, margin 1.5 s, preemption off) and the fence of t_fence_stop, which would cut
the old master's bridge port and records each run (fencing.py). The master gets SIGTERM: it
removes its VIPs, then sends priority 0, so the backup may claim after Skew_Time without the
claim rule's wait or a fence. Every node's VIP ownership is sampled every 10 ms.

- the backup holds the VIP within Skew_Time + --slack of SIGTERM, after the old master
  released it (no dual sample);
- no fence runs, then or later (watched until lease + margin + 1 s after SIGTERM);
- the old master's port stays up, and the backup's status shows no claim held.
"""
import argparse
import signal
import time

from fencing import cut_map, describe, fence_script, port_up, runs, start_n1_master
from lab import Cluster, Lab, check, log

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--slack", type=float, default=0.3,
                help="how much later than Skew_Time the claim may come (SIGTERM handling, the "
                     "VIP's removal and install, the sampling), s")
args = ap.parse_args()

INTERVAL, HEARTBEAT, LEASE, MARGIN = 0.1, 0.2, 1, 1.5

with Lab("fence-sigterm") as lab:
    c = Cluster(lab, "v4", [200, 150], interval=INTERVAL, preempt=False, witness=True,
                sections={"scripts": {"user": "root"}},
                cluster={"heartbeat": HEARTBEAT, "lease": LEASE, "margin": MARGIN})
    n1, n2 = c.nodes
    records = lab.shared("fence-runs")
    c.fence = {"command": [fence_script(lab, records, cut=cut_map(c))], "timeout": 5.0}
    start_n1_master(c)
    s = c.sampler()
    skew = (256 - 150) * INTERVAL / 256  # n2's Skew_Time (RFC 9568 §6.1)
    # n1's first claim ran a fence that knew no master.
    check(all(r["did"] == "no master known" for r in runs(records)), f"start-up fences: {runs(records)}")
    claim_before = n2.instance("vi").get("claim") or {}

    t_term = time.monotonic()
    n1.hafd_proc.send_signal(signal.SIGTERM)
    t_claim = s.wait_held(n2.name, t_term, skew + args.slack + 3)
    check(t_claim is not None, f"{n2.name} did not claim within {skew + args.slack + 3:.1f} s of SIGTERM")
    t_release = s.first_not_held(t_term, n1.name)
    log(f"SIGTERM -> {n1.name} released {(t_release - t_term) * 1000:.0f} ms, {n2.name} held "
        f"{(t_claim - t_term) * 1000:.0f} ms (Skew_Time {skew * 1000:.0f} ms)")
    check(t_release <= t_claim, f"{n2.name} held the VIP before {n1.name} released it")
    check(t_claim - t_term <= skew + args.slack, f"{n2.name} claimed {t_claim - t_term:.3f} s after "
          f"SIGTERM, bound Skew_Time + {args.slack} = {skew + args.slack:.3f} s")
    check(n1.hafd_proc.popen.wait(timeout=5) == 0, f"{n1.name}'s hafd exited {n1.hafd_proc.popen.returncode}")
    # Watch past the time a claim after a failure would have fenced.
    time.sleep(max(0.0, t_term + LEASE + MARGIN + 1.0 - time.monotonic()))
    fences = runs(records, t_term)
    check(not fences, "fences after SIGTERM: " + "; ".join(describe(r, t_term) for r in fences))
    check(port_up(lab, n1), f"{n1.name}'s bridge port is down")
    check(s.holders() == {n2.name} and n2.state("vi") == "MASTER",
          f"holders {s.holders()}, {n2.name} {n2.state('vi')}")
    claim = n2.instance("vi").get("claim") or {}
    check(claim.get("stage") in (None, "none") and claim.get("lastFence") == claim_before.get("lastFence"),
          f"{n2.name}'s claim status: {claim}, before SIGTERM {claim_before}")
    check(s.dual() == 0, f"two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
    print(s.summary())
    print(f"graceful handover: {n2.name} held the VIP {(t_claim - t_term) * 1000:.0f} ms after SIGTERM "
          f"({(t_claim - t_release) * 1000:.0f} ms after {n1.name} released it; Skew_Time "
          f"{skew * 1000:.0f} ms); no fence; dual samples 0")
