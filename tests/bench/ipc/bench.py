#!/usr/bin/python3
"""IPC benchmark: the benchipc guest (tests/guests/benchipc.c) as the
initial domain of Debian's Xen 4.17 and of Lamina, same QEMU machine
(256 MiB, dom0_mem=64M). Prints each BENCH value per hypervisor and the
Lamina/Xen ratio. A run whose CHECK lines fail (work not really done) or
that never finishes shows n/a; the bench itself never fails on that."""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "system"))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import machine  # noqa: E402
import xen_ref  # noqa: E402

# (name, label, unit, which way is better)
METRICS = (("null_hypercall", "null hypercall", "ns", "lower"),
           ("event_round_trip", "event-channel round trip", "ns", "lower"),
           ("grant_copy", "grant copy (4 KiB pages)", "MB/s", "higher"),
           ("timer_lateness", "0.5 ms timer, median lateness", "ns",
            "lower"))
TIMEOUT = 300


def results(log):
    """{name: value} from the BENCH lines, or None if a check failed or
    the guest did not finish."""
    res = xen_ref.parse(log)
    if res["done"] is None or any(v != "ok" for v in res["checks"].values()):
        return None
    return {m.group(1): float(m.group(2)) for m in re.finditer(
        r"^(?:\(\S+\) )*BENCH (\S+) ([\d.]+) \S+$", log, re.M)}


def run_lamina(elf, args):
    m = machine.Machine(name="lamina-bench", kernel=machine.kernel(),
                        append="debug_exit=0xf4 dom0_mem=64M",
                        modules=[f"{elf} {args}"], mem="256M")
    try:
        m.wait_exit(TIMEOUT)
    except AssertionError:
        return None
    finally:
        m.kill()
    return results(m.log)


def run_xen(elf, args):
    try:
        return results(xen_ref.boot(elf, args, timeout=TIMEOUT))
    except Exception as e:  # no Xen package: nothing to compare to
        print(f"Xen 4.17 not available: {e}", file=sys.stderr)
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--iters", type=int, default=20000)
    a = ap.parse_args()
    elf = os.path.join(machine.BUILD, "guests", "benchipc.elf")
    args = f"iters={a.iters}"
    xen, lamina = run_xen(elf, args), run_lamina(elf, args)
    print(f"\nIPC benchmark ({a.iters} iterations, QEMU TCG)")
    print(f"{'':28} {'Xen 4.17':>12} {'Lamina':>12} {'Lamina/Xen':>11}")
    for key, label, unit, better in METRICS:
        x = xen.get(key) if xen else None
        y = lamina.get(key) if lamina else None
        ratio = f"{y / x:.2f}" if x and y else "n/a"
        print(f"{label + ' (' + unit + ')':28} "
              f"{x if x is not None else 'n/a':>12} "
              f"{y if y is not None else 'n/a':>12} {ratio:>11}"
              f"  ({better} is better)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
