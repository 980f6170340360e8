#!/usr/bin/python3
# params: v4 v6
# timeout: 240
# SPDX-License-Identifier: Apache-2.0
"""hafd with auth beside keepalived 2.2.7 (Debian's, which has no auth_hmac) on one VRID, for each
mode and with either side the higher priority. keepalived runs throughout (priority 150); hafd
joins it with 200 or 100. What happens, as measured:
- receive-only: hafd sends plain VRRP and accepts keepalived's: one master, the higher one, both
  directions accepted, nothing auth-related dropped. The only mode that coexists.
- permissive: hafd signs; keepalived drops hafd's adverts ("packet too long") while hafd accepts
  keepalived's. hafd higher: two masters (keepalived never hears hafd). keepalived higher: one
  master, keepalived (hafd hears it and stays BACKUP, sending nothing).
- enforce: each drops the other's (hafd counts auth_missing, logs "missing authentication
  trailer"): two masters whatever the priorities.
Beside hafd, MASTER and signing, keepalived (MASTER too) sends few adverts: it restarts its advert
timer on every advert for its VRID, even one it drops.
On a shared machine a daemon now and then gets no CPU for 0.25-0.4 s (see t_auth_rollout.py): a
scenario whose one master stopped advertising before the other side sent anything is void and
runs again, at most 3 times."""
import os
import time
from lab import (Lab, Cluster, param, check, wait_until, keepalived_conf, keepalived_state,
                 auth_section, adverts, advert_source)

HOLD = 1.5  # seconds an outcome must stay
ATTEMPTS = 3


class MachineStall(Exception):
    pass


with Lab("authka") as lab:
    fam = param()
    c = Cluster(lab, fam, [200, 150])
    h, k = c.nodes  # n1 runs hafd, n2 keepalived
    mdi = c.master_down_interval(100)
    message = 8 + (4 if fam == "v4" else 16) * len(c.vips)
    auth_keys = ("auth_missing", "auth_malformed", "auth_unknown_key", "auth_bad_hmac",
                 "auth_stale", "auth_replay", "length_mismatch")

    def hafd_master():
        return h.hafd_proc.alive() and h.state("vi") == "MASTER" and h.has(c.vip)

    def ka_master():
        return keepalived_state(k) == "MASTER" and k.has(c.vip)

    outcomes = {
        "hafd": lambda: hafd_master() and keepalived_state(k) == "BACKUP" and not k.has(c.vip),
        "keepalived": lambda: ka_master() and h.state("vi") == "BACKUP" and not h.has(c.vip),
        "two masters": lambda: hafd_master() and ka_master(),
    }

    def drops(status=None):
        d = (status or h.instance("vi"))["drops"]
        return {r: d[r] for r in auth_keys if d.get(r)}

    def describe():
        return (f"hafd {h.state('vi')} (VIP {h.has(c.vip)}), keepalived {keepalived_state(k)} "
                f"(VIP {k.has(c.vip)}), hafd drops {drops()}")

    k.keepalived(keepalived_conf("n2", fam, c.vrid, 150, c.interval, c.vips))
    wait_until("keepalived master", ka_master, 4 * mdi + 10)

    def hafd_log_size():
        path = os.path.join(h.dir, "hafd.log")
        return os.path.getsize(path) if os.path.exists(path) else 0

    def stalled(pkts, node, since, other):
        """Gaps of 3 intervals or more (near a Master_Down_Interval, so the other side may take
        over; keepalived's own jitter reaches 1.5) in `node`'s adverts after `since` (when it was
        the one master and `other` silent) that began before `other` sent anything: `node`'s
        process stalled. keepalived, MASTER, also goes quiet on its own once hafd's adverts
        arrive, and a backup that takes over silences the master: only a gap before that tells."""
        first_other = min((a["time"] for a in adverts(pkts, src=advert_source(other, fam))
                           if a["time"] >= since), default=float("inf"))
        times = [a["time"] for a in adverts(pkts, src=advert_source(node, fam))
                 if a["time"] >= since - 2 * c.interval]
        return [(x, y) for x, y in zip(times, times[1:]) if y - x >= 3 * c.interval and x < first_other]

    def attempt(mode, prio, outcome, what):
        ka_log = len(k.keepalived_proc.log_text())
        hafd_log = hafd_log_size()
        cap = lab.capture()
        c.priorities[0] = prio
        c.start(0, sections={"auth": auth_section(lab, mode=mode)})
        try:
            wait_until(f"{what}: {outcome}", outcomes[outcome], 4 * mdi + 5)
        except AssertionError:
            raise AssertionError(f"{what}: expected {outcome}, got {describe()}") from None
        reached = time.time()
        failure = None
        try:
            t0 = time.time()
            before = h.instance("vi")["counters"]
            t1 = time.time()
            end = time.monotonic() + HOLD
            while time.monotonic() < end:
                check(outcomes[outcome](), f"{what}: {outcome} did not hold: {describe()}")
                time.sleep(0.05)
            t2 = time.time()
            after = h.instance("vi")
            t3 = time.time()
        except AssertionError as e:
            failure = e
        pkts = cap.stop()
        # A stall of the one master's process during the hold voids the attempt, whether it made
        # the hold fail or only let the other side send meanwhile (checked below).
        master, other = {"hafd": (h, k), "keepalived": (k, h)}.get(outcome, (None, None))
        gaps = stalled(pkts, master, reached, other) if master else []
        if gaps:
            h.hafd_proc.stop()
            wait_until(f"{what}: keepalived master again", ka_master, 4 * mdi + 5)
            raise MachineStall(f"{what}: {failure or 'passed'}; but {master.name}'s adverts stopped "
                               f"for {', '.join(f'{(y - x) * 1000:.0f} ms' for x, y in gaps)} "
                               "before the other side sent any: a stalled process, void")
        if failure:
            raise failure
        check(after["auth"]["mode"] == mode, f"{what}: hafd's status says mode {after['auth']}")
        rc = h.hafd_proc.stop()
        check(rc == 0, f"{what}: hafd exited {rc}")
        ka_text = k.keepalived_proc.log_text()[ka_log:]
        with open(os.path.join(h.dir, "hafd.log"), errors="replace") as f:
            f.seek(hafd_log)
            hafd_text = f.read()
        sent = {n: adverts(pkts, src=advert_source(n, fam)) for n in (h, k)}
        got = {"in": after["counters"]["adverts_in"] - before["adverts_in"],
               "out": after["counters"]["adverts_out"] - before["adverts_out"],
               "in_total": after["counters"]["adverts_in"], "drops": drops(after),
               # keepalived's adverts on the wire during the hold: surely in it, and perhaps.
               "ka_sent": (sum(t1 <= a["time"] <= t2 for a in sent[k]),
                           sum(t0 <= a["time"] <= t3 for a in sent[k])),
               "hafd_sent": sum(t1 <= a["time"] <= t2 for a in sent[h]),
               "hafd_lengths": {len(a["payload"]) for a in sent[h]},
               "too_long": sum("vrrp packet too long" in l for l in ka_text.splitlines())}
        print(f"{what}: {outcome}; in {HOLD}s hafd sent {got['hafd_sent']} adverts "
              f"(payload {sorted(got['hafd_lengths'])} bytes) and keepalived {got['ka_sent'][0]}; "
              f"hafd accepted {got['in']}, dropped {got['drops']}; keepalived logged "
              f"'vrrp packet too long' {got['too_long']} times")
        # Back to keepalived alone, the master, before the next scenario.
        wait_until(f"{what}: keepalived master again", ka_master, 4 * mdi + 5)
        return got, hafd_text

    def scenario(mode, prio, outcome):
        """hafd joins keepalived (the master) in `mode` with priority `prio`; `outcome` must come
        and stay HOLD seconds. Returns what both sent and hafd accepted and dropped in that time,
        and hafd's log. An attempt during which the expected master's process stalled is void
        (at most ATTEMPTS)."""
        what = f"{mode}, hafd {prio} vs keepalived 150"
        for number in range(1, ATTEMPTS + 1):
            try:
                return attempt(mode, prio, outcome, what)
            except MachineStall as e:
                print(f"attempt {number}: {e}")
        raise AssertionError(f"{what}: {ATTEMPTS} attempts, each disturbed by the machine")

    per_hold = HOLD / c.interval  # adverts a master sends in HOLD (15)

    def quiet_keepalived(got, what):
        """keepalived 2.2.7, MASTER, restarts its advert timer on every advert that arrives for its
        VRID, even one it drops as too long: beside hafd, MASTER at the same interval, it sends
        only when hafd's next advert is late, a few in HOLD instead of 15."""
        check(got["ka_sent"][1] < per_hold / 2,
              f"{what}: keepalived, MASTER, sent {got['ka_sent'][1]} adverts in {HOLD}s")

    def accepted_all(got, what):
        """hafd accepted every advert keepalived sent during the hold (give or take the edges)."""
        lo, hi = got["ka_sent"]
        check(lo - 2 <= got["in"] <= hi + 2,
              f"{what}: keepalived sent {lo}..{hi} adverts, hafd accepted {got['in']}")

    # receive-only: plain VRRP both ways, one master, the higher one.
    got, _ = scenario("receive-only", 200, "hafd")
    check(got["hafd_lengths"] == {message}, f"receive-only: hafd sent {got['hafd_lengths']}-byte adverts")
    check(got["hafd_sent"] >= per_hold / 2 and got["ka_sent"][1] == 0,
          f"receive-only: hafd master sent {got['hafd_sent']}, keepalived backup {got['ka_sent']}")
    check(got["too_long"] == 0, "receive-only: keepalived dropped hafd's adverts as too long")
    check(not got["drops"], f"receive-only: hafd dropped {got['drops']}")
    got, _ = scenario("receive-only", 100, "keepalived")
    check(got["in"] >= per_hold / 2 and not got["hafd_lengths"],
          f"receive-only: hafd backup accepted {got['in']} adverts and sent {got['hafd_lengths']}")
    accepted_all(got, "receive-only")
    check(not got["drops"], f"receive-only: hafd dropped {got['drops']}")

    # permissive: hafd signs and keepalived drops that as too long; hafd accepts plain VRRP.
    got, _ = scenario("permissive", 200, "two masters")
    check(got["hafd_lengths"] == {message + 28}, f"permissive: hafd sent {got['hafd_lengths']}-byte adverts")
    check(got["too_long"] > 0, "permissive: keepalived did not log 'vrrp packet too long'")
    quiet_keepalived(got, "permissive")
    accepted_all(got, "permissive")
    check(not got["drops"], f"permissive: hafd dropped {got['drops']}")
    got, _ = scenario("permissive", 100, "keepalived")
    check(got["in"] >= per_hold / 2 and not got["hafd_lengths"],
          f"permissive: hafd backup accepted {got['in']} adverts and sent {got['hafd_lengths']}")
    check(got["too_long"] == 0, "permissive: keepalived saw a signed advert from a backup")
    accepted_all(got, "permissive")
    check(not got["drops"], f"permissive: hafd dropped {got['drops']}")

    # enforce: each drops the other's adverts, two masters whichever is higher.
    for prio in (200, 100):
        what = f"enforce, hafd {prio}"
        got, hafd_text = scenario("enforce", prio, "two masters")
        check(got["hafd_lengths"] == {message + 28}, f"{what}: hafd sent {got['hafd_lengths']}-byte adverts")
        check(got["too_long"] > 0, f"{what}: keepalived did not log 'vrrp packet too long'")
        quiet_keepalived(got, what)
        check(got["in_total"] == 0, f"{what}: hafd accepted {got['in_total']} adverts")
        check(set(got["drops"]) == {"auth_missing"}, f"{what}: hafd dropped {got['drops']}")
        check("missing authentication trailer" in hafd_text, f"{what}: hafd did not log the missing trailer")
