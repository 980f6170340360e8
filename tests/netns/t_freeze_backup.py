#!/usr/bin/python3
# params: v4 v6
# timeout: 120
# SPDX-License-Identifier: Apache-2.0
"""A backup frozen (SIGSTOP) for longer than its Master_Down_Interval, then resumed, reads the
master's adverts queued in its socket before its Master_Down_Timer can act: it never becomes
master, and sends no advert and no GARP/NA (hafd(8) STALLS). Without stall detection the expired
timer is handled first: BACKUP -> MASTER, an advert and an announcement, then back to BACKUP."""
import signal
import time
from lab import Lab, Cluster, param, adverts, announcements, advert_source, check, log

ROUNDS = 6
FREEZE = 0.5  # seconds; the backup's Master_Down_Interval at 0.1 s is 0.361 s

with Lab("freeze_backup") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150])
    backup, master = c.nodes
    c.start_all()
    c.wait_master(master)
    check(FREEZE > c.master_down_interval(100), "the freeze must outlast Master_Down_Interval")
    before = backup.instance("vi")["counters"]
    stalls_before = backup.status().get("stalls", {}).get("count", 0)
    cap = lab.capture()
    for n in range(ROUNDS):
        backup.hafd_proc.send_signal(signal.SIGSTOP)
        time.sleep(FREEZE)
        backup.hafd_proc.send_signal(signal.SIGCONT)
        # Resumed, it must go on following the master: still BACKUP a whole Master_Down_Interval
        # (and then some) later, with the master the only holder.
        c.wait_master(master, settle=2 * c.master_down_interval(100))
        log(f"round {n + 1}: {backup.name} still BACKUP after a {FREEZE}s freeze")
    pkts = cap.stop()
    after = backup.instance("vi")["counters"]
    check(after["became_master"] == before["became_master"],
          f"the frozen backup became master {after['became_master'] - before['became_master']} "
          f"time(s)")
    check(after["transitions"] == before["transitions"], "the frozen backup changed state")
    src = advert_source(backup, fam)
    sent = adverts(pkts, src=src)
    check(not sent, f"the frozen backup sent {len(sent)} advert(s), priorities "
          f"{sorted({a['prio'] for a in sent})}")
    garps = announcements(pkts, mac=backup.mac)
    check(not garps, f"the frozen backup sent {len(garps)} announcement(s)")
    check(adverts(pkts, src=advert_source(master, fam), prio=150), "no adverts from the master")
    # The daemon saw each freeze, once, and said so at warning with its length, its clock and
    # what the backup did: restarted its timer (a stall as long as the timer's interval) or put
    # its due claim after reading the queued adverts (a shorter one: the stall is measured from
    # when the loop meant to wake, its Master_Down deadline, so 0.5 s of SIGSTOP can be less).
    stalls = backup.status()["stalls"]
    check(stalls["count"] - stalls_before >= ROUNDS,
          f"{stalls['count'] - stalls_before} stalls counted for {ROUNDS} freezes")
    # Measured from when it meant to wake: its Master_Down deadline, at most an interval in.
    least = FREEZE - c.master_down_interval(100) - 0.02
    check(stalls["longest"] >= least, f"longest stall {stalls['longest']}s, below {least:.3f}s")
    lines = [l for l in backup.hafd_proc.log_text().splitlines()
             if "warning: loop stalled for" in l and "(monotonic:" in l
             and ("1 backup(s) restarted Master_Down_Timer" in l
                  or "1 backup(s) read queued adverts before claiming" in l)]
    check(len(lines) == ROUNDS, f"{len(lines)} stall warnings for {ROUNDS} freezes:\n"
          + "\n".join(lines))
