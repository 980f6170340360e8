#!/usr/bin/python3
# asan
# timeout: 60
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (metrics): `hafctl metrics` prints Prometheus text that Prometheus' own parser
(python3-prometheus-client) reads, on every node of a cluster of two nodes and a witness, with
the values status shows: state (keepalived's numbers), effective and base priority, adverts
sent and received, the check, quorum, and each peer's heartbeat age."""
import subprocess
import time

from prometheus_client.parser import text_string_to_metric_families

from lab import HAFD, SCRIPT_USER, Cluster, Lab, check, log

with Lab("metrics") as lab:
    probe = lab.script("probe", "#!/bin/sh\nexit 0\n")
    sections = {"scripts": {"user": SCRIPT_USER},
                "checks": [{"name": "svc", "exec": [probe], "interval": 0.3, "timeout": 0.2,
                            "fall": 1, "rise": 1}]}
    c = Cluster(lab, "v4", [200, 150], interval=0.1, preempt=False, witness=True,
                sections=sections, cluster={"heartbeat": 0.2, "lease": 1, "margin": 1.5})
    n1, n2 = c.nodes
    c.start_all(track=[{"check": "svc", "weight": 10}])
    c.wait_master(n1, timeout=15)
    time.sleep(1.5)  # adverts to count

    def metrics(node):
        r = subprocess.run([HAFD, "ctl", "--runtime-dir", node.runtime, "metrics"],
                           capture_output=True, text=True, timeout=20)
        check(r.returncode == 0, f"hafctl metrics on {node.name}: {r.returncode} {r.stderr}")
        samples = {}
        for family in text_string_to_metric_families(r.stdout):
            for s in family.samples:
                samples.setdefault(s.name, []).append((s.labels, s.value))
        return r.stdout, samples

    def one(samples, name, **labels):
        found = [v for l, v in samples.get(name, []) if all(l.get(k) == w for k, w in labels.items())]
        check(len(found) == 1, f"{name}{labels}: {found} in {sorted(samples)}")
        return found[0]

    for node in (n1, n2, c.witness):
        text, m = metrics(node)
        check(one(m, "hafd_up") == 1 and one(m, "hafd_cluster_quorum") == 1,
              f"{node.name}: up and quorum")
        check(one(m, "hafd_cluster_votes") == 3 and one(m, "hafd_cluster_votes_heard") == 3,
              f"{node.name}: votes")
        for peer in {n1, n2, c.witness} - {node}:
            age = one(m, "hafd_cluster_heartbeat_age_seconds", node=peer.name)
            check(0 <= age < 1, f"{node.name}: heartbeat age of {peer.name} {age}")
        if node is c.witness:
            check("hafd_instance_state" not in m, "the witness has no instance")
            continue
        state, prio, base = (2, 210, 200) if node is n1 else (1, 160, 150)
        check(one(m, "hafd_instance_state", instance="vi") == state, f"{node.name}: state")
        check(one(m, "hafd_instance_priority", instance="vi") == prio, f"{node.name}: priority")
        check(one(m, "hafd_instance_base_priority", instance="vi") == base, f"{node.name}: base")
        check(one(m, "hafd_check_up", check="svc") == 1, f"{node.name}: check")
        check(one(m, "hafd_check_runs_total", check="svc") >= 1, f"{node.name}: check runs")
        # The check's runs are the runner's children; none timed out or failed to start.
        check(one(m, "hafd_commands_started_total") >= one(m, "hafd_check_runs_total", check="svc"),
              f"{node.name}: commands started")
        check(one(m, "hafd_commands_timed_out_total") == 0 and
              one(m, "hafd_commands_spawn_failures_total") == 0, f"{node.name}: command failures")
        sent = one(m, "hafd_adverts_sent_total", instance="vi")
        received = one(m, "hafd_adverts_received_total", instance="vi")
        check((sent > 10) if node is n1 else (received > 10), f"{node.name}: adverts {sent}/{received}")
        log(f"{node.name}: {len(text.splitlines())} lines parsed; state {state}, priority {prio}/{base}, "
            f"adverts sent {sent:.0f}, received {received:.0f}")
    print("hafctl metrics parsed by prometheus_client on 3 nodes")
