#!/usr/bin/python3
"""How Lamina is started in QEMU: one place that builds the command line,
used by `make run` (scripts/run.py) and by the system tests."""

import os
import shutil

# isa-debug-exit turns the value written to its port into QEMU's exit
# status, (value << 1) | 1; hyp/include/lamina/shutdown.h picks the values.
DEBUG_EXIT_PORT = 0xF4
EXIT_POWEROFF = (0x10 << 1) | 1
EXIT_PANIC = (0x11 << 1) | 1
# The CPU the tests run on: qemu64 plus XSAVE and AVX/AVX2, which QEMU 7.2's
# TCG emulates without warnings, so FPU state is saved with XSAVE (leaf 0xD
# offers x87|SSE|AVX). NO_XSAVE_CPU_MODEL is the FXSAVE-only machine.
CPU_MODEL = "qemu64,+xsave,+xsaveopt,+avx,+avx2"
NO_XSAVE_CPU_MODEL = "qemu64"


def qemu_binary():
    path = shutil.which("qemu-system-x86_64")
    if not path:
        raise RuntimeError("qemu-system-x86_64 not found: run `make deps`")
    return path


def command(kernel=None, append="", modules=(), mem="512M", smp=2,
            cdrom=None, debug_exit=True, serial="stdio", cpu=CPU_MODEL,
            extra=()):
    """The QEMU argv. modules are "path args" strings, loaded in order as
    multiboot modules (QEMU's -initrd takes them comma-separated)."""
    argv = [qemu_binary(), "-machine", "pc", "-m", str(mem),
            "-smp", str(smp), "-display", "none", "-no-reboot",
            "-serial", serial]
    if serial != "mon:stdio":
        argv += ["-monitor", "none"]
    if os.path.exists("/dev/kvm") and os.environ.get("LAMINA_KVM") == "1":
        argv += ["-enable-kvm", "-cpu", "host"]
    else:
        argv += ["-cpu", cpu]
    if debug_exit:
        argv += ["-device",
                 f"isa-debug-exit,iobase={DEBUG_EXIT_PORT:#x},iosize=0x04"]
    if kernel:
        argv += ["-kernel", kernel]
        if append:
            argv += ["-append", append]
        if modules:
            for m in modules:
                if "," in m:
                    raise ValueError(f"module string may not hold a comma: {m}")
            argv += ["-initrd", ",".join(modules)]
    if cdrom:
        argv += ["-cdrom", cdrom, "-boot", "d"]
    return argv + list(extra)
