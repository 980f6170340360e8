# SPDX-License-Identifier: Apache-2.0
"""Who holds a VIP, sampled every 10 ms from the kernels of every node (issue 10, "Must show").

A thread asks each node's kernel for its addresses of the VIP's family (one RTM_GETADDR dump on
a NETLINK_ROUTE socket opened inside the node's namespace, nl.Netlink) every `period` seconds and
records (monotonic time, set of holders). One sample of every node takes a fraction of a
millisecond (`timing()` says how much), so a dual holder lasting longer than one period cannot
be missed unless the sampler itself is held up, which `max_interval()` shows.

Memory is bounded: samples live in a ring of `capacity` (default one hour at 10 ms, 16 bytes a
sample); the figures over the whole run (dual samples, the longest time without a holder, each
node's last hold) are kept as running totals, so they stay exact after the ring wraps, while
queries over a time window need the window to be in the ring (they fail loudly otherwise).
Every sample is also written to `holders.log` in the lab directory ("time holders", a line each,
holders comma-separated or "-"), and a failing test prints the transitions (dump_logs).

Times are time.monotonic(), the sample's start; the dump of all nodes ends `timing()` later.
"""
import socket
import struct
import threading
import time
from array import array
from bisect import bisect_left, bisect_right

from nl import NLMSG_DONE, NLMSG_ERROR, NLM_F_DUMP, NLM_F_REQUEST, RTM_GETADDR, RTM_NEWADDR, Netlink

IFA_ADDRESS, IFA_LOCAL = 1, 2


def _align(n):
    return (n + 3) & ~3


class _Link:
    """A node's netlink socket and one prebuilt dump request for one address family."""

    def __init__(self, node, family):
        self.name = node.name
        self.nl = Netlink(node.ns)
        self.family = family
        self.seq = 0

    def holds(self, raw):
        """Whether any address of the node equals `raw` (packed). Reads the whole dump."""
        self.seq = (self.seq + 1) & 0xFFFFFFFF
        body = struct.pack("=BBBBI", self.family, 0, 0, 0, 0)
        self.nl.sock.send(struct.pack("=LHHLL", 16 + len(body), RTM_GETADDR,
                                      NLM_F_REQUEST | NLM_F_DUMP, self.seq, 0) + body)
        found = False
        while True:
            data = self.nl.sock.recv(1 << 16)
            off = 0
            while off + 16 <= len(data):
                length, kind, _flags, seq, _pid = struct.unpack_from("=LHHLL", data, off)
                if length < 16:
                    raise OSError("netlink: bad message length")
                if seq != self.seq:  # a late answer to an earlier request (a timeout): skip it
                    off += _align(length)
                    continue
                if kind == NLMSG_DONE:
                    return found
                if kind == NLMSG_ERROR:
                    raise OSError(-struct.unpack_from("=i", data, off + 16)[0], "RTM_GETADDR")
                if kind == RTM_NEWADDR and not found:
                    a = off + 16 + 8
                    end = off + length
                    while a + 4 <= end:
                        alen, atype = struct.unpack_from("=HH", data, a)
                        if alen < 4:
                            break
                        if atype in (IFA_LOCAL, IFA_ADDRESS) and data[a + 4:a + alen] == raw:
                            found = True
                            break
                        a += _align(alen)
                off += _align(length)

    def close(self):
        self.nl.close()


class Sampler:
    """Samples which of `nodes` hold `vip` every `period` seconds until stop() (or the lab's
    close). Node order gives each node a bit; queries take and return node names."""

    def __init__(self, lab, nodes, vip, period=0.01, capacity=360_000, log_name="holders.log"):
        if len(nodes) > 16:
            raise ValueError("at most 16 nodes")
        self.vip = vip
        self.period = period
        self.names = [n.name for n in nodes]
        family = socket.AF_INET6 if ":" in vip else socket.AF_INET
        self._raw = socket.inet_pton(family, vip)
        self._links = [_Link(n, family) for n in nodes]
        self._lock = threading.Lock()
        self._cap = capacity
        self._t = array("d")
        self._m = array("H")
        self._head = 0  # index of the oldest sample once the ring is full
        # Running totals over the whole run.
        self.count = 0
        self._dual = 0
        self._last_held = [None] * len(nodes)
        self._empty_since = None  # first sample of the current run without a holder
        self._longest_empty = 0.0
        self._longest_empty_at = None
        self._max_interval = 0.0
        self._prev_t = None
        self._prev_mask = None
        self._transitions = []  # (time, mask) at each change, the last 1000
        self._durations = array("d")  # seconds per sample, the last 10000
        self._error = None
        self.log_path = f"{lab.dir}/{log_name}"
        self._log = open(self.log_path, "w", buffering=1 << 16)
        self._log.write(f"# {vip}: holders among {' '.join(self.names)} every {period * 1000:g} ms\n")
        self._stop = threading.Event()
        lab.on_close.append(self.stop)
        lab.on_failure.append(self.report)
        self._thread = threading.Thread(target=self._run, name="vip-sampler", daemon=True)
        self._thread.start()
        # The first sample is in before the caller acts.
        deadline = time.monotonic() + 5
        while self.count == 0 and self._error is None and time.monotonic() < deadline:
            time.sleep(0.001)
        self._check()

    # --- the thread ---------------------------------------------------------------------------
    def _run(self):
        nxt = time.monotonic()
        try:
            while not self._stop.is_set():
                t = time.monotonic()
                mask = 0
                for bit, link in enumerate(self._links):
                    if link.holds(self._raw):
                        mask |= 1 << bit
                self._record(t, mask, time.monotonic() - t)
                nxt += self.period
                now = time.monotonic()
                if nxt < now:  # held up: skip the ticks that passed rather than burst
                    nxt = now + self.period - (now - nxt) % self.period
                self._stop.wait(nxt - now)
        except Exception as e:  # noqa: BLE001 - handed to the test by _check()
            self._error = e

    def _record(self, t, mask, took):
        with self._lock:
            if len(self._t) < self._cap:
                self._t.append(t)
                self._m.append(mask)
            else:
                self._t[self._head] = t
                self._m[self._head] = mask
                self._head = (self._head + 1) % self._cap
            self.count += 1
            if mask & (mask - 1):
                self._dual += 1
            for bit in range(len(self.names)):
                if mask >> bit & 1:
                    self._last_held[bit] = t
            if mask == 0:
                if self._empty_since is None:
                    self._empty_since = t
            elif self._empty_since is not None:
                if t - self._empty_since > self._longest_empty:
                    self._longest_empty, self._longest_empty_at = t - self._empty_since, self._empty_since
                self._empty_since = None
            if self._prev_t is not None:
                self._max_interval = max(self._max_interval, t - self._prev_t)
            if mask != self._prev_mask:
                self._transitions.append((t, mask))
                if len(self._transitions) > 1000:
                    del self._transitions[0]
            self._prev_t, self._prev_mask = t, mask
            if len(self._durations) >= 10000:
                del self._durations[:5000]
            self._durations.append(took)
        self._log.write(f"{t:.6f} {self._label(mask)}\n")

    def _check(self):
        if self._error is not None:
            raise AssertionError(f"the VIP sampler failed: {self._error!r}")

    def stop(self):
        """Stops sampling (idempotent); the queries keep working on what was sampled."""
        if self._stop.is_set():
            return
        self._stop.set()
        self._thread.join(5)
        for link in self._links:
            link.close()
        self._log.close()

    # --- helpers --------------------------------------------------------------------------------
    def _label(self, mask):
        return ",".join(n for b, n in enumerate(self.names) if mask >> b & 1) or "-"

    def _holders(self, mask):
        return {n for b, n in enumerate(self.names) if mask >> b & 1}

    def _bit(self, name):
        try:
            return 1 << self.names.index(name)
        except ValueError:
            raise ValueError(f"{name} is not sampled ({', '.join(self.names)})") from None

    def _snapshot(self, t0=None, t1=None):
        """(times, masks) of the retained samples with t0 <= time <= t1, in order; fails when
        the window starts before the oldest sample the ring still has (and after the first)."""
        self._check()
        with self._lock:
            if len(self._t) < self._cap or self._head == 0:
                times, masks = self._t[:], self._m[:]
            else:
                times = self._t[self._head:] + self._t[:self._head]
                masks = self._m[self._head:] + self._m[:self._head]
            wrapped = self.count > len(times)
        if wrapped and times and (t0 is None or t0 < times[0]):
            raise AssertionError(f"window starts at {t0}, before the oldest retained sample "
                                 f"{times[0]:.3f}: raise the sampler's capacity")
        lo = 0 if t0 is None else bisect_left(times, t0)
        hi = len(times) if t1 is None else bisect_right(times, t1)
        return times[lo:hi], masks[lo:hi]

    # --- queries --------------------------------------------------------------------------------
    def samples(self, t0=None, t1=None):
        """[(time, set of holders)] in [t0, t1]."""
        times, masks = self._snapshot(t0, t1)
        return [(t, self._holders(m)) for t, m in zip(times, masks)]

    def holders(self):
        """The holders in the latest sample."""
        self._check()
        with self._lock:
            return self._holders(self._prev_mask or 0)

    def dual(self, t0=None, t1=None):
        """How many samples had more than one holder: over the whole run, or in [t0, t1]."""
        if t0 is None and t1 is None:
            self._check()
            with self._lock:
                return self._dual
        _, masks = self._snapshot(t0, t1)
        return sum(1 for m in masks if m & (m - 1))

    def dual_samples(self, t0=None, t1=None):
        """[(time, set of holders)] of the samples with more than one holder in [t0, t1]."""
        times, masks = self._snapshot(t0, t1)
        return [(t, self._holders(m)) for t, m in zip(times, masks) if m & (m - 1)]

    def count_in(self, t0=None, t1=None):
        """How many samples were taken in [t0, t1]."""
        return len(self._snapshot(t0, t1)[0])

    def longest_without_holder(self, t0=None, t1=None):
        """(seconds, start) of the longest run of samples without any holder: from its first
        sample to the next sample with a holder (to the last sample when none follows), so
        within one period either way of the true gap; (0.0, None) when there was none. Over the
        whole run, or for the samples in [t0, t1]."""
        if t0 is None and t1 is None:
            self._check()
            with self._lock:
                best = (self._longest_empty, self._longest_empty_at)
                if self._empty_since is not None and self._prev_t - self._empty_since > best[0]:
                    best = (self._prev_t - self._empty_since, self._empty_since)
                return best
        times, masks = self._snapshot(t0, t1)
        best, start = (0.0, None), None
        for t, m in zip(times, masks):
            if m == 0:
                if start is None:
                    start = t
            elif start is not None:
                if t - start > best[0]:
                    best = (t - start, start)
                start = None
        if start is not None and times[-1] - start > best[0]:
            best = (times[-1] - start, start)
        return best

    def first_held(self, after, node=None):
        """The time of the first sample at or after `after` in which `node` (a name; None: any
        node) holds the VIP, or None."""
        bit = self._bit(node) if node is not None else (1 << len(self.names)) - 1
        times, masks = self._snapshot(after)
        for t, m in zip(times, masks):
            if m & bit:
                return t
        return None

    def holders_at(self, t):
        """The holders in the first sample at or after `t` (empty when there is none yet)."""
        times, masks = self._snapshot(t)
        return self._holders(masks[0]) if masks else set()

    def first_held_by_other(self, after, node):
        """The time of the first sample at or after `after` in which a node other than `node`
        holds the VIP, or None."""
        bit = ((1 << len(self.names)) - 1) & ~self._bit(node)
        times, masks = self._snapshot(after)
        for t, m in zip(times, masks):
            if m & bit:
                return t
        return None

    def first_not_held(self, after, node):
        """The time of the first sample at or after `after` in which `node` does not hold the
        VIP, or None."""
        bit = self._bit(node)
        times, masks = self._snapshot(after)
        for t, m in zip(times, masks):
            if not m & bit:
                return t
        return None

    def last_held(self, node, before=None):
        """The time of the last sample (at or before `before`, if given) in which `node` held
        the VIP, or None."""
        bit = self._bit(node)
        if before is None:
            self._check()
            with self._lock:
                return self._last_held[self.names.index(node)]
        times, masks = self._snapshot(None, before)
        for t, m in zip(reversed(times), reversed(masks)):
            if m & bit:
                return t
        return None

    def wait_held(self, node, after, timeout):
        """Waits until a sample at or after `after` shows `node` (None: any node) holding the
        VIP; returns its time, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.first_held(after, node)
            if t is not None or time.monotonic() >= deadline:
                return t
            time.sleep(self.period)

    def wait_not_held(self, node, after, timeout):
        """Waits until a sample at or after `after` shows `node` without the VIP; returns its
        time, or None after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            t = self.first_not_held(after, node)
            if t is not None or time.monotonic() >= deadline:
                return t
            time.sleep(self.period)

    def wait_stable(self, holders, settle, timeout):
        """Waits until the holders have been exactly `holders` (a set of names) for `settle`
        seconds in a row; returns the time that run began, or None after `timeout`."""
        want = 0
        for n in holders:
            want |= self._bit(n)
        deadline = time.monotonic() + timeout
        while True:
            self._check()
            with self._lock:
                t, m = self._transitions[-1]
                since = t if m == want else None
                last = self._prev_t
            if since is not None and last - since >= settle:
                return since
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.period)

    def wait_one_holder(self, settle, timeout):
        """Waits until one node alone has held the VIP for `settle` seconds in a row; returns
        (its name, the time that run began), or None after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            self._check()
            with self._lock:
                since, mask = self._transitions[-1]
                last = self._prev_t
            if mask and not mask & (mask - 1) and last - since >= settle:
                return self._label(mask), since
            if time.monotonic() >= deadline:
                return None
            time.sleep(self.period)

    def max_interval(self):
        """The longest time between two consecutive samples so far (10 ms when never held up)."""
        with self._lock:
            return self._max_interval

    def timing(self):
        """(median, p99, max) seconds one sample of every node took, over the last samples."""
        with self._lock:
            d = sorted(self._durations)
        if not d:
            return (float("nan"),) * 3
        return d[len(d) // 2], d[min(len(d) - 1, int(len(d) * 0.99))], d[-1]

    def transitions(self):
        """[(time, set of holders)] at each change (the last 1000)."""
        with self._lock:
            return [(t, self._holders(m)) for t, m in self._transitions]

    def summary(self):
        med, p99, mx = self.timing()
        return (f"{self.count} samples, {self.dual()} with two holders or more, longest without "
                f"a holder {self.longest_without_holder()[0] * 1000:.0f} ms; one sample of "
                f"{len(self.names)} nodes: median {med * 1e6:.0f} us, p99 {p99 * 1e6:.0f} us, "
                f"max {mx * 1e6:.0f} us; longest between samples {self.max_interval() * 1000:.1f} ms")

    def report(self):
        """Prints the summary and the transitions (a failing test's dump_logs does)."""
        print(f"----- holders of {self.vip}: {self.summary()} -----")
        for t, h in self.transitions()[-60:]:
            print(f"  {t:10.3f} {','.join(sorted(h)) or '-'}")
