"""The control domain's boot artifacts, checked without booting: the ELF
vmlinux taken out of Debian's bzImage carries the Xen notes, and the
initramfs holds what /init needs."""

import gzip
import struct

from dom0 import ctrl_domain

import extract_vmlinux

XEN_ELFNOTE_GUEST_OS = 6
XEN_ELFNOTE_ENTRY = 1


def xen_notes(elf):
    """{type: desc bytes} of the "Xen" notes in an ELF64's PT_NOTE segments."""
    phoff = struct.unpack_from("<Q", elf, 0x20)[0]
    phentsize, phnum = struct.unpack_from("<HH", elf, 0x36)
    notes = {}
    for i in range(phnum):
        ptype, _, off, _, _, filesz = struct.unpack_from(
            "<IIQQQQ", elf, phoff + i * phentsize)
        if ptype != 4:
            continue
        pos, end = off, off + filesz
        while pos + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", elf, pos)
            name = elf[pos + 12:pos + 12 + namesz].rstrip(b"\0")
            desc_at = pos + 12 + (namesz + 3) // 4 * 4
            if name == b"Xen":
                notes[ntype] = elf[desc_at:desc_at + descsz]
            pos = desc_at + (descsz + 3) // 4 * 4
    return notes


def test_vmlinux_is_the_bzimage_payload(artifacts):
    with open(artifacts["vmlinuz"], "rb") as f:
        bz = f.read()
    with open(artifacts["vmlinux"], "rb") as f:
        elf = f.read()
    assert extract_vmlinux.extract(bz) == elf
    assert elf[:5] == b"\x7fELF\x02"
    assert struct.unpack_from("<H", elf, 18)[0] == 62  # EM_X86_64
    notes = xen_notes(elf)
    assert notes[XEN_ELFNOTE_GUEST_OS].rstrip(b"\0") == b"linux"
    assert len(notes[XEN_ELFNOTE_ENTRY]) == 8


def test_not_a_bzimage_is_refused():
    try:
        extract_vmlinux.extract(b"\x7fELF" + bytes(1000))
    except extract_vmlinux.NotBzImage:
        return
    raise AssertionError("an ELF was taken for a bzImage")


def test_initramfs_contents(artifacts):
    with open(artifacts["initrd"], "rb") as f:
        archive = gzip.decompress(f.read())
    assert archive.startswith(b"070701")
    assert b"TRAILER!!!\0" in archive
    version = artifacts["kernel_version"]
    for name in ["init", "bin/busybox", "bin/sh", "sbin/init",
                 "bin/cttyhack", "etc/inittab", "etc/profile",
                 "etc/lamina/modules", "dev/console", "usr/bin/lamstored",
                 "usr/bin/lamtest-evtchn", "usr/bin/lamtest-gntdev",
                 "usr/bin/lamtest-privcmd", "usr/bin/lamtest-clock"] + \
            [f"lib/modules/{version}/{m}.ko"
             for m in artifacts["load_order"]]:
        assert name.encode() + b"\0" in archive, name
    # xenfs needs xen-privcmd: loaded first.
    order = artifacts["load_order"]
    if "xenfs" in order and "xen_privcmd" in order:
        assert order.index("xen_privcmd") < order.index("xenfs")
    assert ctrl_domain.READY_MARKER.encode() in archive
