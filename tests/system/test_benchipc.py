"""The IPC benchmark's guest (tests/guests/benchipc.c, measured by
tests/bench/ipc) does the work it times on Lamina: every event round trip
arrives, every grant copy lands the right bytes, and it reports a figure
for each measurement. Timings themselves are not asserted here."""

import os
import re

from machine import qemu
import xen_ref
from test_guests_xen import guests_built  # noqa: F401 (fixture)

RUN_TIMEOUT = 120


def test_benchipc_runs_and_reports(guests_built, boot):
    elf = os.path.join(guests_built, "benchipc.elf")
    m = boot(append="debug_exit=0xf4 dom0_mem=64M",
             modules=[f"{elf} iters=300"], mem="256M")
    rc = m.wait_exit(RUN_TIMEOUT)
    res = xen_ref.parse(m.log)
    if res["done"] is None:
        m.fail(f"no DONE line (QEMU exit status {rc})")
    failed = {k: v for k, v in res["checks"].items() if v != "ok"}
    assert not failed, f"{failed}\n{m.tail()}"
    figures = dict(re.findall(r"^\(d0\) BENCH (\S+) ([\d.]+) ", m.log, re.M))
    assert set(figures) == {"null_hypercall", "event_round_trip",
                            "grant_copy", "timer_lateness"}, m.tail()
    assert all(float(v) > 0 for k, v in figures.items()
               if k != "timer_lateness"), figures
    assert rc == qemu.EXIT_POWEROFF, m.tail()
