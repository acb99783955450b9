"""Booting Debian's kernel as the control domain and reaching its shell:
shared by tests/linux (conftest.py) and tests/bench/linux."""

import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(TOP, "tests", "system"))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import machine as machine_mod  # noqa: E402  (tests/system/machine.py)
import ctrl_domain  # noqa: E402
from console import Shell, ShellTimeout  # noqa: E402

BUILD = machine_mod.BUILD
# Xen 4.17 + Debian's kernel reach the shell in 6-20 s under TCG here,
# depending on the load of the host.
BOOT_TIMEOUT = float(os.environ.get("LAMINA_LINUX_BOOT_TIMEOUT", "150"))
# Lines after which the control domain will never reach its shell.
DEAD_RX = (r"The control domain could not be built|PANIC|Panic on CPU|"
           r"Kernel panic - not syncing|Hardware Dom0 crashed|"
           r"Manual reset required")


class Dom0:
    """A booted control domain: its machine, shell and boot time."""

    def __init__(self, hypervisor, machine, boot_seconds):
        self.hypervisor = hypervisor
        self.machine = machine
        self.shell = Shell(machine)
        self.boot_seconds = boot_seconds


def boot_dom0(hypervisor, build=None, timeout=BOOT_TIMEOUT):
    """Boot, wait for the shell's marker; a Dom0, or raise with the tail."""
    kw = ctrl_domain.boot(hypervisor, build or BUILD)
    if not os.path.exists(kw["kernel"]):
        raise FileNotFoundError(f"{kw['kernel']} is not built")
    start = time.monotonic()
    m = machine_mod.Machine(name=hypervisor, **kw)
    shell = Shell(m)
    try:
        found = shell.wait_for(rf"^({ctrl_domain.READY_MARKER})\s*$|"
                               f"({DEAD_RX})", timeout)
    except ShellTimeout as e:
        m.kill()
        raise machine_mod.BootFailed(f"{hypervisor}: {e}\n{m.tail()}")
    if not found.group(1):
        m.kill()
        raise machine_mod.BootFailed(
            f"{hypervisor}: the control domain died: {found.group(0)!r}\n"
            f"{m.tail()}")
    d = Dom0(hypervisor, m, time.monotonic() - start)
    try:
        d.shell.setup()
    except ShellTimeout as e:
        m.kill()
        raise machine_mod.BootFailed(f"{hypervisor}: {e}\n{m.tail()}")
    return d
