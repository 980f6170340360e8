#!/usr/bin/python3
# params: v4 v6
# SPDX-License-Identifier: Apache-2.0
"""Replayed adverts: an authenticated priority-150 advert of the master n2, captured on the
bridge, is sent again byte for byte from the attacker n3 under n2's source address (anti_replay
"time" with an 8 s window, 3 s above the default, so that a slow restart on a busy machine still
replays within it).
(a) n2 stops (SIGTERM: a signed priority-0 advert), n1 becomes master; 2 s later the capture is
replayed: n1 stays MASTER with no transition and counts every copy as auth_replay.
(b) n2 starts again with priority 50 (n1 stays master legitimately; a backup sends no adverts):
the capture is still a replay at n1.
(c) Once the capture is older than the window (and n1's mark for n2 has expired with it): it is
counted as auth_stale, still without effect.
(d) The restarted n2 takes over when n1 stops: its fresh adverts carry a sequence from the clock,
after the captured one (not restarted from zero)."""
import importlib
import os
import struct
import time

from lab import (Lab, Cluster, AUTH_DROPS, adverts, advert_source, auth_drops, auth_section, check, log,
                 param, wait_until)

FORGE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "forge.py")
WINDOW = 8  # time_window; the default would be max(3 * 0.1 s in whole seconds, 5)
COPIES = 3
# Capture.stop() would import scapy (seconds under load) after n2 stops, while the window runs.
importlib.import_module("scapy.all")


def sequence(payload):
    """The 64-bit sequence of an advert's trailer (its last 28 bytes: 4 bytes, then 8)."""
    return struct.unpack("!Q", payload[-24:-16])[0]


def transitions(node):
    return node.instance("vi")["counters"]["transitions"]


with Lab("authreplay") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150], sections={"auth": auth_section(lab, time_window=WINDOW)})
    n1, n2 = c.nodes
    attacker = lab.node("n3", 3)
    cap = lab.capture()
    c.start_all()
    c.wait_master(n2)
    # (a) n2 leaves (its last priority-150 advert is the capture) and n1 takes over.
    n2.hafd_proc.stop()
    ours = adverts(cap.stop(), src=advert_source(n2, fam), prio=150)
    check(ours, "no priority-150 advert from n2 on the bridge")
    captured, sent_at = ours[-1]["payload"], ours[-1]["time"]
    check(len(captured) == 8 + (4 if fam == "v4" else 16) * len(c.vips) + 28,
          f"n2's advert has no trailer: {captured.hex()}")
    log(f"captured {captured.hex()}")
    c.wait_master(n1)

    def replay(what, reason):
        """Sends the capture COPIES times from n3 as n2: n1 stays the only master with no
        transition, and counts each copy as `reason` and nothing else."""
        drops, moves = auth_drops(n1), transitions(n1)
        age = time.time() - sent_at
        log(f"{what}: replaying the capture, {age:.1f} s after it was sent")
        if reason == "auth_replay":
            check(age + 0.5 < WINDOW, f"{what}: the test was too slow, the capture is {age:.1f} s "
                  "old, about the window: a replay could be stale")
        attacker.run("/usr/bin/python3", FORGE, fam, advert_source(n2, fam), "0", "0", "-", "replay",
                     f"payload={captured.hex()}", f"count={COPIES}", "rate=20")
        # What the copies did first (a transition is the attack working), then how they counted.
        try:
            wait_until(f"{COPIES} copies counted as {reason}",
                       lambda: auth_drops(n1)[reason] - drops[reason] >= COPIES, 3)
        except AssertionError:
            pass
        time.sleep(2 * c.interval)
        check(transitions(n1) == moves, f"{what}: n1 made a transition: "
              f"{n1.instance('vi')['lastTransitions']}")
        check(n1.state("vi") == "MASTER" and c.holders() == [n1],
              f"{what}: n1 is {n1.state('vi')}, VIP on {[n.name for n in c.holders()]}")
        after = auth_drops(n1)
        moved = {r: after[r] - drops[r] for r in AUTH_DROPS if after[r] != drops[r]}
        check(moved == {reason: COPIES}, f"{what}: n1's drops moved by {moved}, expected "
              f"{reason}: {COPIES}")

    # Its last advert comes back 2 s later.
    time.sleep(max(0.0, sent_at + 2 - time.time()))
    replay("n2 stopped", "auth_replay")

    # (b) n2 is back with a lower priority.
    c.start(1, priority=50)
    wait_until("n2 to be BACKUP", lambda: n2.state("vi") == "BACKUP", 2)
    replay("n2 restarted", "auth_replay")

    # (c) The capture is older than the window, and n1's mark (n2's priority-0 advert, signed
    # within a second of it) is forgotten: only the freshness check stands.
    time.sleep(max(0.0, sent_at + WINDOW + 3 - time.time()))
    replay("older than the window", "auth_stale")

    # (d) n2's new sequence: from the clock, after the captured one.
    cap = lab.capture()
    n1.hafd_proc.stop()
    c.wait_master(n2, settle=0.3)
    fresh = adverts(cap.stop(), src=advert_source(n2, fam), prio=50)
    check(fresh, "no advert from the restarted n2")
    seq, now = sequence(fresh[0]["payload"]), fresh[0]["time"]
    check(seq > sequence(captured), f"n2's sequence went back: {seq:#x} after {sequence(captured):#x}")
    check(abs((seq >> 32) - now) <= 1, f"n2's sequence {seq:#x} is not its clock ({now:.3f})")
