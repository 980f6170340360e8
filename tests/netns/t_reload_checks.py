#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Reload with checks and tracks: a changed weight applies in place (no transition, the check
keeps its state and counts); a check whose interval changes keeps its state; a check whose
command changes starts again unknown; tracks removed give the base priority back; a notify
command added applies to the next transition."""
import os

from lab import Lab, SCRIPT_USER, check, hafd_conf, wait_until

with Lab("reload-checks") as lab:
    rec = lab.shared("rec")
    flag = os.path.join(rec, "down")
    probe = lab.script("probe", '#!/bin/sh\n[ ! -e "$1" ]\n')
    probe2 = lab.script("probe2", '#!/bin/sh\n[ ! -e "$1" ]\n')
    a = lab.node("n1", 1)
    open(flag, "w").close()  # the check fails from the start

    def conf(weight=-60, interval=0.2, program=probe, tracks=True):
        inst = {"name": "vi", "interface": "eth0", "vrid": 51, "priority": 200,
                "advert_interval": 0.1, "addresses": ["198.51.100.10"]}
        if tracks:
            inst["track"] = [{"check": "svc", "weight": weight}]
        return hafd_conf([inst], scripts={"user": SCRIPT_USER},
                         checks=[{"name": "svc", "exec": [program, flag], "interval": interval,
                                  "timeout": 0.15, "fall": 2, "rise": 2}])

    a.hafd(conf=conf())
    wait_until("n1 master at 140", lambda: a.instance("vi")["state"] == "MASTER"
               and a.instance("vi")["priority"] == 140, 5)

    def snapshot():
        st = a.status()
        return st["instances"][0], (st["checks"] or [None])[0]

    inst, chk = snapshot()
    transitions = inst["counters"]["transitions"]

    rc, out = a.reload(conf=conf(weight=-80))
    check(rc == 0, out)
    inst, chk2 = snapshot()
    check(inst["priority"] == 120, f"weight -80 not applied in place: {inst['priority']}")
    check(inst["counters"]["transitions"] == transitions, "a weight change made a transition")
    check(chk2["health"] == "down" and chk2["runs"] >= chk["runs"], f"check restarted: {chk2}")

    rc, out = a.reload(conf=conf(weight=-80, interval=0.3))
    check(rc == 0, out)
    _, chk3 = snapshot()
    check(chk3["health"] == "down" and chk3["runs"] >= chk2["runs"], f"interval change: {chk3}")

    rc, out = a.reload(conf=conf(weight=-80, interval=0.3, program=probe2))
    check(rc == 0, out)
    _, chk4 = snapshot()
    check(chk4["runs"] < chk3["runs"], f"a new command kept the old check's counts: {chk4}")
    wait_until("the new check to be known", lambda: snapshot()[1]["health"] == "down", 3)
    check(a.instance("vi")["priority"] == 120, f"priority: {a.instance('vi')['priority']}")

    rc, out = a.reload(conf=conf(tracks=False))
    check(rc == 0, out)
    inst, _ = snapshot()
    check(inst["priority"] == 200 and inst["tracks"] == [], f"tracks removed: {inst}")
    check(inst["counters"]["transitions"] == transitions, "reloads made transitions")
