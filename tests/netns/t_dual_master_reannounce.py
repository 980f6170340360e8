#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""When a transient dual master resolves, the master that stays re-announces at once (DESIGN.md
§4; RFC 9568 M5 in core/virtual_router.cpp), so that no neighbour keeps the loser's MAC.

Two nodes, plain VRRP, advert interval 0.1 s. Three times: the master n1 is cut off at the
bridge (links up) and n2 claims, so both hold the VIP and both announced it; then frames from
n2 reach n1 again while n1's still do not reach n2, so n1 hears n2's lower-priority advert
first. n1 must answer it with a gratuitous ARP burst within a few milliseconds (not at its next
periodic refresh, a minute later); then the cut heals fully, n2 yields and n1 alone holds the
VIP. Without the re-announce, neighbours that heard n2's announcement keep sending to n2's MAC,
which no longer holds the address.

Then five times the cut heals both ways at once. Usually (9 of 10 heals here) n2 hears n1 first
and yields (M4): it sends one advert at its own priority as it does (as keepalived's
higher_prio_send_advert), so n1 hears a lower-priority master and re-announces (M5). Either
way n1 must send a gratuitous ARP burst within an advert interval and a margin of the heal;
without the yielding advert it did not in most rounds."""
import time

from lab import Lab, Cluster, adverts, announcements, check, log

ROUNDS = 3
SYMMETRIC_ROUNDS = 5
# After a symmetric heal: n1's next advert (0.1 s), n2's yielding advert, n1's answer, with
# room for a loaded host.
HEAL_BOUND = 0.25
# n1 answers the first lower-priority advert it hears in the same loop iteration; the
# bound leaves room for a loaded host.
ANSWER_BOUND = 0.05


with Lab("dual_master_reannounce") as lab:
    # No second burst and no refresh: every gratuitous ARP of n1 after its first claim is an
    # answer to something.
    c = Cluster(lab, "v4", [200, 100], interval=0.1, announce={"delay": 0, "refresh": 0})
    n1, n2 = c.nodes
    c.start_all()
    c.wait_master(n1)
    s = c.sampler()
    mdi = c.master_down_interval(100)
    cap = lab.capture()
    opened = []  # wall-clock times frames from n2 reached n1 again
    for k in range(ROUNDS):
        lab.cut_off([n1])
        t_cut = time.monotonic()
        s.wait_held("n2", t_cut, mdi + 2)
        check(n1.has(c.vip), "n1 released while cut off (plain VRRP keeps it)")
        time.sleep(0.3)  # n2's announcements are on the wire by now
        # n1 -> n2 stays dropped; n2 -> n1 passes.
        lab._nft(f'add element bridge {lab.PARTITION_TABLE} pairs {{ "{n1.port}" . "{n2.port}" }}\n')
        opened.append(time.time())  # frames from n2 reach n1 once this change lands
        lab.heal([n1])
        time.sleep(0.3)  # n2 advertises every 0.1 s: n1 has heard it and answered
        lab.heal()
        c.wait_master(n1)
        log(f"round {k + 1}: healed, n1 alone holds the VIP")
    healed = []  # wall-clock times of the symmetric heals
    for k in range(SYMMETRIC_ROUNDS):
        lab.cut_off([n1])
        t_cut = time.monotonic()
        s.wait_held("n2", t_cut, mdi + 2)
        time.sleep(0.3)
        healed.append(time.time())
        lab.heal()
        c.wait_master(n1)
        log(f"symmetric round {k + 1}: healed, n1 alone holds the VIP")
    pkts = cap.stop()

    for k, t_heal in enumerate(healed):
        garps = [g[2] for g in announcements(pkts, c.vip, n1.mac) if t_heal <= g[2] < t_heal + 1]
        check(garps, f"symmetric round {k + 1}: n1 did not re-announce after the heal")
        # The advert n1 answered: n2's last one before the burst.
        answered = [a["time"] for a in adverts(pkts, src=n2.ip4, prio=100)
                    if t_heal <= a["time"] <= garps[0]]
        log(f"symmetric round {k + 1}: heal -> n1's gratuitous ARP "
            f"{(garps[0] - t_heal) * 1000:.1f} ms, "
            + (f"{(garps[0] - answered[-1]) * 1000:.1f} ms after n2's advert" if answered
               else "no advert from n2 seen before it"))
        check(garps[0] - t_heal <= HEAL_BOUND, f"symmetric round {k + 1}: n1 re-announced "
              f"{garps[0] - t_heal:.3f} s after the heal (bound {HEAL_BOUND})")

    for k, t_open in enumerate(opened):
        t_end = opened[k + 1] if k + 1 < len(opened) else healed[0]
        garps = [g[2] for g in announcements(pkts, c.vip, n1.mac) if t_open <= g[2] < t_end]
        check(garps, f"round {k + 1}: n1 did not re-announce after hearing n2 (M5)")
        # The advert n1 answered: n2's last before the burst (those sent before the change
        # landed were dropped).
        heard = [a["time"] for a in adverts(pkts, src=n2.ip4, prio=100)
                 if t_open <= a["time"] <= garps[0]]
        check(heard, f"round {k + 1}: n1 re-announced before any advert from n2 reached it")
        answered = garps[0] - heard[-1]
        log(f"round {k + 1}: n2's advert reached n1 -> n1's gratuitous ARP {answered * 1000:.1f} ms")
        check(answered <= ANSWER_BOUND, f"round {k + 1}: n1 re-announced {answered:.3f} s after "
              f"n2's advert (bound {ANSWER_BOUND})")
        # The whole burst, not a single frame.
        check(len(garps) >= 2, f"round {k + 1}: {len(garps)} gratuitous ARP(s) from n1")
    check(n2.state("vi") == "BACKUP", "n2 is not BACKUP")
