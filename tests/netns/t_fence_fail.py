#!/usr/bin/python3
# asan
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 10, must show (fencing): with a failing fence no claim happens, and status says why.

Two hafd nodes and a witness with split-brain protection (advert interval 0.1 s, heartbeat
0.2 s, lease 1 s, margin 1.5 s) and a fence (fence.retry_interval 0.5 s, retry_max_interval
2 s) that records each run (fencing.py) and exits 0 or 1 as a mode file says. The master
starts with the fence succeeding; then the mode file says "fail" and the master is killed
(kill -9; its kernel drops the VIP when the lease runs out). Every node's VIP ownership is
sampled every 10 ms.

- the backup never holds the VIP while the fence fails: five runs, all exit 1;
- status shows the claim held: stage "fence_failed", fenceFailures counting 1, 2, 3...,
  lastFence "exit 1"; the log says "fence failed";
- the retries back off: the time from one run's exit to the next run's start doubles from
  retry_interval (0.5, 1, 2 s) and stays at retry_max_interval (2 s);
- once the mode file says "ok", the next run succeeds and the backup claims right after it
  (the fence-to-claim time is printed); status then shows the last fence "ok".
"""
import os
import signal
import time

from fencing import describe, fence_script, runs, set_mode, start_n1_master
from lab import Cluster, Lab, check, log, wait_until

INTERVAL, HEARTBEAT, LEASE, MARGIN = 0.1, 0.2, 1, 1.5
RETRY, RETRY_MAX = 0.5, 2.0
FAILURES = 5
# How much later than its retry interval a run may start: the daemon's reaping of the last run,
# its timer and a Python start-up, on a loaded machine.
LATE = 0.5

with Lab("fence-fail") as lab:
    c = Cluster(lab, "v4", [200, 150], interval=INTERVAL, preempt=False, witness=True,
                cluster={"heartbeat": HEARTBEAT, "lease": LEASE, "margin": MARGIN})
    n1, n2 = c.nodes
    records = lab.shared("fence-runs")
    mode = os.path.join(records, "mode")
    set_mode(mode, "ok")
    c.fence = {"command": [fence_script(lab, records, mode_file=mode)], "timeout": 5.0,
               "retry_interval": RETRY, "retry_max_interval": RETRY_MAX}
    start_n1_master(c)
    s = c.sampler()

    set_mode(mode, "fail")
    t_kill = time.monotonic()
    n1.hafd_proc.stop(signal.SIGKILL)
    # Status while the fence fails, polled until FAILURES runs have failed.
    seen = []

    def poll():
        claim = n2.instance("vi").get("claim") or {}
        seen.append((time.monotonic(), n2.state("vi"), claim.get("stage"), claim.get("fenceFailures"),
                     claim.get("lastFence"), claim.get("inSeconds")))
        if s.first_held(t_kill, n2.name) is not None:
            return True  # a claim: the checks below say so
        done = runs(records, t_kill)
        return len(done) >= FAILURES and claim.get("fenceFailures") == FAILURES

    bound = c.claim_bound(150) + 1.0 + sum(min(RETRY * 2 ** i, RETRY_MAX) + LATE for i in range(FAILURES))
    wait_until(f"{FAILURES} failed fences", poll, bound, interval=0.05)
    failed = runs(records, t_kill)
    for r in failed:
        log("fence " + describe(r, t_kill))
    t_bad = s.first_held(t_kill, n2.name)
    check(t_bad is None, f"{n2.name} claimed {(t_bad or 0) - t_kill:.3f} s after the kill, its fences: "
          + "; ".join(describe(r, t_kill) for r in failed))
    check(all(r["status"] == 1 and r["did"] == "mode fail" for r in failed), f"runs: {failed}")
    check(all(r["env"].get("HAFD_NODE") == n2.name and r["env"].get("HAFD_MASTER_NODE") == n1.name
              for r in failed), f"fence environments: {[r['env'] for r in failed]}")
    check(s.first_not_held(t_kill, n1.name) is not None, f"{n1.name}'s kernel kept the VIP")

    # Status: held by the fence, the failures counted, the reason given.
    failing = [x for x in seen if x[2] == "fence_failed"]
    check(failing, f"status never said fence_failed: {seen[-5:]}")
    check(all(x[1] == "BACKUP" for x in seen), f"{n2.name} left BACKUP: {[x for x in seen if x[1] != 'BACKUP'][:3]}")
    check(all(x[4] == "exit 1" and x[5] is not None and x[5] <= RETRY_MAX + 0.05 for x in failing),
          f"fence_failed without lastFence 'exit 1' or a retry time: {failing[:3]}")
    counts = sorted({x[3] for x in failing})
    check(counts == list(range(1, FAILURES + 1)), f"fenceFailures seen while failed: {counts}")
    check([x[3] for x in failing] == sorted(x[3] for x in failing), "fenceFailures went down")
    check("fence failed: exit 1" in n2.hafd_proc.log_text(), f"{n2.name}'s log does not say 'fence failed'")

    # Back-off: from one run's exit to the next one's start.
    gaps = [b["start"] - a["end"] for a, b in zip(failed, failed[1:])]
    want = [min(RETRY * 2 ** i, RETRY_MAX) for i in range(len(gaps))]
    log("retry gaps " + ", ".join(f"{g:.3f}" for g in gaps) + " s; expected "
        + ", ".join(f"{w:g}" for w in want))
    for i, (g, w) in enumerate(zip(gaps, want)):
        check(w - 0.02 <= g <= w + LATE, f"retry {i + 1} started {g:.3f} s after the failure before, "
              f"expected {w:g} s")

    # The fence succeeds again: the next run lets the claim go ahead.
    set_mode(mode, "ok")
    t_ok = time.monotonic()
    t_claim = s.wait_held(n2.name, t_ok, RETRY_MAX + LATE + 2)
    done = runs(records, t_ok)
    for r in done:
        log("fence " + describe(r, t_kill))
    check(t_claim is not None, f"{n2.name} did not claim after the fence succeeded")
    check(len(done) == 1 and done[0]["status"] == 0, f"runs after the mode changed: {done}")
    check(t_claim > done[0]["end"], f"{n2.name} held the VIP before its fence exited")
    check(s.dual() == 0, f"two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
    wait_until(f"{n2.name} to say MASTER", lambda: n2.state("vi") == "MASTER", 2)
    claim = n2.instance("vi").get("claim") or {}
    check(claim.get("lastFence") == "ok" and claim.get("stage") in (None, "none"),
          f"{n2.name}'s claim after the fence succeeded: {claim}")
    print(s.summary())
    print(f"{FAILURES} failed fences, no claim for {t_ok - failed[0]['start']:.1f} s after the first; "
          f"retry gaps {', '.join(f'{g:.2f}' for g in gaps)} s; fence-to-claim "
          f"{(t_claim - done[0]['end']) * 1000:.0f} ms; kill-to-claim {t_claim - t_kill:.1f} s")
