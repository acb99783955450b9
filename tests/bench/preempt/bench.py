#!/usr/bin/python3
"""Preemption benchmark: the victim guest (tests/guests/victim.c) beside
the hog guest (tests/guests/hog.c) on one CPU of Lamina, one run per
hostile hypercall, as tests/system/test_preempt.py boots them; prints the
victim's longest wake-up gap and how long the hog's call took, with the
victim alone as the baseline (its 10 ms period on a 100 Hz tick). Lamina
only: boot domains, which put the two side by side, are Lamina's. A run
that does not finish shows n/a; the bench itself never fails on that."""

import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "system"))
import machine  # noqa: E402
from test_preempt import (ALL_OPS, BEATS, HOG_MEM, heartbeat,  # noqa: E402
                          split_lines)

TIMEOUT = 400
GUESTS = os.path.join(machine.BUILD, "guests")


def run(op):
    """(victim's max gap in us, the hog's first call in us) or Nones."""
    hog = f":{HOG_MEM}{ALL_OPS[op][0]}" if op else ""
    mods = [f"{GUESTS}/ctlwait.elf wait={2 if op else 1}",
            f"{GUESTS}/victim.elf beats={BEATS}"]
    if op:
        mods.append(f"{GUESTS}/hog.elf op={op} secs=3")
    doms = "1:32M" + (f",2{hog}" if op else "")
    m = machine.Machine(name="lamina-bench", kernel=machine.kernel(),
                        append=f"debug_exit=0xf4 dom0_mem=32M "
                               f"boot_domains={doms}",
                        modules=mods, mem="512M", smp=1)
    try:
        m.wait_exit(TIMEOUT)
    except Exception:
        return None, None
    finally:
        m.kill()
    log = split_lines(m.log)
    beats = heartbeat(log, 1)
    call = re.search(rf"^\(d2\) INFO hog op={op} round=1 rc=-?\d+ us=(\d+)",
                     log, re.M)
    if not beats or beats[-1][1] != BEATS:
        return None, None
    return beats[-1][0], int(call.group(1)) if call else None


def ms(us):
    return f"{us / 1000:.1f}" if us is not None else "n/a"


def main():
    print(f"\nPreemption benchmark (victim beats every 10 ms, {BEATS} "
          f"beats; {HOG_MEM} hog on the same CPU; QEMU TCG)")
    print(f"{'hostile call':28} {'victim max gap (ms)':>20} "
          f"{'call took (ms)':>15}")
    for op in [None] + sorted(ALL_OPS):
        gap, call = run(op)
        print(f"{op or 'none (baseline)':28} {ms(gap):>20} {ms(call):>15}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
