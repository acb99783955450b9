"""The hypervisor boots on a QEMU PC, reports the machine, and stops with
a distinct exit status (issue 2)."""

import os
import re
import subprocess
import sys

import pytest

import machine
from machine import qemu

BOOT_TIMEOUT = 60
CLEAN = ["debug_exit=0xf4", "idle_exit"]

# Vector numbers and names from the Intel SDM, volume 3, table 6-1.
FAULTS = {
    "de": (0, "divide error"),
    "bp": (3, "breakpoint"),
    "ud": (6, "invalid opcode"),
    "gp": (13, "general protection"),
    "pf": (14, "page fault"),
}


def boot_to_exit(boot, append, **kw):
    m = boot(append=" ".join(append), **kw)
    rc = m.wait_exit(BOOT_TIMEOUT)
    return m, rc


def kib_of(log, pattern):
    m = re.search(pattern, log, re.M)
    assert m, f"{pattern!r} not in log"
    return int(m.group(1))


def test_kernel_boot_reports_machine_and_idles(boot):
    m, rc = boot_to_exit(boot, CLEAN, mem="256M", smp=2)
    log = m.log
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}, expected a clean power-off")
    assert re.search(r"^\(lamina\) Lamina hypervisor \d+\.\d+\.\d+", log, re.M)
    # The command line is echoed without the image path QEMU puts first.
    assert "Command line: debug_exit=0xf4 idle_exit\n" in log
    assert "(multiboot1)" in log
    assert re.search(r"^\(lamina\)  0+100000 - [0-9a-f]{16}  RAM$", log, re.M)
    # QEMU's own name for its default CPU model.
    assert re.search(r"CPU: \w+, QEMU Virtual CPU", log)
    mhz = float(re.search(r"TSC: ([\d.]+) MHz", log).group(1))
    assert 50 < mhz < 20000
    assert "ACPI: local APIC at 0xfee00000, 2 CPU(s)" in log
    assert re.search(r"I/O APIC \d+ at 0xfec00000", log)
    # Ten 100 Hz ticks take about 100 ms of TSC time; TCG on a loaded
    # host stretches that, so only gross miscalibration fails here.
    ms = int(re.search(r"Timer: 10 ticks in (\d+) ms", log).group(1))
    assert 20 <= ms <= 1000
    idle = log.index("Idle: no domains to run; waiting for domains.")
    assert idle < log.index("Powering off.")


def test_iso_boots_through_grub_multiboot2(boot, tmp_path):
    iso = tmp_path / "lamina.iso"
    r = subprocess.run(
        [sys.executable, os.path.join(machine.TOP, "scripts", "mkiso.py"),
         "--hypervisor", os.path.join(machine.BUILD, "lamina.gz"),
         "--cmdline", " ".join(CLEAN + ["loglvl=info"]),
         "--output", str(iso)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    m, rc = boot_to_exit(boot, [], kernel=None, cdrom=str(iso), mem="256M")
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}, expected a clean power-off")
    log = m.log
    assert re.search(r"Boot loader: GRUB 2[^\n]*\(multiboot2\)", log)
    # GRUB 2 passes no image name: the whole line is ours.
    assert "Command line: debug_exit=0xf4 idle_exit loglvl=info\n" in log
    assert "Idle: no domains to run; waiting for domains." in log


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_exception_in_hypervisor_panics_with_dump(boot, fault):
    vector, name = FAULTS[fault]
    m, rc = boot_to_exit(boot, ["debug_exit=0xf4", f"test_fault={fault}"],
                         mem="128M")
    if rc != qemu.EXIT_PANIC:
        m.fail(f"exit status {rc}, expected the panic status")
    log = m.log
    assert f"Hypervisor exception {vector} ({name})" in log
    assert re.search(r"RIP: [0-9a-f]{16} <trigger_test_fault\+0x", log)
    for reg in ("RAX", "RBX", "RCX", "RDX", "RSI", "RDI", "RBP", "RSP",
                "R8", "R9", "R10", "R11", "R12", "R13", "R14", "R15",
                "CR0", "CR2", "CR3", "CR4", "RFLAGS"):
        assert re.search(rf"\b{reg}: +[0-9a-f]+", log), reg
    backtrace = log[log.index("Backtrace:"):]
    assert "<start_hypervisor+0x" in backtrace
    assert "Panic: fatal" in log
    assert "Idle:" not in log
    if fault == "pf":
        assert re.search(r"CR2: 0+1000 ", log)


def test_bad_command_line_options_are_reported(boot):
    m, rc = boot_to_exit(boot, CLEAN + ["bogus=1", "maxcpus=abc",
                                        "loglvl=loud", "dom0_mem=12Q",
                                        "no-idle_exit_typo"], mem="128M")
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}: bad options must not stop the boot")
    log = m.log
    assert "unknown option 'bogus' ignored" in log
    assert "bad value for 'maxcpus': 'abc' ignored" in log
    assert "bad value for 'loglvl': 'loud' ignored" in log
    assert "bad value for 'dom0_mem': '12Q' ignored" in log
    assert "unknown option 'no-idle_exit_typo' ignored" in log
    assert "5 problem(s)" in log


@pytest.mark.parametrize("mem_mib", [128, 4096])
def test_memory_totals_match_qemu_size(boot, mem_mib):
    m, rc = boot_to_exit(boot, CLEAN, mem=f"{mem_mib}M")
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}")
    log = m.log
    ram_kib = kib_of(log, r"Memory: (\d+) KiB RAM")
    free_kib = kib_of(log, r"KiB RAM \(\d+ MiB\), (\d+) KiB free")
    # QEMU's BIOS keeps the VGA hole, the EBDA and a few KiB at the top
    # of low memory: well under 1 MiB.
    assert mem_mib * 1024 - 1024 <= ram_kib <= mem_mib * 1024
    assert free_kib >= ram_kib * 0.9
    # Every RAM frame, including the ones above 4 GiB, has an entry.
    frames = kib_of(log, r"frame table \d+ KiB for (\d+) frames")
    ram_tops = [int(e, 16) for e in re.findall(
        r"^\(lamina\)  [0-9a-f]{16} - ([0-9a-f]{16})  RAM$", log, re.M)]
    assert frames * 4096 >= max(ram_tops)
    if mem_mib > 3072:
        assert max(ram_tops) > 4 << 30


def test_modules_are_listed_and_protected(boot, tmp_path):
    kern = tmp_path / "kernel.img"
    kern.write_bytes(os.urandom(300 * 1024))
    initrd = tmp_path / "initrd.img"
    initrd.write_bytes(os.urandom(20 * 1024))
    m, rc = boot_to_exit(boot, CLEAN, mem="128M",
                         modules=[f"{kern} console=hvc0 root=/dev/ram",
                                  str(initrd)])
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}")
    log = m.log
    assert "Modules: 2" in log
    assert re.search(r"module 0: [0-9a-f]+ - [0-9a-f]+ \(300 KiB\) '"
                     + re.escape(str(kern)) + " console=hvc0 root=/dev/ram'",
                     log)
    assert re.search(r"module 1: [0-9a-f]+ - [0-9a-f]+ \(20 KiB\) '"
                     + re.escape(str(initrd)) + "'", log)
    mods = re.findall(r"^\(lamina\)  ([0-9a-f]{16}) - ([0-9a-f]{16})  "
                      r"module$", log, re.M)
    assert mods, "the sanitized map shows no module reservation"
    listed = [(int(a, 16), int(b, 16)) for a, b in re.findall(
        r"module \d: ([0-9a-f]+) - ([0-9a-f]+)", log)]
    for start, end in listed:
        assert any(int(a, 16) <= start and end <= int(b, 16)
                   for a, b in mods)


def test_release_build_reads_its_config(boot, build_variant):
    build = build_variant("release-quiet",
                          "# CONFIG_DEBUG is not set\nCONFIG_LOG_LEVEL=1\n")
    m, rc = boot_to_exit(boot, CLEAN + ["test_fault=ud"], mem="128M",
                         kernel=machine.kernel(build))
    if rc != qemu.EXIT_POWEROFF:
        m.fail(f"exit status {rc}: a release build has no test hooks")
    log = m.log
    # Warnings still print at log level 1; the info lines do not.
    assert "unknown option 'test_fault' ignored" in log
    assert "Lamina hypervisor" not in log
    assert "Idle:" not in log


def test_defconfig_and_olddefconfig(tmp_path):
    cfg = tmp_path / "config"
    env = dict(os.environ, KCONFIG_CONFIG=str(cfg))
    r = subprocess.run(["make", "-s", "-C", machine.TOP, "defconfig",
                        f"KCONFIG_CONFIG={cfg}"], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    text = cfg.read_text()
    for sym in ("CONFIG_SERIAL_CONSOLE=y", "CONFIG_LOG_LEVEL=",
                "CONFIG_NR_CPUS=", "CONFIG_MAX_DOMAINS=", "CONFIG_DEBUG=y",
                "CONFIG_SCHED_CREDIT=y"):
        assert sym in text
    # olddefconfig fills in symbols an old config lacks.
    cfg.write_text("CONFIG_NR_CPUS=4\n")
    r = subprocess.run(["make", "-s", "-C", machine.TOP, "olddefconfig",
                        f"KCONFIG_CONFIG={cfg}"], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 0, r.stderr
    text = cfg.read_text()
    assert "CONFIG_NR_CPUS=4" in text
    assert "CONFIG_SERIAL_CONSOLE=y" in text
