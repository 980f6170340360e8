#!/usr/bin/python3
# params: v4 v6
# timeout: 240
# SPDX-License-Identifier: Apache-2.0
"""Rolling authentication out over a running two-node cluster (0.1 s adverts) by reloads, one
node at a time, as AUTH_HMAC.md §7-§8 and hafd.conf(5) advise: no auth -> receive-only ->
permissive -> enforce, then the key rotation: add key 2 -> active_key 2 -> remove key 1.
Every step is taken in both orders (backup first, then back, then master first, then backup),
so each mixed state of the sweep is lived for more than two Master_Down_Intervals. Over the
whole sequence: no transition on either node, the VIP never leaves the master, no gap above 1.5
intervals in the master's adverts, the backup never sends one, the backup keeps accepting the
master's adverts and nothing is dropped. Each node's status shows the mode and keys it was
given, and the master's adverts carry the trailer (with the active key's id) exactly when its
mode signs. Last, why the order is needed: enforce next to a node without auth is two masters.

A second instance, "canary" (VRID 52, auth off, never changed), runs in the same two daemons.
On a shared machine the master's whole process now and then gets no CPU for 0.25-0.4 s (seen
with strace: epoll_wait returning late although its timerfd was due, in two labs at once); that
silences both instances and may let the backup take over. When an attempt fails and the canary's
adverts had such a gap while the master was not reloading, or the master's own gap there is in
bounds once the stall its hafd logged is taken off, the attempt is void and runs again (at most
3 attempts): a gap during a reload of the master, or one no stall explains, fails."""
import datetime
import re
import time
from lab import (Lab, Cluster, param, adverts, advert_source, auth_section, check, wait_until,
                 K1, K2)

DWELL = 0.8  # seconds in each state: more than twice the backup's Master_Down_Interval (0.36 s)
GRACE = 0.05  # capture time stamps vs the end of a reload: adverts in flight are not judged
ATTEMPTS = 3
CANARY_VIPS = {"v4": ["203.0.113.52"], "v6": ["fe80::52", "2001:db8::52"]}


class MachineStall(Exception):
    pass


with Lab("authroll") as lab:
    fam = param()
    c = Cluster(lab, fam, [100, 150])
    b, m = c.nodes  # n1 backup (100), n2 master (150)
    message = 8 + (4 if fam == "v4" else 16) * len(c.vips)

    # Each stage: (name, auth settings or None).
    one, both, two = ((1, K1),), ((1, K1), (2, K2)), ((2, K2),)
    stages = [
        ("none", None),
        ("receive-only", dict(keys=one, active=1, mode="receive-only")),
        ("permissive", dict(keys=one, active=1, mode="permissive")),
        ("enforce", dict(keys=one, active=1, mode="enforce")),
        ("add key 2", dict(keys=both, active=1, mode="enforce")),
        ("active key 2", dict(keys=both, active=2, mode="enforce")),
        ("remove key 1", dict(keys=two, active=2, mode="enforce")),
    ]

    def instances(node):
        i = c.nodes.index(node)
        return [c.instance(i), c.instance(i, name="canary", vrid=52, addresses=CANARY_VIPS[fam],
                                          auth={"enabled": False})]

    def sections(stage):
        settings = stage[1]
        return {} if settings is None else {"auth": auth_section(lab, **settings)}

    def expected_status(stage):
        s = stage[1]
        if s is None:
            return None
        return {"mode": s["mode"], "activeKey": s["active"], "keys": [i for i, _ in s["keys"]],
                "antiReplay": "time", "timeWindow": 5}

    def signer(stage):
        """The key id the master's adverts carry in `stage`, or None when they are plain."""
        s = stage[1]
        return None if s is None or s["mode"] == "receive-only" else s["active"]

    def auth_drops(node):
        d = node.instance("vi")["drops"]
        return {k: v for k, v in d.items() if (k.startswith("auth_") or k == "length_mismatch") and v}

    def one_master():
        return m.state("vi") == "MASTER" and b.state("vi") == "BACKUP" and c.holders() == [m]

    def transitions(node):
        i = node.instance("vi")
        return i["counters"]["transitions"], [(t["from"], t["to"], t["reason"]) for t in i["lastTransitions"]]

    def attempt(number):
        """One whole sweep on freshly started daemons; returns the master's adverts and stage
        timeline, or raises MachineStall (void) or AssertionError (failed)."""
        for n in (b, m):  # the backup first, so that the master preempts it: a known start
            n.hafd(instances(n))
        c.wait_master(m)
        wait_until("canary elected", lambda: m.state("canary") == "MASTER" and b.state("canary") == "BACKUP", 3)
        baseline = {n.name: transitions(n) for n in c.nodes}
        check(b.instance("vi")["auth"] is None and m.instance("vi")["auth"] is None, "auth before any")
        monitor = m.spawn("ipmonitor", ["ip", "monitor", "address"])
        cap = lab.capture()
        master_timeline = []  # (wall-clock start and end of the master's reload, its new stage)
        current = {b.name: stages[0], m.name: stages[0]}
        sweep_start = time.time()
        master_timeline.append((sweep_start, sweep_start, stages[0]))

        def dwell(what):
            """Stays DWELL seconds, checking all along that nothing moved and that the backup
            keeps accepting the master's adverts."""
            before = b.instance("vi")["counters"]["adverts_in"]
            end = time.monotonic() + DWELL
            while time.monotonic() < end:
                check(one_master(), f"{what}: not one master: n2 {m.state('vi')}, n1 {b.state('vi')}, "
                                    f"holders {[n.name for n in c.holders()]}")
                time.sleep(0.05)
            got = b.instance("vi")["counters"]["adverts_in"] - before
            check(got >= DWELL / c.interval / 2, f"{what}: the backup accepted only {got} adverts")
            for n in (b, m):
                check(not auth_drops(n), f"{what}: {n.name} dropped adverts: {auth_drops(n)}")

        def move(node, stage, what):
            start = time.time()
            rc, out = node.reload(instances(node), **sections(stage))
            done = time.time()
            if node is m:
                master_timeline.append((start, done, stage))
            check(rc == 0 and "0 replaced" in out and "0 added" in out and "0 removed" in out,
                  f"{what}: reload of {node.name}: {rc} {out}")
            got = node.instance("vi")["auth"]
            check(got == expected_status(stage), f"{what}: {node.name}'s auth status {got}, "
                                                 f"expected {expected_status(stage)}")
            current[node.name] = stage
            dwell(f"{what} (n1 {current[b.name][0]}, n2 {current[m.name][0]})")

        pkts = None
        try:
            dwell("start")
            t0 = time.monotonic()
            for old, new in zip(stages, stages[1:]):
                step = f"{old[0]} -> {new[0]}"
                # Both mixed states of the step: the backup ahead (then back), the master ahead.
                move(b, new, step + ", backup first")
                move(b, old, step + ", backup back")
                move(m, new, step + ", master first")
                move(b, new, step + ", backup last")
                print(f"{step}: hitless in both orders")
            print(f"sweep of {4 * (len(stages) - 1)} reloads: {time.monotonic() - t0:.1f}s")
            sweep_end = time.time()
            pkts = cap.stop()
            monitor.stop()
            for n in c.nodes:
                now = transitions(n)
                check(now == baseline[n.name], f"{n.name}: transitions moved: {baseline[n.name]} -> {now}")
                check(not auth_drops(n), f"{n.name} dropped adverts: {auth_drops(n)}")
            deleted = [l for l in monitor.log_text().splitlines() if l.startswith("Deleted") and c.vip in l]
            check(not deleted, f"the VIP left the master's interface: {deleted}")
            check(not [a for a in adverts(pkts, src=advert_source(b, fam)) if a["vrid"] == c.vrid],
                  "the backup sent adverts")
            sent = [a for a in adverts(pkts, src=advert_source(m, fam)) if a["vrid"] == c.vrid]
            times = [a["time"] for a in sent]
            gaps = [y - x for x, y in zip(times, times[1:])]
            span = sweep_end - sweep_start
            check(len(times) >= span / c.interval * 0.8, f"only {len(times)} adverts in {span:.1f}s")
            check(times[0] - sweep_start <= 1.5 * c.interval and sweep_end - times[-1] <= 1.5 * c.interval,
                  "adverts missing at the ends of the sweep")
            print(f"{len(times)} adverts from the master in {span:.1f}s, largest gap {max(gaps) * 1000:.1f} ms")
            check(max(gaps) <= 1.5 * c.interval,
                  f"largest gap between the master's adverts {max(gaps) * 1000:.1f} ms")
            return sent, master_timeline, sweep_end
        except AssertionError as e:
            if pkts is None:
                pkts = cap.stop()
            # Was the master's whole process stalled while it was not reloading?
            canary = [a["time"] for a in adverts(pkts, src=advert_source(m, fam)) if a["vrid"] == 52]
            reloading = [(s - GRACE, d + GRACE) for s, d, _ in master_timeline[1:]]
            stalls = [(x, y) for x, y in zip(canary, canary[1:]) if y - x > 1.5 * c.interval
                      and not any(s < y and x < d for s, d in reloading)]
            # A shorter stall may delay one instance's advert and not the other's: the master's
            # own stall watch ("loop stalled for N ms", late on its timer) measures it. A gap of
            # the master's adverts outside its reloads that is in bounds less such a stall is the
            # machine's too.
            main = [a["time"] for a in adverts(pkts, src=advert_source(m, fam)) if a["vrid"] == c.vrid]
            host = loop_stalls(m)
            stalls += [(x, y) for x, y in zip(main, main[1:]) if y - x > 1.5 * c.interval
                       and not any(s < y and x < d for s, d in reloading)
                       and any(e - n < y and x < e and y - x - n <= 1.5 * c.interval
                               for e, n in host)]
            if not stalls:
                raise
            for n in (b, m):
                n.hafd_proc.stop()
            monitor.stop()
            raise MachineStall(f"attempt {number}: {e}; but the machine stalled the master "
                               f"(its canary, or its own stall watch): "
                               f"{', '.join(f'{(y - x) * 1000:.0f} ms' for x, y in stalls)}, "
                               "while the master was not reloading: void") from None

    def loop_stalls(node):
        """(wall-clock end, length) of each stall of node's loop its hafd logged."""
        out = []
        for line in node.hafd_proc.log_text().splitlines():
            hit = re.match(r"(\S+ \S+) debug: loop stalled for ([0-9.]+)ms", line)
            if hit:
                end = datetime.datetime.strptime(hit.group(1), "%Y-%m-%d %H:%M:%S.%f").timestamp()
                out.append((end, float(hit.group(2)) / 1000))
        return out

    for number in range(1, ATTEMPTS + 1):
        try:
            sent, master_timeline, sweep_end = attempt(number)
            break
        except MachineStall as e:
            print(e)
            if number == ATTEMPTS:
                raise AssertionError(f"{ATTEMPTS} attempts, each disturbed by the machine") from None

    # What the master's adverts carried, stage by stage (those sent while a reload ran are not judged).
    judged = {}
    for k, (start, done, stage) in enumerate(master_timeline):
        until = master_timeline[k + 1][0] if k + 1 < len(master_timeline) else sweep_end
        key = signer(stage)
        window = [a for a in sent if done + GRACE <= a["time"] < until]
        check(window, f"no advert from the master in stage {stage[0]}")
        for a in window:
            p = a["payload"]
            if key is None:
                check(len(p) == message, f"{stage[0]}: a {len(p)}-byte advert, expected plain {message}")
            else:
                check(len(p) == message + 28, f"{stage[0]}: a {len(p)}-byte advert, expected {message} + 28")
                check(p[message] == 1 and p[message + 1] == key,
                      f"{stage[0]}: trailer scheme {p[message]} key id {p[message + 1]}, expected 1 and {key}")
        judged[stage[0]] = (len(window), key)
    print("master's adverts per stage (count, key id):", judged)

    # Why the order matters: a node without auth next to one in enforce. Each drops the other's
    # adverts (the signed ones are too long for it; the plain ones miss the trailer), so the
    # backup stops hearing the master and both are masters.
    rc, out = b.reload([c.instance(0)])
    check(rc == 0, f"reload of n1 to no auth: {rc} {out}")
    wait_until("two masters", lambda: b.state("vi") == "MASTER" and m.state("vi") == "MASTER"
               and b.has(c.vip) and m.has(c.vip), 3 * c.master_down_interval(100) + 2)
    wait_until("each dropping the other's adverts",
               lambda: b.instance("vi")["drops"]["length_mismatch"] > 0
               and m.instance("vi")["drops"]["auth_missing"] > 0, 3)
    time.sleep(4 * c.master_down_interval(100))
    check(b.state("vi") == "MASTER" and m.state("vi") == "MASTER", "the split brain healed by itself")
    check("missing authentication trailer" in m.hafd_proc.log_text(), "n2 did not log the missing trailer")
    print("enforce beside no auth: two masters; n1 length_mismatch",
          b.instance("vi")["drops"]["length_mismatch"], "n2 auth_missing", m.instance("vi")["drops"]["auth_missing"])
