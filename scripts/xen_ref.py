#!/usr/bin/python3
"""The reference hypervisor: Debian's Xen 4.17 booted in QEMU TCG.

fetch: `apt-get download xen-hypervisor-4.17-amd64` into $BUILD/cache/debs
(reused when present), extract /boot/xen-4.17-amd64.gz with dpkg-deb and
decompress it into $BUILD/cache/xen/xen-4.17.elf, which QEMU's -kernel loads
as a 32-bit multiboot ELF.

run: boot a PV kernel as dom0 and collect the conformance protocol lines
(CHECK / INFO / DONE, see libpv/include/libpv/test.h). Xen halts the machine
when dom0 shuts down but QEMU keeps running, so the run ends when Xen says
dom0 halted or crashed (or a few seconds after DONE), or at the hard timeout,
and QEMU is killed.

  xen_ref.py fetch [--build DIR]
  xen_ref.py run [--build DIR] [--timeout S] [--initrd FILE] GUEST.elf [ARGS...]
"""

import argparse
import glob
import gzip
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import qemu  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
PACKAGE = "xen-hypervisor-4.17-amd64"
IMAGE_IN_DEB = "boot/xen-4.17-amd64.gz"
MULTIBOOT1_MAGIC = 0x1BADB002

XEN_ARGS = ("console=com1 loglvl=all guest_loglvl=all "
            "dom0_mem=64M,max:64M noreboot")
# Lines that mean Xen has finished with dom0: nothing more will come.
END_RX = re.compile(r"Hardware Dom0 (halted|shutdown|crashed)|"
                    r"Panic on CPU|Reboot in five seconds|"
                    r"Xen is relinquishing VGA|Manual reset required")
# After DONE, Xen prints its halt line within milliseconds; wait at most this.
GRACE_AFTER_DONE = 5.0
PREFIX_RX = re.compile(r"^(\((XEN|d\d+(v\d+)?)\) ?)+")
CHECK_RX = re.compile(r"^CHECK (\S+) (ok|FAIL.*)$")
DONE_RX = re.compile(r"^DONE (\d+) (\d+)$")


def default_build():
    return os.environ.get("LAMINA_BUILD", os.path.join(TOP, "build"))


def _apt_download(debs):
    cmd = ["apt-get", "download", PACKAGE]
    r = subprocess.run(cmd, cwd=debs, capture_output=True, text=True)
    if r.returncode != 0:
        subprocess.run(["apt-get", "update"], capture_output=True)
        r = subprocess.run(cmd, cwd=debs, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"apt-get download {PACKAGE} failed:\n{r.stderr}")


def check_multiboot_elf32(path):
    """Raise unless path is a 32-bit x86 ELF with a multiboot1 header."""
    with open(path, "rb") as f:
        head = f.read(8192)
    if head[:4] != b"\x7fELF" or head[4] != 1:
        raise RuntimeError(f"{path}: not a 32-bit ELF")
    if struct.unpack_from("<H", head, 18)[0] != 3:
        raise RuntimeError(f"{path}: not an i386 ELF")
    for off in range(0, len(head) - 12, 4):
        magic, flags, csum = struct.unpack_from("<III", head, off)
        if magic == MULTIBOOT1_MAGIC and (magic + flags + csum) & 0xFFFFFFFF == 0:
            return
    raise RuntimeError(f"{path}: no multiboot1 header in its first 8 KiB")


def fetch(build=None):
    """Path of the decompressed Xen 4.17 image, fetching it if needed."""
    cache = os.path.join(build or default_build(), "cache")
    image = os.path.join(cache, "xen", "xen-4.17.elf")
    if os.path.exists(image):
        return image
    debs = os.path.join(cache, "debs")
    os.makedirs(debs, exist_ok=True)
    found = glob.glob(os.path.join(debs, f"{PACKAGE}_*.deb"))
    if not found:
        _apt_download(debs)
        found = glob.glob(os.path.join(debs, f"{PACKAGE}_*.deb"))
    if not found:
        raise RuntimeError(f"no {PACKAGE} .deb in {debs}")
    os.makedirs(os.path.dirname(image), exist_ok=True)
    with tempfile.TemporaryDirectory(dir=cache) as tmp:
        subprocess.run(["dpkg-deb", "-x", sorted(found)[-1], tmp], check=True)
        with gzip.open(os.path.join(tmp, IMAGE_IN_DEB), "rb") as src, \
                open(image + ".tmp", "wb") as dst:
            shutil.copyfileobj(src, dst)
    check_multiboot_elf32(image + ".tmp")
    os.replace(image + ".tmp", image)
    return image


def strip_prefix(line):
    return PREFIX_RX.sub("", line)


def parse(log):
    """{"checks": {name: "ok" | "FAIL ..."}, "done": (passed, failed) or
    None, "info": [lines], "order": [names], "dupes": [names]}"""
    res = {"checks": {}, "done": None, "info": [], "order": [], "dupes": []}
    for raw in log.splitlines():
        line = strip_prefix(raw.rstrip("\r"))
        m = CHECK_RX.match(line)
        if m:
            if m.group(1) in res["checks"]:
                res["dupes"].append(m.group(1))
            res["checks"][m.group(1)] = m.group(2)
            res["order"].append(m.group(1))
            continue
        m = DONE_RX.match(line)
        if m:
            res["done"] = (int(m.group(1)), int(m.group(2)))
        elif line.startswith("INFO "):
            res["info"].append(line[5:])
    return res


def boot(guest_elf, args="", timeout=60, initrd=None, xen_args=XEN_ARGS,
         build=None, mem="512M", smp=None):
    """Boot guest_elf as dom0 of Xen 4.17; return the serial log (str)."""
    xen = fetch(build)
    module = f"{os.path.abspath(guest_elf)} {args}".strip()
    modules = [module] + ([os.path.abspath(initrd)] if initrd else [])
    extra = {} if smp is None else {"smp": smp}
    argv = qemu.command(kernel=xen, append=xen_args, modules=modules,
                        mem=mem, debug_exit=False, **extra)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = []
    cond = threading.Condition()

    def reader():
        while True:
            data = proc.stdout.read1(4096)
            with cond:
                chunks.append(data)
                cond.notify_all()
            if not data:
                return

    t = threading.Thread(target=reader, daemon=True)
    t.start()
    deadline = time.monotonic() + timeout
    done_at = None
    try:
        with cond:
            while True:
                text = b"".join(chunks).decode("utf-8", "replace")
                if END_RX.search(text) or (chunks and not chunks[-1]):
                    break
                now = time.monotonic()
                if done_at is None and re.search(r"^(\(\S+\) )*DONE \d+ \d+",
                                                 text, re.M):
                    done_at = now
                if now >= deadline or (done_at and
                                       now - done_at > GRACE_AFTER_DONE):
                    break
                cond.wait(0.2)
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        t.join(timeout=5)
    log = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    if done_at is None and not END_RX.search(log):
        log += f"\n[xen_ref: killed QEMU after the {timeout} s timeout]\n"
    return log


def run_guest_on_xen(guest_elf, args="", timeout=60, **kw):
    """(checks, raw_log): checks maps each CHECK name to "ok" or
    "FAIL <detail>"; the DONE line and the rest are in raw_log (see parse)."""
    log = boot(guest_elf, args, timeout, **kw)
    return parse(log)["checks"], log


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=default_build())
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fetch")
    r = sub.add_parser("run")
    r.add_argument("--timeout", type=float, default=60)
    r.add_argument("--initrd")
    r.add_argument("--xen-args", default=XEN_ARGS)
    r.add_argument("--log", action="store_true", help="print the whole log")
    r.add_argument("guest")
    r.add_argument("args", nargs="*")
    a = ap.parse_args()
    if a.cmd == "fetch":
        print(fetch(a.build))
        return 0
    start = time.monotonic()
    log = boot(a.guest, " ".join(a.args), a.timeout, initrd=a.initrd,
               xen_args=a.xen_args, build=a.build)
    res = parse(log)
    if a.log:
        print(log)
    else:
        for raw in log.splitlines():
            line = strip_prefix(raw)
            if line.startswith(("CHECK ", "INFO ", "DONE ", "FATAL ")):
                print(line)
    print(f"[{os.path.basename(a.guest)} on Xen 4.17: done={res['done']} "
          f"in {time.monotonic() - start:.1f} s]")
    return 0 if res["done"] and res["done"][1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
