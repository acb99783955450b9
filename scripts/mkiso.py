#!/usr/bin/python3
"""Build a BIOS-bootable GRUB ISO that starts Lamina through multiboot2
(grub-mkrescue from grub-pc-bin, with xorriso and mtools)."""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile

GRUB_CFG = """\
serial --unit=0 --speed=115200
terminal_input serial console
terminal_output serial console
set timeout=0
set default=0
menuentry "Lamina" {{
	multiboot2 /boot/lamina.gz {cmdline}
{modules}	boot
}}
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--hypervisor", required=True)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--module", action="append", default=[],
                    help='"path args" of a boot module (repeatable)')
    ap.add_argument("--output", required=True)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        boot = os.path.join(tmp, "boot")
        os.makedirs(os.path.join(boot, "grub"))
        shutil.copy(args.hypervisor, os.path.join(boot, "lamina.gz"))
        mod_lines = ""
        for i, m in enumerate(args.module):
            path, _, margs = m.partition(" ")
            name = f"module{i}"
            shutil.copy(path, os.path.join(boot, name))
            mod_lines += f"\tmodule2 /boot/{name} {name} {margs}\n"
        with open(os.path.join(boot, "grub", "grub.cfg"), "w") as f:
            f.write(GRUB_CFG.format(cmdline=args.cmdline, modules=mod_lines))
        out = os.path.abspath(args.output)
        os.makedirs(os.path.dirname(out), exist_ok=True)
        r = subprocess.run(["grub-mkrescue", "-o", out, tmp],
                           capture_output=True, text=True)
        if r.returncode != 0:
            sys.stderr.write(r.stdout + r.stderr)
            return r.returncode
    print(f"mkiso: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
