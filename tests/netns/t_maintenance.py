#!/usr/bin/python3
# timeout: 90
# SPDX-License-Identifier: Apache-2.0
"""Issue 11 (maintenance): `hafctl maintenance on` drains a node: its master hands over
gracefully (never two holders while it drains, 10 ms sampling), and it stays out, in FAULT
with the cause "maintenance" in status, through a reload and a restart (kept in the runtime
directory), until `hafctl maintenance off`. One instance can be drained alone; an unknown instance is refused
(exit 1); a wrong operand is a usage error (exit 2)."""
import os
import signal
import time

from lab import Cluster, Lab, check, hafctl, log

with Lab("maint") as lab:
    c = Cluster(lab, "v4", [200, 100], interval=0.1)
    n1, n2 = c.nodes
    c.start_all()
    c.wait_master(n1)
    sampler = c.sampler()


    def drained(node):
        i = node.instance("vi")
        return i["state"] == "FAULT" and "maintenance" in i["faults"]

    # Bad requests change nothing.
    rc, out = hafctl(n1, "maintenance", "perhaps")
    check(rc == 2 and "on or off" in out, f"maintenance perhaps: {rc} {out}")
    rc, out = hafctl(n1, "maintenance", "on", "nosuch")
    check(rc == 1 and "no instance nosuch" in out, f"maintenance on nosuch: {rc} {out}")
    check(n1.state("vi") == "MASTER", "a refused request changed the state")

    t0 = time.monotonic()
    rc, out = hafctl(n1, "maintenance", "on")
    check(rc == 0 and "the node is in maintenance" in out and "released" in out,
          f"maintenance on: {rc} {out}")
    c.wait_master(n2)
    check(drained(n1), f"n1: {n1.instance('vi')}")
    rc, text = hafctl(n1, "status")
    check("fault: maintenance" in text, f"status text:\n{text}")
    with open(os.path.join(n1.runtime, "maintenance")) as f:
        check(f.read() == "node\n", "the runtime directory keeps it")

    # A reload, with and without a change, keeps it.
    rc, out = n1.reload()
    check(rc == 0, f"reload: {out}")
    rc, out = n1.reload([c.instance(0, priority=210)])
    check(rc == 0, f"reload with a new priority: {out}")
    time.sleep(3 * c.master_down_interval(100))
    check(drained(n1) and n2.state("vi") == "MASTER", "a reload ended maintenance")

    # So does a restart.
    n1.hafd_proc.stop(signal.SIGTERM)
    c.start(0, priority=210)
    time.sleep(3 * c.master_down_interval(100))
    check(drained(n1) and n2.state("vi") == "MASTER", "a restart ended maintenance")
    check("maintenance: the node is drained" in n1.hafd_proc.log_text(), "not said at start")

    # Off for one instance while the node is drained: it stays out, and says why.
    rc, out = hafctl(n1, "maintenance", "off", "vi")
    check(rc == 0 and "stays in maintenance" in out, f"off vi: {rc} {out}")
    check(drained(n1), "off for the instance undid the node's maintenance")

    # The drains so far, a reload and a restart: never two holders. What follows brings n1 back
    # by preemption, which VRRP does by claiming first (the old master releases on hearing
    # it): plain VRRP, no cluster here, may overlap for the time an advert takes. Only the
    # drains are sampled.
    def no_dual(sampler, what):
        sampler.stop()
        dual = sampler.dual()
        check(dual == 0, f"{what}: two holders in {dual} samples of {sampler.count}")
        log(f"{what}: {sampler.count} samples, never two holders; longest without a holder "
            f"{sampler.longest_without_holder()[0] * 1000:.0f} ms")
    no_dual(sampler, "the node drained")

    # Off: back in service, and (priority 210, preempt) master again.
    rc, out = hafctl(n1, "maintenance", "off")
    check(rc == 0 and "back in service" in out, f"maintenance off: {rc} {out}")
    c.wait_master(n1)

    # One instance alone.
    sampler = c.sampler()
    rc, out = hafctl(n1, "maintenance", "on", "vi", "--json")
    check(rc == 0 and '"ok":true' in out and "instance vi is in maintenance" in out,
          f"maintenance on vi --json: {rc} {out}")
    c.wait_master(n2)
    no_dual(sampler, "one instance drained")
    with open(os.path.join(n1.runtime, "maintenance")) as f:
        check(f.read() == "instance vi\n", "the runtime directory keeps the instance")
    rc, out = hafctl(n1, "maintenance", "off", "vi")
    check(rc == 0, f"off vi: {rc} {out}")
    c.wait_master(n1)
