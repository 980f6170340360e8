#!/usr/bin/python3
# params: v4 v6
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 10, must show (fencing): a SIGSTOPped master is fenced before the claim.

Two hafd nodes and a witness with split-brain protection (advert interval 0.1 s, heartbeat
0.2 s, lease 1 s, margin 1.5 s, preemption off) and a fence command that cuts the old master's
bridge port (`ip -n <bridge> link set <port> down`, so scripts.user is root), finding the port
from HAFD_MASTER_NODE_ADDRESS and checking HAFD_MASTER_NODE, and recording each run
(fencing.py). Every node's VIP ownership is sampled every 10 ms. After SIGSTOP of the master:

- exactly one fence runs, on the backup, with HAFD_NODE, HAFD_MASTER_NODE,
  HAFD_MASTER_NODE_ADDRESS, HAFD_MASTER_ADDRESS, HAFD_INSTANCE, HAFD_VRID and HAFD_FAMILY
  right, no earlier than lease + margin after the master was last heard, and it cut the
  master's port;
- the backup holds the VIP only after the fence exited (the fence-to-claim time is printed),
  and after the stopped master's kernel dropped the VIP; status says the last fence was "ok";
- after SIGCONT the old master, its port down, never holds the VIP, and once its port is back
  it rejoins as backup without taking the VIP (and without running a fence itself);
and no sample shows two holders.
"""
import signal
import time

from fencing import cut_map, describe, fence_script, port_up, runs, start_n1_master
from lab import Cluster, Lab, check, log, param, wait_until

INTERVAL, HEARTBEAT, LEASE, MARGIN = 0.1, 0.2, 1, 1.5
WAIT = LEASE + MARGIN
HAFD_VARS = {"HAFD_INSTANCE", "HAFD_VRID", "HAFD_FAMILY", "HAFD_NODE", "HAFD_MASTER_NODE",
             "HAFD_MASTER_NODE_ADDRESS", "HAFD_MASTER_ADDRESS"}


with Lab("fence-stop") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150], interval=INTERVAL, preempt=False, witness=True,
                sections={"scripts": {"user": "root"}},
                cluster={"heartbeat": HEARTBEAT, "lease": LEASE, "margin": MARGIN})
    n1, n2 = c.nodes
    records = lab.shared("fence-runs")
    c.fence = {"command": [fence_script(lab, records, cut=cut_map(c))], "timeout": 5.0}
    start_n1_master(c)
    startup = runs(records)
    check(all(r["did"] == "no master known" and r["status"] == 0 for r in startup),
          f"fences at start-up: {startup}")
    s = c.sampler()

    t_stop = time.monotonic()
    n1.hafd_proc.send_signal(signal.SIGSTOP)
    bound = c.claim_bound(150) + 1.0  # + the fence's own run (a Python start-up under load)
    t_claim = s.wait_held(n2.name, t_stop, bound + 2)
    fences = runs(records, t_stop)
    for r in fences:
        log("fence " + describe(r, t_stop))
    check(t_claim is not None, f"{n2.name} did not claim within {bound + 2:.1f} s of SIGSTOP")
    check(len(fences) == 1, f"{len(fences)} fence runs after SIGSTOP, not 1")
    f = fences[0]
    env = f["env"]
    want = {"HAFD_INSTANCE": "vi", "HAFD_VRID": "51", "HAFD_FAMILY": "ipv4" if fam == "v4" else "ipv6",
            "HAFD_NODE": n2.name, "HAFD_MASTER_NODE": n1.name,
            "HAFD_MASTER_NODE_ADDRESS": c.address(n1),
            "HAFD_MASTER_ADDRESS": n1.ip4 if fam == "v4" else n1.link_local}
    got = {k: v for k, v in env.items() if k.startswith("HAFD_")}
    check(got == want, f"the fence's environment: {got}, expected {want}")
    check(f["uid"] == 0 and f["status"] == 0 and f["did"] == f"cut {n1.name} (port {n1.port})",
          f"the fence run: {f}")
    check(not port_up(lab, n1), f"{n1.name}'s bridge port is up after the fence")
    # The wait: lease + margin since n2 last heard n1 (at most a heartbeat before SIGSTOP).
    check(f["start"] - t_stop >= WAIT - HEARTBEAT - 0.05,
          f"the fence started {f['start'] - t_stop:.3f} s after SIGSTOP, before lease + margin "
          f"({WAIT} s) since the master was last heard")
    last_old = s.last_held(n1.name)
    check(t_claim > f["end"], f"{n2.name} held the VIP {(f['end'] - t_claim) * 1000:.0f} ms "
          "before its fence exited")
    check(last_old is not None and last_old < t_claim,
          f"{n2.name} claimed at {t_claim:.3f}, {n1.name} last held the VIP at {last_old}")
    check(s.dual() == 0, f"two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
    claim = n2.instance("vi").get("claim") or {}
    check(n2.state("vi") == "MASTER" and claim.get("lastFence") == "ok",
          f"{n2.name}: {n2.state('vi')}, claim {claim}")
    fence_to_claim = t_claim - f["end"]
    log(f"SIGSTOP -> fence start {(f['start'] - t_stop) * 1000:.0f} ms, fence took "
        f"{(f['end'] - f['start']) * 1000:.0f} ms, fence exit -> VIP on {n2.name} "
        f"{fence_to_claim * 1000:.0f} ms (sampled every 10 ms); {n1.name}'s kernel dropped the VIP "
        f"{(s.first_not_held(t_stop, n1.name) - t_stop) * 1000:.0f} ms after SIGSTOP")

    # SIGCONT: the old master's port is down (no carrier): it must never hold the VIP.
    time.sleep(0.5)
    t_cont = time.monotonic()
    n1.hafd_proc.send_signal(signal.SIGCONT)
    wait_until(f"{n1.name} to answer after SIGCONT", lambda: n1.state("vi") in ("BACKUP", "FAULT"), 5)
    time.sleep(max(0.0, t_cont + 2.0 - time.monotonic()))
    check(s.first_held(t_cont, n1.name) is None, f"{n1.name} took the VIP after SIGCONT, port down")
    check(n1.hafd_proc.alive() and n1.state("vi") in ("BACKUP", "FAULT"),
          f"{n1.name} is {n1.state('vi')} after SIGCONT")
    log(f"{n1.name} after SIGCONT, port down: {n1.state('vi')}")

    # The port back: n1 rejoins as backup (preemption off) and leaves the VIP alone.
    t_up = time.monotonic()
    n1.restore_link()
    wait_until(f"{n1.name} to rejoin as backup", lambda: n1.state("vi") == "BACKUP", 10)
    check(s.wait_stable({n2.name}, 1.0, 5) is not None, f"holders after the heal: {s.holders()}")
    check(s.first_held(t_cont, n1.name) is None, f"{n1.name} took the VIP back after the heal")
    check(s.dual() == 0, f"two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
    later = runs(records, t_stop)
    check(len(later) == 1, "fences after the claim: " + "; ".join(describe(r, t_stop) for r in later[1:]))
    print(s.summary())
    print(f"fence-to-claim {fence_to_claim * 1000:.0f} ms; SIGSTOP-to-claim "
          f"{(t_claim - t_stop) * 1000:.0f} ms (lease + margin {WAIT * 1000:.0f} ms); dual samples 0")
