#!/usr/bin/python3
"""Control-domain benchmark: Debian's kernel booted as the control domain on
Debian's Xen 4.17 and on Lamina with the same machine (1 GiB, 2 vCPUs,
dom0_mem=512M, same kernel and initramfs). Reports, per hypervisor, the
time from QEMU start to the init marker (best of --runs) and the MemTotal
and MemFree the control domain sees, then Lamina/Xen ratios. A hypervisor
that does not reach the shell shows n/a; the bench itself never fails on
that."""

import argparse
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "linux"))
from dom0 import boot_dom0, ctrl_domain, machine_mod  # noqa: E402

HYPERVISORS = (("xen", "Xen 4.17"), ("lamina", "Lamina"))
# (key, label, which way is better)
METRICS = (("boot", "boot to init marker (s)", "lower"),
           ("total", "MemTotal (KiB)", "higher"),
           ("free", "MemFree (KiB)", "higher"))


def meminfo_kib(text, key):
    m = re.search(rf"^{key}:\s+(\d+) kB", text, re.M)
    return int(m.group(1)) if m else None


def measure(hypervisor, runs):
    """{metric: value} for the best run, or {} (and a reason) if none
    reached the shell."""
    best, why = {}, ""
    for _ in range(runs):
        try:
            d = boot_dom0(hypervisor)
        except (machine_mod.BootFailed, FileNotFoundError) as e:
            why = str(e).splitlines()[0]
            continue
        try:
            info = d.shell.check("cat /proc/meminfo")
        finally:
            d.machine.kill()
        res = {"boot": d.boot_seconds,
               "total": meminfo_kib(info, "MemTotal"),
               "free": meminfo_kib(info, "MemFree")}
        if not best or res["boot"] < best["boot"]:
            best = res
    return best, why


def fmt(v, key):
    if v is None:
        return "n/a"
    return f"{v:.2f}" if key == "boot" else str(v)


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--runs", type=int, default=1)
    a = ap.parse_args()
    version = ctrl_domain.ensure(tools=False)["kernel_version"]
    results = {}
    for hv, label in HYPERVISORS:
        res, why = measure(hv, a.runs)
        results[hv] = res
        if not res:
            print(f"bench linux: {label} did not reach the shell: {why}",
                  flush=True)
    print(f"\ncontrol domain: Debian {version}, QEMU TCG 1 GiB 2 vCPUs, "
          f"dom0_mem={ctrl_domain.DOM0_MEM_MIB}M, best of {a.runs} boot(s)")
    print(f"{'metric':28} {'Xen 4.17':>10} {'Lamina':>10} "
          f"{'Lamina/Xen':>11}  better")
    for key, label, better in METRICS:
        x = results["xen"].get(key)
        lam = results["lamina"].get(key)
        ratio = f"{lam / x:.2f}" if x and lam is not None else "n/a"
        print(f"{label:28} {fmt(x, key):>10} {fmt(lam, key):>10} "
              f"{ratio:>11}  {better}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
