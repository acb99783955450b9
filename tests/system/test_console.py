"""The hypervisor console (issue 5): every domain's output reaches the
serial line with its own prefix; serial input goes to the hypervisor's
console keys or to one domain, and CTRL-a three times moves it on, as on
Xen. The echo guest prints back each line typed at it."""

import os
import re

from machine import qemu
from test_guests_xen import guests_built  # noqa: F401

TIMEOUT = 30
CTRL_A = "\x01"
SWITCH = CTRL_A * 3
HINT = " (type 'CTRL-a' three times to switch input)"


def guest(built, name, args=""):
    return os.path.join(built, f"{name}.elf") + (f" {args}" if args else "")


def announced(target):
    return rf"^\(lamina\) \*\*\* Serial input to {target}" + re.escape(HINT)


class Console:
    """Waits on the serial log past the point already seen, so a line
    that appeared earlier never satisfies a later expectation."""

    def __init__(self, m):
        self.m = m
        self.seen = 0

    def expect(self, pattern, timeout=TIMEOUT):
        rx = re.compile(pattern, re.M)
        m = self.m.expect(r"(?s)\A.{%d}.*?(%s)" % (self.seen, pattern),
                          timeout)
        found = rx.search(self.m.log, m.start(1))
        self.seen = found.end()
        return found

    def switch_to(self, target):
        self.m.send(SWITCH)
        self.expect(announced(target))

    def type_line(self, text, echo=None):
        self.m.send(text + "\r")
        return self.expect(r"^\(d\d+\) echo: " + re.escape(echo or text) +
                           "$")

    def key(self, k, title):
        self.m.send(k)
        self.expect(r"^\(lamina\) '%s' pressed -> %s$" % (re.escape(k),
                                                          re.escape(title)))
        return self.seen


def boot_echo_beside_ctlwait(boot, built, **kw):
    m = boot(append="debug_exit=0xf4 dom0_mem=32M boot_domains=1:32M",
             modules=[guest(built, "ctlwait", "wait=1"),
                      guest(built, "echo")], mem="256M", **kw)
    c = Console(m)
    # As Xen at the end of boot: input starts on domain 0.
    c.expect(announced("DOM0"))
    c.expect(r"^\(d1\) echo: ready$")
    return m, c


def test_switching_and_input_to_a_boot_domain(boot, guests_built):  # noqa: F811
    m, c = boot_echo_beside_ctlwait(boot, guests_built)
    c.switch_to("DOM1")
    c.type_line("hello")
    # Keys for the hypervisor are plain input while a domain has it.
    c.type_line("q")
    # Fewer than three CTRL-a are passed on as typed.
    c.type_line("a" + CTRL_A * 2 + "b", echo="a^A^Ab")
    c.type_line(CTRL_A + "x", echo="^Ax")
    # The cycle: domain 0, domain 1, the hypervisor, domain 0 again.
    c.switch_to("Lamina")
    c.switch_to("DOM0")
    c.switch_to("DOM1")
    c.type_line("quit")
    c.expect(r"^\(d1\) DONE 1 0$")
    rc = m.wait_exit(TIMEOUT)
    assert rc == qemu.EXIT_POWEROFF, m.tail()
    assert "'q' pressed" not in m.log
    # Every line on the serial line says who wrote it.
    for line in m.log.splitlines():
        assert re.match(r"\((lamina|d0|d1)\) ", line), line


def test_console_keys(boot, guests_built):  # noqa: F811
    m, c = boot_echo_beside_ctlwait(boot, guests_built)
    c.switch_to("DOM1")
    c.switch_to("Lamina")
    start = c.key("h", "show this list")
    c.expect(r"^\(lamina\)  key 'q' => list domains and their vCPUs$")
    c.key("q", "list domains and their vCPUs")
    # Which vCPU each physical CPU runs (QEMU gives two).
    c.expect(r"^\(lamina\) CPU0: (idle|d[01]v0)$")
    c.expect(r"^\(lamina\) CPU1: (idle|d[01]v0)$")
    # dom0_mem without max: may grow, as on Xen.
    c.expect(r"^\(lamina\) Domain 0 \(control\): running, 8192 pages "
             r"\(no max\), 2 vCPUs$")
    c.expect(r"^\(lamina\)   vCPU 0: (blocked|runnable|running) on CPU\d, "
             r"kernel mode")
    c.expect(r"^\(lamina\) Domain 1 \(boot\): running, 8192 pages "
             r"\(max 8192\), 1 vCPU$")
    c.key("e", "dump event-channel state")
    c.expect(r"^\(lamina\) Domain 0: 1 port bound \(2-level\)$")
    c.expect(r"^\(lamina\)   port 1: virq 3, vCPU 0, pending [01], "
             r"masked 0$")
    c.expect(r"^\(lamina\) Domain 1: 2 ports bound \(2-level\)$")
    c.expect(r"^\(lamina\)   port 2: unbound, for d0, vCPU 0")
    c.key("d", "dump the registers of every vCPU")
    # On the other CPU a running vCPU's frame is its last save.
    c.expect(r"^\(lamina\) d0v0: (blocked|runnable|running) on CPU\d"
             r"(, frame as last saved)?, kernel mode$")
    c.expect(r"^\(lamina\)   rip e033:ffffffff8[0-9a-f]{7}  rsp e02b:")
    c.expect(r"^\(lamina\) d1v0: ")
    c.key("m", "memory: free frames and heap")
    c.expect(r"^\(lamina\) Frames: \d+ free \(\d+ MiB\), 16384 owned by "
             r"domains")
    c.key("t", "time and vCPU timers")
    c.expect(r"^\(lamina\) System time \d+\.\d{9} s, \d+ ticks")
    m.send("z")
    c.expect(r"^\(lamina\) 'z' pressed -> no such key \('h' lists them\)$")
    # None of it reached a domain.
    assert not re.search(r"^\(d\d\) echo: [hqedmtz]", m.log[start:], re.M)
    c.switch_to("DOM0")
    c.switch_to("DOM1")
    c.type_line("quit")
    assert m.wait_exit(TIMEOUT) == qemu.EXIT_POWEROFF, m.tail()


def test_registers_of_a_running_vcpu(boot, guests_built):  # noqa: F811
    # One CPU: the keys are served on CPU0, and only a vCPU interrupted
    # there has a live frame to show (another CPU's is its last save).
    m, c = boot_echo_beside_ctlwait(boot, guests_built, smp=1)
    c.switch_to("DOM1")
    c.type_line("spin")  # domain 1 now polls: always runnable
    c.switch_to("Lamina")
    c.key("d", "dump the registers of every vCPU")
    # The key interrupted a guest: its live frame is the one shown.
    c.expect(r"^\(lamina\) d[01]v0: running on CPU0, interrupted by this "
             r"key, kernel mode$")
    c.key("q", "list domains and their vCPUs")
    c.expect(r"^\(lamina\) Domain 1 \(boot\)")
    c.expect(r"^\(lamina\)   vCPU 0: (running|runnable) on CPU\d, "
             r"kernel mode")
    c.switch_to("DOM0")
    c.switch_to("DOM1")
    c.type_line("stop")
    c.type_line("quit")
    assert m.wait_exit(TIMEOUT) == qemu.EXIT_POWEROFF, m.tail()


def test_control_domain_reads_console_io(boot, guests_built):  # noqa: F811
    m = boot(append="debug_exit=0xf4 dom0_mem=32M",
             modules=[guest(guests_built, "echo")], mem="128M")
    c = Console(m)
    c.expect(announced("DOM0"))
    c.expect(r"^\(d0\) echo: ready$")
    # CONSOLEIO_read and VIRQ_CONSOLE bring typed lines to domain 0.
    c.type_line("hello dom0")
    # With no other domain, the cycle is domain 0 and the hypervisor.
    c.switch_to("Lamina")
    c.key("q", "list domains and their vCPUs")
    c.switch_to("DOM0")
    # More than a small read at a time, all of it in order.
    long = "".join(chr(ord("a") + i % 26) for i in range(100))
    c.type_line(long)
    c.type_line("quit")
    c.expect(r"^\(d0\) CHECK quit_received ok$")
    assert m.wait_exit(TIMEOUT) == qemu.EXIT_POWEROFF, m.tail()


def test_polled_input_without_an_io_apic(boot, guests_built):  # noqa: F811
    # No ACPI tables: no I/O APIC to route IRQ 4, so the tick reads the UART.
    m = boot(append="debug_exit=0xf4 dom0_mem=32M",
             modules=[guest(guests_built, "echo")], mem="128M",
             extra=["-machine", "acpi=off"])
    c = Console(m)
    c.expect(r"^\(lamina\) Serial input: no interrupt route, polled at "
             r"each tick$")
    c.expect(announced("DOM0"))
    c.expect(r"^\(d0\) echo: ready$")
    c.type_line("polled")
    c.switch_to("Lamina")
    c.key("q", "list domains and their vCPUs")
    c.expect(r"^\(lamina\) Domain 0 \(control\): running")
    c.switch_to("DOM0")
    c.type_line("quit")
    assert m.wait_exit(TIMEOUT) == qemu.EXIT_POWEROFF, m.tail()
