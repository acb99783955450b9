#!/usr/bin/python3
"""`make run`: boot Lamina in QEMU with its serial console on this
terminal (Ctrl-a x quits QEMU; Ctrl-a c switches to QEMU's monitor)."""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--mem", default="1G")
    ap.add_argument("--smp", default="2")
    ap.add_argument("--append", default="dom0_mem=512M",
                    help="hypervisor command line")
    ap.add_argument("--module", action="append", default=[],
                    help='"path args" of a boot module (repeatable)')
    ap.add_argument("extra", nargs="*", help="more QEMU arguments")
    args = ap.parse_args()
    kernel = os.path.join(args.build, "lamina.elf")
    argv = qemu.command(kernel=kernel, append=args.append,
                        modules=args.module, mem=args.mem, smp=args.smp,
                        debug_exit=True, serial="mon:stdio",
                        extra=args.extra)
    print("run: " + " ".join(argv), flush=True)
    print("run: Ctrl-a x quits, Ctrl-a c toggles the QEMU monitor",
          flush=True)
    os.execv(argv[0], argv)


if __name__ == "__main__":
    main()
