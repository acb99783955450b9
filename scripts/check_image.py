#!/usr/bin/python3
"""Check a linked hypervisor image: the multiboot1 header sits in the first
8 KiB and the multiboot2 header in the first 32 KiB (as the loaders
require), no loadable segment is both writable and executable, and the
symbol table did not move any code (second link vs first)."""

import struct
import sys

MB1_MAGIC = 0x1BADB002
MB2_MAGIC = 0xE85250D6


def segments(data):
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, p_flags, p_offset, p_vaddr, p_paddr, p_filesz, p_memsz = \
            struct.unpack_from("<IIQQQQQ", data, phoff + i * phentsize)
        if p_type == 1:
            yield p_flags, p_offset, p_vaddr, p_filesz, p_memsz, p_paddr


def find_header(data, magic, limit, align):
    for off in range(0, min(limit, len(data)) - 12, align):
        if struct.unpack_from("<I", data, off)[0] == magic:
            return off
    return None


def text_symbols(path):
    import subprocess
    out = subprocess.run(["nm", "-n", path], capture_output=True,
                         text=True, check=True).stdout
    return {l.split()[2]: l.split()[0] for l in out.splitlines()
            if len(l.split()) == 3 and l.split()[1] in "tT"}


def main():
    path = sys.argv[1]
    data = open(path, "rb").read()
    errors = []
    segs = list(segments(data))
    first = min(s[1] for s in segs)
    mb1 = find_header(data, MB1_MAGIC, first + 8192, 4)
    mb2 = find_header(data, MB2_MAGIC, first + 32768, 8)
    if mb1 is None or mb1 - first >= 8192:
        errors.append("multiboot1 header not in the first 8 KiB")
    if mb2 is None or mb2 - first >= 32768:
        errors.append("multiboot2 header not in the first 32 KiB")
    # The multiboot address fields load the file as one flat block, so
    # each segment's file offset must follow its physical address.
    first_seg = min(segs, key=lambda s: s[1])
    for flags, off, vaddr, filesz, memsz, paddr in segs:
        if off - first_seg[1] != paddr - first_seg[5]:
            errors.append(f"segment at {paddr:#x} is not where a flat load "
                          "puts it")
    for flags, off, vaddr, filesz, memsz, paddr in segs:
        if flags & 2 and flags & 1:
            errors.append(f"segment at {vaddr:#x} is writable and executable")
    if len(sys.argv) > 2 and text_symbols(path) != text_symbols(sys.argv[2]):
        errors.append("code moved between the two links")
    for e in errors:
        print(f"check_image: {path}: {e}", file=sys.stderr)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
