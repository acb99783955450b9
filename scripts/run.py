#!/usr/bin/python3
"""`make run`: boot Lamina in QEMU with its serial console on this
terminal (Ctrl-a x quits QEMU; Ctrl-a c switches to QEMU's monitor).

By default the control domain is Debian's Linux kernel with our initramfs
(scripts/ctrl_domain.py builds or reuses it; docs/control-domain.md): a
root shell on the serial console, `poweroff` ends QEMU. --xen boots the
same control domain on Debian's Xen 4.17 instead, for comparison.
--no-control-domain boots the hypervisor with only the --module list."""

import argparse
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402


def control_domain(args):
    """qemu.command() kwargs for the control domain, or None when its
    artifacts cannot be built (no control domain then, as before)."""
    import ctrl_domain
    try:
        ctrl_domain.ensure(args.build)
        return ctrl_domain.boot("xen" if args.xen else "lamina", args.build,
                                hyp_args=args.append or "",
                                kernel_args=args.kernel_args)
    except Exception as e:  # noqa: BLE001 - any failure: say why, go on
        if args.control_domain or args.xen:
            raise
        print(f"run: no control domain ({e}); booting without one",
              file=sys.stderr, flush=True)
        return None


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--build", default="build")
    ap.add_argument("--mem", help="machine RAM (default 1G)")
    ap.add_argument("--smp", help="CPUs (default 2)")
    ap.add_argument("--append", default=None,
                    help="hypervisor command line (added to the control "
                         "domain's defaults; alone without one: "
                         "dom0_mem=512M)")
    ap.add_argument("--kernel-args", default="",
                    help="more Linux command line for the control domain")
    ap.add_argument("--module", action="append", default=[],
                    help='"path args" of a boot module (repeatable; '
                         'only with --no-control-domain)')
    cd = ap.add_mutually_exclusive_group()
    cd.add_argument("--control-domain", dest="control_domain",
                    action="store_true", default=None,
                    help="boot Debian's kernel as the control domain "
                         "(default when it can be built)")
    cd.add_argument("--no-control-domain", dest="control_domain",
                    action="store_false")
    ap.add_argument("--xen", action="store_true",
                    help="boot the control domain on Debian's Xen 4.17")
    ap.add_argument("extra", nargs="*", help="more QEMU arguments")
    args = ap.parse_args()
    args.build = os.path.abspath(args.build)
    if args.xen and args.control_domain is False:
        ap.error("--xen boots the control domain; drop --no-control-domain")

    kw = None
    if args.control_domain is not False and not args.module:
        kw = control_domain(args)
    if kw is None:
        kw = {"kernel": os.path.join(args.build, "lamina.elf"),
              "append": args.append or "dom0_mem=512M",
              "modules": args.module, "mem": "1G", "smp": 2,
              "debug_exit": True}
    if args.mem:
        kw["mem"] = args.mem
    if args.smp:
        kw["smp"] = args.smp
    argv = qemu.command(serial="mon:stdio", extra=args.extra, **kw)
    print("run: " + " ".join(argv), flush=True)
    print("run: Ctrl-a x quits, Ctrl-a c toggles the QEMU monitor",
          flush=True)
    if args.xen:
        print("run: Xen 4.17: Ctrl-a a, three times, switches the serial "
              "input between Xen and the control domain", flush=True)
    rc = subprocess.call(argv)
    # Lamina's isa-debug-exit statuses: a clean power-off is success.
    if rc == qemu.EXIT_POWEROFF:
        return 0
    if rc == qemu.EXIT_PANIC:
        print("run: the hypervisor panicked", file=sys.stderr)
    return rc


if __name__ == "__main__":
    sys.exit(main())
