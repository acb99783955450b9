#!/usr/bin/python3
"""Install the Debian packages listed in scripts/packages.txt that are not
installed yet. Idempotent: with everything present it only checks."""

import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def wanted():
    pkgs = []
    with open(os.path.join(HERE, "packages.txt")) as f:
        for line in f:
            line = line.split("#", 1)[0].strip()
            if line:
                pkgs.append(line)
    return pkgs


def missing(pkgs):
    out = subprocess.run(
        ["dpkg-query", "-W", "-f=${Package} ${db:Status-Abbrev}\n"] + pkgs,
        capture_output=True, text=True).stdout
    ok = {l.split()[0] for l in out.splitlines()
          if len(l.split()) > 1 and l.split()[1].startswith("ii")}
    return [p for p in pkgs if p not in ok]


def main():
    need = missing(wanted())
    if not need:
        return 0
    print("deps: installing " + " ".join(need), flush=True)
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(sudo + ["apt-get", "update", "-q"], check=True, env=env)
    subprocess.run(sudo + ["apt-get", "install", "-y", "-q",
                           "--no-install-recommends"] + need,
                   check=True, env=env)
    still = missing(need)
    if still:
        print("deps: could not install: " + " ".join(still), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
