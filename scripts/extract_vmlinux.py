#!/usr/bin/python3
"""The plain ELF vmlinux inside a Linux x86 bzImage, as Xen's loader finds it.

What Xen 4.17 does with a bzImage dom0 kernel (xen/arch/x86/bzimage.c):
  - it is a bzImage when the setup header at offset 0x1f1 carries the magic
    "HdrS" at 0x202; boot protocol 2.08 or later (version at 0x206) is
    required, because only 2.08 added payload_offset/payload_length;
  - the payload starts at (setup_sects + 1) * 512 + payload_offset
    (setup_sects at 0x1f1, payload_offset at 0x248) and is payload_length
    bytes long (0x24c);
  - if the payload already is an ELF it is used as is; otherwise its last
    4 bytes are the little-endian size of the decompressed image (Linux's
    build appends it) and Xen tries gunzip first, then its generic
    decompressors (bzip2, xz, lzma, lzo, lz4, zstd), by magic;
  - the result is the ELF vmlinux with the Xen ELF notes, given to the
    ordinary ELF loader.
This script does the same so that a loader that takes only ELF (Lamina's)
can boot Debian's kernel:

  extract_vmlinux.py BZIMAGE OUTPUT
"""

import gzip
import lzma
import os
import shutil
import struct
import subprocess
import sys
import zlib

HDR_MAGIC_AT = 0x202
VERSION_AT = 0x206
SETUP_SECTS_AT = 0x1F1
PAYLOAD_AT = 0x248
MIN_VERSION = 0x0208

GZIP_MAGIC = b"\x1f\x8b"
XZ_MAGIC = b"\xfd7zXZ\x00"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
LZ4_LEGACY_MAGIC = b"\x02\x21\x4c\x18"
ELF_MAGIC = b"\x7fELF"


class NotBzImage(ValueError):
    pass


def payload(image):
    """The compressed (or plain ELF) payload of a bzImage, as bytes."""
    if len(image) < PAYLOAD_AT + 8 or \
            image[HDR_MAGIC_AT:HDR_MAGIC_AT + 4] != b"HdrS":
        raise NotBzImage("no bzImage setup header (HdrS)")
    version = struct.unpack_from("<H", image, VERSION_AT)[0]
    if version < MIN_VERSION:
        raise NotBzImage(f"boot protocol {version >> 8}.{version & 0xff:02d}: "
                         "2.08 or later carries the payload fields")
    setup_sects = image[SETUP_SECTS_AT]
    offset, length = struct.unpack_from("<II", image, PAYLOAD_AT)
    start = (setup_sects + 1) * 512 + offset
    if start + length > len(image) or length < 8:
        raise NotBzImage(f"payload {start:#x}+{length:#x} outside the file")
    return image[start:start + length]


def _external(argv, data):
    if not shutil.which(argv[0]):
        raise RuntimeError(f"{argv[0]} not found (scripts/packages.txt)")
    r = subprocess.run(argv, input=data, capture_output=True, check=False)
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {r.stderr.decode()}")
    return r.stdout


def decompress(data):
    """Decompress a payload by its magic; the trailing 4 bytes (the size
    Linux's build appends) are ignored by every decoder used here."""
    if data[:4] == ELF_MAGIC:
        return data
    if data[:2] == GZIP_MAGIC:
        d = zlib.decompressobj(16 + zlib.MAX_WBITS)
        return d.decompress(data)
    if data[:6] == XZ_MAGIC:
        d = lzma.LZMADecompressor(format=lzma.FORMAT_XZ)
        return d.decompress(data)
    if data[:4] == ZSTD_MAGIC:
        return _external(["zstd", "-d", "-c", "-q"], data[:-4])
    if data[:4] == LZ4_LEGACY_MAGIC:
        return _external(["lz4", "-d", "-c", "-q"], data[:-4])
    raise RuntimeError(f"unknown payload compression (magic {data[:6].hex()})")


def extract(image):
    """The ELF vmlinux of a bzImage (bytes in, bytes out)."""
    data = payload(image)
    expected = struct.unpack_from("<I", data, len(data) - 4)[0]
    elf = decompress(data)
    if elf[:4] != ELF_MAGIC:
        raise RuntimeError("the decompressed payload is not an ELF")
    if data[:4] != ELF_MAGIC and len(elf) != expected:
        raise RuntimeError(f"decompressed {len(elf)} bytes, the image "
                           f"announces {expected}")
    return elf


def extract_file(src, dst):
    """Write the vmlinux of bzImage src to dst (atomically); return dst."""
    with open(src, "rb") as f:
        elf = extract(f.read())
    with open(dst + ".tmp", "wb") as f:
        f.write(elf)
    os.replace(dst + ".tmp", dst)
    return dst


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    extract_file(sys.argv[1], sys.argv[2])
    print(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
