#!/usr/bin/python3
# timeout: 180
# SPDX-License-Identifier: Apache-2.0
"""Issue 10, must show: kill -9 and SIGSTOP of the master, with split-brain protection and no
fence. Three hafd nodes with a cluster section, advert interval 0.1 s, every node's VIP
ownership sampled every 10 ms throughout. Each time:

- the dead or frozen master's own kernel drops the VIP by itself (its lease runs out:
  within lease + --drop-slack of the event);
- the new master claims only after that (the old node's last sample with the VIP comes before
  the new node's first), within Master_Down_Interval + lease + margin + --slack;
- after SIGCONT the frozen node sends no master advert (priority above 0) and no gratuitous ARP
  while another node is master, and does not take the VIP back;
and no sample, over the whole run, shows two holders.

Preemption is off: a killed node restarts as backup, and each round strikes whoever is master.
tests/netns/run runs it with the defaults; run it
by hand as root after building, from the top of the tree:

    python3 tests/netns/t_splitbrain_kill.py [--kills 2] [--stops 2] [--lease 1] ...

(HAFD=path/to/hafd picks another binary; HAFD_TEST_KEEP=1 keeps the lab's files.)
"""
import argparse
import os
import signal
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lab import Lab, Cluster, adverts, announcements, check, log  # noqa: E402

ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
ap.add_argument("--kills", type=int, default=2, help="kill -9 rounds")
ap.add_argument("--stops", type=int, default=2, help="SIGSTOP rounds")
ap.add_argument("--freeze", type=float, default=4.0,
                help="seconds between SIGSTOP and SIGCONT (longer than the claim takes)")
ap.add_argument("--interval", type=float, default=0.1, help="advert interval, s")
ap.add_argument("--heartbeat", type=float, default=0.2, help="cluster.heartbeat, s")
ap.add_argument("--lease", type=int, default=1, help="cluster.lease, whole s")
ap.add_argument("--margin", type=float, default=1.0, help="cluster.margin, s (heartbeat + the kernel lateness of a quiet namespace)")
ap.add_argument("--slack", type=float, default=0.1, help="tolerance on the claim bound, s")
ap.add_argument("--drop-slack", type=float, default=1.0,
                help="how late the kernel may remove an expired VIP, s")
ap.add_argument("--watch", type=float, default=2.0, help="seconds watched after SIGCONT")
args = ap.parse_args()

PRIORITIES = [200, 150, 100]

with Lab("sb-kill") as lab:
    c = Cluster(lab, "v4", PRIORITIES, interval=args.interval, preempt=False,
                cluster={"heartbeat": args.heartbeat, "lease": args.lease, "margin": args.margin})
    prio = {n.name: p for n, p in zip(c.nodes, PRIORITIES)}
    # n1 first: with preemption off the first master stays master, and with quorum none claims
    # before a majority runs, so all start and n1, the earliest, claims first.
    c.start_all()
    c.wait_master(c.nodes[0], timeout=c.claim_bound(PRIORITIES[0]) + 3)
    s = c.sampler()
    settle = max(0.5, 3 * args.interval)
    figures = []

    def strike(r, what, event):
        """Runs `event` on the master; checks the drop and the claim; returns (old, t0)."""
        holders = s.holders()
        check(len(holders) == 1, f"{what} {r}: holders {holders} before the event")
        old = next(n for n in c.nodes if n.name in holders)
        others = [n for n in c.nodes if n is not old]
        drop_bound = args.lease + args.drop_slack
        claim_bound = max(c.claim_bound(prio[n.name]) for n in others) + args.slack
        t0 = time.monotonic()
        event(old)
        t_drop = s.wait_not_held(old.name, t0, drop_bound + 1.0)
        check(t_drop is not None, f"{what} {r}: {old.name}'s kernel kept the VIP "
              f"{drop_bound + 1.0:.1f} s after the event (no lease?)")
        deadline = t0 + claim_bound + 1.0
        t_claim = s.first_held_by_other(t0, old.name)
        while t_claim is None and time.monotonic() < deadline:
            time.sleep(s.period)
            t_claim = s.first_held_by_other(t0, old.name)
        last_old = s.last_held(old.name)
        log(f"{what} {r}: {old.name}'s kernel dropped the VIP after {(t_drop - t0) * 1000:.0f} ms "
            f"(bound {drop_bound * 1000:.0f}); "
            + (f"claimed after {(t_claim - t0) * 1000:.0f} ms (bound {claim_bound * 1000:.0f})"
               if t_claim else "no claim"))
        check(s.dual() == 0, f"{what} {r}: two holders in {s.dual()} samples: {s.dual_samples()[:5]}")
        check(t_drop - t0 <= drop_bound, f"{what} {r}: {old.name}'s kernel dropped the VIP "
              f"{t_drop - t0:.3f} s after the event, bound lease + {args.drop_slack} s")
        check(t_claim is not None, f"{what} {r}: nobody claimed within {claim_bound + 1:.2f} s")
        check(last_old < t_claim, f"{what} {r}: claimed at {t_claim:.3f}, before {old.name}'s "
              f"kernel dropped the VIP (last held {last_old:.3f})")
        check(t_claim - t0 <= claim_bound, f"{what} {r}: claimed {t_claim - t0:.3f} s after the event, "
              f"bound Master_Down_Interval + lease + margin + {args.slack} = {claim_bound:.3f} s")
        figures.append((what, t_drop - t0, t_claim - t0))
        return old, t0

    for r in range(1, args.kills + 1):
        old, _ = strike(r, "kill -9", lambda n: n.hafd_proc.stop(signal.SIGKILL))
        new = s.holders()
        c.start(c.nodes.index(old))  # rejoins as backup: preemption is off
        check(s.wait_stable(new, settle, 10) is not None,
              f"kill -9 {r}: the restarted {old.name} disturbed the master: {s.holders()}")
        c.wait_master(next(n for n in c.nodes if n.name in new))

    for r in range(1, args.stops + 1):
        cap = lab.capture("vrrp or arp")
        old, t0 = strike(r, "SIGSTOP", lambda n: n.hafd_proc.send_signal(signal.SIGSTOP))
        new = s.holders()
        time.sleep(max(0.0, t0 + args.freeze - time.monotonic()))
        wall_cont, t_cont = time.time(), time.monotonic()
        old.hafd_proc.send_signal(signal.SIGCONT)
        time.sleep(args.watch)
        pkts = cap.stop()
        sent = [a for a in adverts(pkts, src=old.ip4) if a["time"] >= wall_cont and a["prio"] > 0]
        garps = [g for g in announcements(pkts, c.vip, old.mac) if g[2] >= wall_cont]
        check(not sent, f"SIGSTOP {r}: after SIGCONT {old.name} sent {len(sent)} adverts with priority "
              f"{sorted({a['prio'] for a in sent})}, the first {sent[0]['time'] - wall_cont:.3f} s "
              "after SIGCONT" if sent else "")
        check(not garps, f"SIGSTOP {r}: after SIGCONT {old.name} sent {len(garps)} gratuitous ARPs")
        check(s.first_held(t_cont, old.name) is None, f"SIGSTOP {r}: {old.name} took the VIP back")
        check(s.holders() == new, f"SIGSTOP {r}: holders {s.holders()} after SIGCONT, not {new}")
        check(old.hafd_proc.alive() and old.state("vi") == "BACKUP",
              f"SIGSTOP {r}: {old.name} is {old.state('vi')} after SIGCONT, not BACKUP")

    check(s.dual() == 0, f"two holders in {s.dual()} samples")
    print(s.summary())
    for what, drop, claim in figures:
        print(f"{what}: old master's kernel dropped the VIP after {drop * 1000:.0f} ms, "
              f"new master claimed after {claim * 1000:.0f} ms")
