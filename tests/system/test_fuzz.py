"""The hypercall fuzzer (issue 10): two hcfuzz boot domains with fixed
seeds, no capabilities, beside a victim domain that keeps a heartbeat and
re-checks its memory; a control domain powers off when all three ended.
The hypervisor must neither panic nor hang (the victim beats to the end),
the victim must see no change it did not make. A fuzzer the hypervisor
crashes for a fault of its own, or one that leaves itself unable to wake,
is allowed: the test prints how far it got.

`make fuzz-long MINUTES=N` runs the same for N minutes
(LAMINA_FUZZ_MINUTES); LAMINA_FUZZ_SEEDS=a,b picks other seeds."""

import os
import re

from machine import qemu
from test_boot_domains import guest, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

SMOKE_SECS = 60
# Victim beats every 100 ms; it outlives both fuzzers by ~15 s.
PERIOD_MS = 100


def fuzz_secs():
    minutes = os.environ.get("LAMINA_FUZZ_MINUTES")
    return int(float(minutes) * 60) if minutes else SMOKE_SECS


def seeds():
    return [int(s) for s in
            os.environ.get("LAMINA_FUZZ_SEEDS", "1,2").split(",")][:2]


def fuzzer_summary(lines):
    """iterations, per_sec, reached, total, the last progress iteration
    and the ANOMALY lines of one fuzzer's console lines."""
    out = {"progress": 0, "anomalies": []}
    for line in lines:
        m = re.match(r"FUZZ iterations=(\d+) ms=(\d+) per_sec=(\d+)", line)
        if m:
            out["iterations"], out["per_sec"] = int(m[1]), int(m[3])
        m = re.match(r"FUZZ coverage reached=(\d+) of=(\d+)", line)
        if m:
            out["reached"], out["total"] = int(m[1]), int(m[2])
        m = re.match(r"FUZZ progress iter=(\d+)", line)
        if m:
            out["progress"] = int(m[1])
        if line.startswith("ANOMALY"):
            out["anomalies"].append(line)
    return out


def domain_lines(log, domid):
    return [m[1] for m in re.finditer(rf"^\(d{domid}\) (.*)$", log, re.M)]


def test_fuzzers_beside_victim(boot, guests_built):  # noqa: F811
    secs = fuzz_secs()
    a, b = seeds()
    beats = (secs + 15) * 1000 // PERIOD_MS
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    "boot_domains=1:32M,2:32M,3:32M",
             modules=[guest(guests_built, "ctlwait") + " wait=3",
                      guest(guests_built, "hcfuzz") +
                      f" seed={a} secs={secs} self=1",
                      guest(guests_built, "hcfuzz") +
                      f" seed={b} secs={secs + 4} self=2",
                      guest(guests_built, "victim") +
                      f" period={PERIOD_MS} report=50 beats={beats}"],
             mem="512M", smp=1)
    # The victim's end is the test's clock: it beats on only while the
    # hypervisor schedules it. A fuzzer may end itself stuck (blocked
    # with its own timer broken); then the control domain never powers
    # off and QEMU is stopped here.
    m.expect(r"^\(d3\) DONE \d+ \d+", secs * 3 + 300)
    ended = [re.search(rf"Domain {d} \(boot\) shut down", m.log)
             for d in (1, 2)]
    rc = m.wait_exit(120) if all(ended) else None
    log = m.log
    for domid, seed in ((1, a), (2, b)):
        s = fuzzer_summary(domain_lines(log, domid))
        ended = re.search(rf"Domain {domid} \(boot\) shut down: (\w+)", log)
        print(f"fuzzer d{domid} seed={seed}: "
              f"{ended[1] if ended else 'no end'}, "
              f"progress {s['progress']} iterations, "
              f"{s.get('per_sec', '-')}/s, coverage "
              f"{s.get('reached', '-')}/{s.get('total', '-')}")
        for line in s["anomalies"]:
            print(f"  d{domid} {line}")
        # Its own start and a first batch of calls: the run fuzzed.
        assert f"FUZZ seed={seed}" in log, m.tail()
        assert s["progress"] > 0 or "iterations" in s, m.tail()
        if "reached" in s:
            # Finished: it reached most of what the hypervisor
            # dispatches (the table lists each hypercall and sub-op).
            assert s["reached"] >= s["total"] * 3 // 4, m.tail()
    assert "Panic" not in log, m.tail()
    res = per_domain_results(log)
    victim = res.get(3)
    assert victim and victim["done"] is not None, m.tail()
    assert victim["checks"].get("victim_memory_intact") == "ok", m.tail()
    last = re.findall(r"^\(d3\) HEARTBEAT max_gap_us=(\d+) beats=(\d+)",
                      log, re.M)
    assert last and int(last[-1][1]) == beats, m.tail()
    print(f"victim: {beats} beats, longest gap {last[-1][0]} us")
    if rc is not None:
        assert rc == qemu.EXIT_POWEROFF, m.tail()
