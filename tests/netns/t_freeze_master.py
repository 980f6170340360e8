#!/usr/bin/python3
# params: v4 v6
# timeout: 120
# SPDX-License-Identifier: Apache-2.0
"""A master frozen (SIGSTOP) for longer than the backup's Master_Down_Interval is replaced; once
resumed it assumes so (hafd(8) STALLS): it releases its VIPs and becomes BACKUP without sending
anything while the other node is master, no advert (of any priority) and no GARP/NA, and its log
says it stalled. Without stall detection it sends its overdue advert and stays master until
the other's advert makes one of them yield. The roles alternate, so each node is frozen as
master in turn."""
import signal
import time
from lab import Lab, Cluster, param, adverts, announcements, advert_source, check, log

ROUNDS = 4
FREEZE = 1.0  # seconds; the backups' Master_Down_Interval at 0.1 s is 0.34 s and 0.36 s

with Lab("freeze_master") as lab:
    fam = param()
    # n1 does not preempt: once replaced it stays a backup, so the roles can alternate.
    c = Cluster(lab, fam, [150, 100])
    c.start(0, preempt=False)
    c.start(1)
    c.wait_master(c.nodes[0])
    check(FREEZE > c.master_down_interval(100), "the freeze must outlast Master_Down_Interval")
    cap = lab.capture()
    rounds = []  # (frozen node, freeze start, end of its window)
    master = c.nodes[0]
    for n in range(ROUNDS):
        other = c.nodes[1] if master is c.nodes[0] else c.nodes[0]
        t_stop = time.time()
        master.hafd_proc.send_signal(signal.SIGSTOP)
        time.sleep(FREEZE)
        check(other.state("vi") == "MASTER", f"{other.name} did not take over during the freeze")
        master.hafd_proc.send_signal(signal.SIGCONT)
        try:
            c.wait_master(other, settle=2 * c.master_down_interval(100))
        except AssertionError as e:
            raise AssertionError(f"round {n + 1}: {other.name} is not the only master after "
                                 f"{master.name} resumed (it took the VIPs back?): {e}") from None
        check(master.state("vi") == "BACKUP", f"{master.name} is not BACKUP after resuming")
        rounds.append((master, t_stop, time.time()))
        log(f"round {n + 1}: {master.name} resumed as BACKUP, {other.name} master")
        master = other
    pkts = cap.stop()
    for n, (node, t_stop, t_end) in enumerate(rounds):
        # Frames already on their way when it froze are out within 200 ms; it can send nothing
        # until resumed.
        window = lambda t: t_stop + 0.2 <= t < t_end  # noqa: E731
        sent = [a for a in adverts(pkts, src=advert_source(node, fam)) if window(a["time"])]
        check(not sent, f"round {n + 1}: {node.name} sent {len(sent)} advert(s) after resuming, "
              f"priorities {sorted({a['prio'] for a in sent})}")
        garps = [g for g in announcements(pkts, mac=node.mac) if window(g[2])]
        check(not garps, f"round {n + 1}: {node.name} sent {len(garps)} announcement(s) after "
              f"resuming")
    for node in c.nodes:
        text = node.hafd_proc.log_text()
        steps = text.count("MASTER -> BACKUP (stalled)")
        frozen = sum(1 for r in rounds if r[0] is node)
        check(steps == frozen, f"{node.name}: {steps} stalled step-downs logged for {frozen} "
              f"freezes")
        check("master(s) stepped down" in text, f"{node.name}: no stall warning")
        check(node.status()["stalls"]["count"] >= frozen, f"{node.name}: stalls not counted")
