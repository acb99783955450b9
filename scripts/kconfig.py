#!/usr/bin/python3
"""Kconfig front end for the build: defconfig, olddefconfig, menuconfig and
the generated C header, all through Debian's python3-kconfiglib."""

import argparse
import os
import sys

sys.path.insert(0, "/usr/lib/python3/dist-packages")
import kconfiglib  # noqa: E402


def load(kconfig, config):
    kconf = kconfiglib.Kconfig(kconfig, warn_to_stderr=False)
    if config and os.path.exists(config):
        kconf.load_config(config)
    return kconf


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("action", choices=["defconfig", "olddefconfig",
                                       "menuconfig", "header"])
    ap.add_argument("--kconfig", default="Kconfig")
    ap.add_argument("--config", default=".config")
    ap.add_argument("--fragment", action="append", default=[],
                    help="config fragment applied after the defaults")
    ap.add_argument("--header", help="output C header (action header)")
    args = ap.parse_args()
    os.environ["KCONFIG_CONFIG"] = args.config

    if args.action == "menuconfig":
        import menuconfig
        kconf = load(args.kconfig, args.config)
        menuconfig.menuconfig(kconf)
        return 0

    if args.action == "defconfig":
        kconf = kconfiglib.Kconfig(args.kconfig, warn_to_stderr=False)
        for frag in args.fragment:
            kconf.load_config(frag, replace=False)
    else:
        kconf = load(args.kconfig, args.config)

    if args.action in ("defconfig", "olddefconfig"):
        os.makedirs(os.path.dirname(os.path.abspath(args.config)),
                    exist_ok=True)
        kconf.write_config(args.config, save_old=False)
        print(f"kconfig: wrote {args.config}")
        return 0

    os.makedirs(os.path.dirname(os.path.abspath(args.header)), exist_ok=True)
    tmp = args.header + ".tmp"
    kconf.write_autoconf(tmp)
    # Leave the header untouched when nothing changed, so make does not
    # rebuild everything.
    new = open(tmp).read()
    if os.path.exists(args.header) and open(args.header).read() == new:
        os.unlink(tmp)
    else:
        os.replace(tmp, args.header)
    return 0


if __name__ == "__main__":
    sys.exit(main())
