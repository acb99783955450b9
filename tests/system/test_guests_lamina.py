"""The conformance guests (tests/guests) on Lamina: every check passes
except those docs/abi-deviations.md lists with a reason (issue 4). The same
guests pass on Xen 4.17 in test_guests_xen.py, so a failure here is
Lamina's."""

import os
import re

import pytest

import machine
from machine import qemu
from test_guests_xen import (GUEST_ARGS, GUEST_INITRD, guest_names,  # noqa
                             guests_built, initrd_file)
import xen_ref

RUN_TIMEOUT = 60
DEVIATIONS = os.path.join(machine.TOP, "docs", "abi-deviations.md")


def allowed_failures():
    """(guest, check) pairs the deviations document explains."""
    text = open(DEVIATIONS).read()
    section = text.split("## Conformance checks that differ", 1)[1]
    section = section.split("\n## ", 1)[0]
    pairs = set()
    for m in re.finditer(r"^\| *([\w-]+) *\| *([\w-]+) *\| *(.+?) *\|$",
                         section, re.M):
        if m.group(1) not in ("guest", "---"):
            pairs.add((m.group(1), m.group(2)))
    return pairs


@pytest.mark.parametrize("name", guest_names())
def test_guest_on_lamina(name, guests_built, boot, tmp_path):
    elf = os.path.join(guests_built, f"{name}.elf")
    module = f"{elf} {GUEST_ARGS.get(name, '')}".strip()
    modules = [module]
    if GUEST_INITRD.get(name):
        modules.append(initrd_file(tmp_path))
    m = boot(append="debug_exit=0xf4 dom0_mem=64M", modules=modules,
             mem="256M")
    rc = m.wait_exit(RUN_TIMEOUT)
    res = xen_ref.parse(m.log)
    allowed = {c for g, c in allowed_failures() if g == name}
    failed = {k: v for k, v in res["checks"].items()
              if v != "ok" and k not in allowed}
    if res["done"] is None:
        m.fail(f"no DONE line (QEMU exit status {rc})")
    if failed:
        m.fail(f"failed checks: {failed}")
    assert not res["dupes"], res["dupes"]
    assert res["done"][0] + res["done"][1] == len(res["order"])
    # The guest powered off: the hypervisor stayed up to the end.
    assert rc == qemu.EXIT_POWEROFF, m.tail()
