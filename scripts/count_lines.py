#!/usr/bin/python3
"""Count non-blank, non-comment lines of C and assembly under a directory
(the trusted computing base budget for hyp/ is 20,000)."""

import os
import re
import sys


def count(path):
    n = 0
    in_block = False
    for line in open(path, errors="replace"):
        s = line.strip()
        if in_block:
            if "*/" in s:
                in_block = False
                s = s.split("*/", 1)[1].strip()
            else:
                continue
        if s.startswith("/*") and "*/" not in s:
            in_block = True
            continue
        if not s or s.startswith("//") or re.fullmatch(r"/\*.*\*/", s):
            continue
        n += 1
    return n


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "hyp"
    total = 0
    for d, _, files in os.walk(root):
        for f in files:
            if f.endswith((".c", ".h", ".S")):
                total += count(os.path.join(d, f))
    print(f"{root}: {total} lines of C and assembly")


if __name__ == "__main__":
    main()
