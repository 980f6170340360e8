#!/usr/bin/python3
# timeout: 60
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (status): `hafctl status` on every node of a 3-node cluster shows the instance with
its state, fault causes, effective and base priority, VIPs, tracks with results, the last
transition with its reason and age, quorum, and the cluster view of every node; `--json`
validates against the documented shape (src/ctl/status.schema.json, python3-jsonschema), also
with a claim held and a fault present.

Three nodes (200, 150, 100) with heartbeats, each with an exec check tracked with weight -60;
the check of n3 fails, so n3 shows priority 40 of base 100 and the track down."""
import json
import os
import subprocess

import jsonschema

from lab import HAFD, SCRIPT_USER, Cluster, Lab, check, log, wait_until

SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../src/ctl/status.schema.json")

with open(SCHEMA) as f:
    schema = json.load(f)
jsonschema.Draft202012Validator.check_schema(schema)
validator = jsonschema.Draft202012Validator(schema)

with Lab("status-schema") as lab:
    probe = lab.script("probe", '#!/bin/sh\n[ ! -e "$1" ]\n')
    down = lab.shared("flags")

    def sections(node):
        return {"scripts": {"user": SCRIPT_USER},
                "checks": [{"name": "svc", "exec": [probe, os.path.join(down, node.name)],
                            "interval": 0.3, "timeout": 0.2, "fall": 1, "rise": 1}]}

    c = Cluster(lab, "v4", [200, 150, 100], interval=0.1, preempt=False,
                cluster={"heartbeat": 0.2, "lease": 1, "margin": 1.5})
    n1, n2, n3 = c.nodes
    open(os.path.join(down, n3.name), "w").close()
    for i, n in enumerate(c.nodes):
        c.start(i, sections=sections(n), track=[{"check": "svc", "weight": -60}])
    c.wait_master(n1, timeout=15)
    for n in c.nodes:
        wait_until(f"{n.name} to hear every node",
                   lambda n=n: (n.status()["cluster"] or {}).get("heard") == 3, 5)

    def hafctl(node, *args):
        r = subprocess.run([HAFD, "ctl", "--runtime-dir", node.runtime, "status", *args],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, f"hafctl status {' '.join(args)} on {node.name}: {r.stderr}")
        return r.stdout

    for n, state, prio, base in ((n1, "MASTER", 200, 200), (n2, "BACKUP", 150, 150),
                                 (n3, "BACKUP", 40, 100)):
        doc = json.loads(hafctl(n, "--json"))
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        check(not errors, f"{n.name}: --json does not match the schema: "
              + "; ".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:5]))
        inst = doc["instances"][0]
        check(inst["state"] == state and inst["priority"] == prio and inst["basePriority"] == base,
              f"{n.name}: {inst['state']} {inst['priority']}/{inst['basePriority']}")
        text = hafctl(n)
        want = [state, f"{prio:4d} {base:4d}", c.vip, "last transition:", "ago",
                "track svc", "up" if n is not n3 else "down", "quorum yes (3 of 3 votes heard",
                n1.name, n2.name, n3.name, "(master_down)" if n is n1 else "(startup)"]
        missing = [w for w in want if w not in text]
        check(not missing, f"{n.name}: the text lacks {missing}:\n{text}")
        cluster = doc["cluster"]
        check({x["name"] for x in cluster["nodes"]} == {"n1", "n2", "n3"} and cluster["quorum"],
              f"{n.name}: cluster view {cluster}")
        log(f"{n.name}: --json valid, text shows state, priorities, VIPs, track, last transition, "
            "quorum and every node")

    # A fault and a held claim validate too: n1 stopped (SIGSTOP), n2 waits for lease + margin.
    n1.hafd_proc.send_signal(19)
    try:
        seen = set()

        def claim_held():
            doc = json.loads(hafctl(n2, "--json"))
            errors = list(validator.iter_errors(doc))
            check(not errors, f"n2 while claiming: {errors[:3]}")
            stage = (doc["instances"][0]["claim"] or {}).get("stage")
            seen.add(stage)
            return stage == "waiting"
        wait_until("n2 to hold a claim", claim_held, 5)
    finally:
        n1.hafd_proc.send_signal(18)
    log(f"claim stages seen on n2: {sorted(s for s in seen if s)}")
    print("3 nodes: status --json valid against src/ctl/status.schema.json on each; text complete")
