#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Write a small seed corpus for fuzz_lamstored into the directory given:
well-formed request streams for every message type."""
import os
import struct
import sys

HDR = struct.Struct("<IIII")


def msg(t, payload, tx=0, rid=1):
    return HDR.pack(t, rid, tx, len(payload)) + payload


def args(*a):
    return b"".join(x.encode() + b"\0" for x in a)


def chunks(sel, data):
    out = b""
    while data:
        out += bytes([sel, min(len(data), 255)]) + data[:255]
        data = data[255:]
    return out


def main(out):
    os.makedirs(out, exist_ok=True)
    reqs = [
        msg(11, b"/a/b\0value"), msg(2, args("/a/b")), msg(1, args("/a")),
        msg(12, args("/m/n")), msg(13, args("/a")),
        msg(3, args("/tool")), msg(14, args("/a/b", "r3", "b4")),
        msg(4, args("/a", "tok")), msg(4, args("rel", "t")),
        msg(5, args("/a", "tok")), msg(6, args("")),
        msg(11, b"/t\0x", tx=1), msg(7, args("T"), tx=1),
        msg(8, args("7", "0", "3")), msg(17, args("7")),
        msg(19, args("3", "7")), msg(18, args("7")), msg(9, args("7")),
        msg(10, args("3")), msg(21, b""), msg(22, args("/", "0")),
        msg(0, args("quota")), msg(0, args("quota", "set", "nodes", "5")),
        msg(0, args("lamina-test-become", "3")),
        msg(4, args("@introduceDomain", "i")),
    ]
    for i, r in enumerate(reqs):
        with open(os.path.join(out, "req-%02d" % i), "wb") as f:
            f.write(b"\x01" + chunks(i % 3, r))
    with open(os.path.join(out, "all"), "wb") as f:
        f.write(b"\x01" + b"".join(chunks(i % 4, r)
                                   for i, r in enumerate(reqs)))
    with open(os.path.join(out, "codec"), "wb") as f:
        f.write(b"\x00" + b"".join(reqs))


if __name__ == "__main__":
    main(sys.argv[1])
