"""Hypercalls whose length a guest chooses yield (issue 10, item 6): a
hostile boot domain (`hog`, no capabilities unless the call needs one)
makes each such call at the largest size its memory allows, beside a
heartbeat domain (`victim`) on the same CPU, which must keep beating and
keep its memory. Domain 0 is ctlwait, powering off once both have exited.

Before the calls were preemptible the victim's longest wake-up gap was
(one CPU, TCG, 128 MiB hog):
  exchange (self-feeding chain of 16.7M extents)   19-30 s
  grant copy (count 2^31-1: 3.3M 4 KiB copies)     4.5-5.1 s
  console write (4 MiB)                            5.3-6.9 s
mmu_update, preemptible already, takes 4.3 s at its largest size (count
2^31-1: 8.3M MMU_MACHPHYS_UPDATEs): the stall it would be without its
continuations.
With them all preemptible 3-50 ms (up to 0.2 s on a loaded host). The
bound asserted, 1 s, is above a loaded host's jitter and far below a
hypercall that never yields.
"""

import re

import pytest

import machine  # noqa: F401
from machine import qemu
from test_boot_domains import guest, passed, per_domain_results
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 400
BEATS = 300  # 10 ms apart: ~3 s of heartbeat, repeated calls all along
MAX_GAP_US = 1_000_000
HOG_MEM = "128M"

# op -> (the hog's extra boot_domains flags, what the log shows first
# once its call has started: its "calling" line goes through its console
# ring, which is read out after console_io output has begun)
OPS = {
    "exchange": ("", "(d2) INFO hog op=exchange calling"),
    "gntcopy": ("", "(d2) INFO hog op=gntcopy calling"),
    "console": (":console", "(d2) ........"),
    "mmu_update": ("", "(d2) INFO hog op=mmu_update calling"),
}
# The reservation calls take ~20 ms at their largest size in a 128 MiB
# domain (a 0.2 s gap unfixed): too little for a stall test, but their
# continuations must count right (test_reservation_continues). Pinning
# and unpinning a page-table tree are tested in test_validate.py; op=pin
# is a `make bench` figure here, as is the multicall (preemptible
# already, 0.6 s a call at its largest size: too short to outlast the victim).
EXTRA_OPS = {"reservation": ("", "(d2) INFO hog op=reservation calling"),
             "pin": ("", "(d2) INFO hog op=pin calling"),
             "multicall": ("", "(d2) INFO hog op=multicall calling")}
ALL_OPS = {**OPS, **EXTRA_OPS}

def split_lines(log):
    """The log with each domain's text on lines of its own: a hog writing
    through console_io can be preempted mid-line, and the victim's ring
    text then lands inside the hog's line."""
    return re.sub(r"(?<=[^\n])(\(d\d+\) )", r"\n\1", log)


def heartbeat(log, domid):
    beats = re.findall(
        rf"^\(d{domid}\) HEARTBEAT max_gap_us=(\d+) beats=(\d+)$", log, re.M)
    return [(int(g), int(b)) for g, b in beats]


def run_beside_victim(boot, built, op, secs, mem=HOG_MEM, report=25,
                      smp=1):
    """Boot victim (domain 1) and hog (domain 2, op for secs seconds, at
    least one round; smp vCPUs on as many CPUs); the victim's last
    max_gap_us and the log."""
    flags = ALL_OPS[op][0] if op in ALL_OPS else ""
    flags += f":vcpus={smp}" if smp > 1 else ""
    m = boot(append="debug_exit=0xf4 dom0_mem=32M "
                    f"boot_domains=1:32M,2:{mem}{flags}",
             modules=[guest(built, "ctlwait") + " wait=2",
                      guest(built, "victim") + f" beats={BEATS} "
                                               f"report={report}",
                      guest(built, "hog") + f" op={op} secs={secs}"],
             mem="512M", smp=smp)
    rc = m.wait_exit(TIMEOUT)
    log = split_lines(m.log)
    if "panic" in m.log.lower():
        m.fail("hypervisor panic")
    res = per_domain_results(log)
    passed(m, res, 1, "victim")
    passed(m, res, 2, "hog")
    beats = heartbeat(log, 1)
    if not beats or beats[-1][1] != BEATS:
        m.fail("victim did not finish its heartbeat")
    assert rc == qemu.EXIT_POWEROFF, m.tail()
    return beats[-1][0], log


@pytest.mark.parametrize("op", sorted(OPS))
def test_long_hypercall_yields(boot, guests_built, op):  # noqa: F811
    gap, log = run_beside_victim(boot, guests_built, op, secs=3)
    rounds = re.findall(rf"^\(d2\) INFO hog op={op} round=\d+ ", log, re.M)
    assert rounds, log[-4000:]
    print(f"{op}: victim max gap {gap} us, {len(rounds)} hog rounds")
    assert gap < MAX_GAP_US, f"{op}: victim stalled {gap} us\n{log[-4000:]}"
    # The victim beat (and reported) while the hog was inside its call.
    calling = log.index(OPS[op][1])
    first_round = log.index(rounds[0])
    during = [b for b in re.finditer(r"^\(d1\) HEARTBEAT ", log, re.M)
              if calling < b.start() < first_round]
    assert during, log[-4000:]



def test_reservation_continues(boot, guests_built):  # noqa: F811
    """increase/decrease_reservation of every frame the hog has (the call
    is preempted many times over): each call's result counts every extent
    across its continuations, and the victim keeps beating."""
    gap, log = run_beside_victim(boot, guests_built, "reservation", secs=3)
    rounds = re.findall(r"^\(d2\) INFO hog op=reservation round=\d+ rc=0 ",
                        log, re.M)
    assert rounds, log[-4000:]
    print(f"reservation: victim max gap {gap} us, {len(rounds)} hog rounds")
