#!/usr/bin/python3
"""The control domain's boot artifacts: Debian's kernel and our initramfs.

  ctrl_domain.py [--build DIR]        build (or reuse) and print the paths

Packages come from Debian's mirror through `apt-get download` into
$BUILD/cache/debs and are reused from there (`apt-get update` is run once if
a download fails); nothing from them is committed:
  - linux-image-amd64, the metapackage, only to learn which
    linux-image-<abi>-amd64 it depends on; that package gives the kernel
    (/boot/vmlinuz-*), its config and the Xen device modules;
  - busybox-static, the initramfs userland (one binary plus applet links).
The Xen modules wanted are xen-evtchn, xen-gntdev, xen-gntalloc,
xen-privcmd and xenfs; those the kernel has built in (modules.builtin) are
skipped, the rest go in with their dependencies (from each module's
.modinfo "depends=", the data depmod would put in modules.dep, which the
package does not ship) in load order.

Outputs in $BUILD/ctrl-domain/:
  vmlinuz         the bzImage as Debian ships it (Xen's loader takes it)
  vmlinux         the ELF inside it (scripts/extract_vmlinux.py), for Lamina
  initrd.gz       newc cpio, gzip: busybox, /init (ctrl-domain/initramfs/),
                  the modules, our musl-static tools in /usr/bin
  kernel-version  e.g. 6.1.0-56-amd64

boot(hypervisor) gives the QEMU arguments (scripts/qemu.py command()) that
boot the control domain on Lamina or on Xen 4.17, the same for `make run`,
tests/linux and tests/bench/linux: 2 vCPUs, 1 GiB, dom0_mem=512M, the ELF
vmlinux as the first module with the kernel command line after it, the
initrd as the second.
"""

import argparse
import functools
import glob
import gzip
import io
import lzma
import os
import shutil
import stat
import struct
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import extract_vmlinux  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
INITRAMFS_SRC = os.path.join(TOP, "ctrl-domain", "initramfs")
KERNEL_META = "linux-image-amd64"
BUSYBOX = "busybox-static"
# Module file name -> the config symbol that builds it (for the report).
XEN_MODULES = {
    "xen-evtchn": "CONFIG_XEN_DEV_EVTCHN",
    "xen-gntdev": "CONFIG_XEN_GNTDEV",
    "xen-gntalloc": "CONFIG_XEN_GRANT_DEV_ALLOC",
    "xen-privcmd": "CONFIG_XEN_PRIVCMD",
    "xenfs": "CONFIG_XENFS",
}
# The boot recipe (see boot()).
MACHINE_MEM = "1G"
MACHINE_SMP = 2
DOM0_MEM_MIB = 512
# A PV control domain's console is the Xen console: hvc0 (hvc_xen);
# earlyprintk=xen writes through console_io before hvc0 is registered.
KERNEL_ARGS = "console=hvc0 earlyprintk=xen"
LAMINA_ARGS = f"dom0_mem={DOM0_MEM_MIB}M debug_exit=0xf4"
XEN_ARGS = (f"console=com1 dom0_mem={DOM0_MEM_MIB}M "
            f"dom0_max_vcpus={MACHINE_SMP} noreboot "
            "loglvl=all guest_loglvl=all")
# The line /etc/profile prints when the console shell is up.
READY_MARKER = "LAMINA-INIT-READY"
# Our tools from $BUILD/ctrl-domain that go into /usr/bin.
TOOL_PREFIXES = ("lamstored", "lamctl", "lamconsd", "lamtest-")


def default_build():
    return os.environ.get("LAMINA_BUILD", os.path.join(TOP, "build"))


def log(msg):
    print(f"ctrl_domain: {msg}", file=sys.stderr, flush=True)


# ---- Debian packages ------------------------------------------------------

def _deb_field(deb, field):
    r = subprocess.run(["dpkg-deb", "-f", deb, field], capture_output=True,
                       text=True, check=True)
    return r.stdout.strip()


def _newest(debs):
    def cmp(a, b):
        va, vb = _deb_field(a, "Version"), _deb_field(b, "Version")
        if va == vb:
            return 0
        gt = subprocess.run(["dpkg", "--compare-versions", va, "gt", vb])
        return 1 if gt.returncode == 0 else -1
    return sorted(debs, key=functools.cmp_to_key(cmp))[-1]


def _apt_download(package, debs):
    cmd = ["apt-get", "download", package]
    r = subprocess.run(cmd, cwd=debs, capture_output=True, text=True)
    if r.returncode != 0:
        log(f"apt-get download {package} failed; apt-get update, again")
        subprocess.run(["apt-get", "update"], capture_output=True)
        r = subprocess.run(cmd, cwd=debs, capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"apt-get download {package} failed:\n{r.stderr}")


def fetch_deb(package, debs):
    """Path of package's .deb in the cache, downloading it if absent."""
    os.makedirs(debs, exist_ok=True)
    found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
    if not found:
        log(f"apt-get download {package}")
        _apt_download(package, debs)
        found = glob.glob(os.path.join(debs, f"{package}_*.deb"))
    if not found:
        raise RuntimeError(f"no {package} .deb in {debs}")
    return _newest(found)


def kernel_package(debs):
    """The linux-image-<abi>-amd64 package the metapackage depends on."""
    meta = fetch_deb(KERNEL_META, debs)
    for alternative in _deb_field(meta, "Depends").split(","):
        name = alternative.split("|")[0].split("(")[0].strip()
        if name.startswith("linux-image-") and name != KERNEL_META:
            return name
    raise RuntimeError(f"{meta}: no linux-image-* dependency")


def unpack(deb, cache, kind):
    """Unpack deb once into $cache/<kind>/<package>_<version>; reuse it."""
    dest = os.path.join(cache, kind, "%s_%s" % (
        _deb_field(deb, "Package"), _deb_field(deb, "Version")))
    if os.path.isdir(dest):
        return dest
    os.makedirs(os.path.dirname(dest), exist_ok=True)
    tmp = tempfile.mkdtemp(dir=os.path.dirname(dest))
    subprocess.run(["dpkg-deb", "-x", deb, tmp], check=True)
    os.rename(tmp, dest)
    return dest


# ---- kernel modules -------------------------------------------------------

def modinfo(data):
    """{key: value} from a module's .modinfo section (ELF64)."""
    if data[:4] != b"\x7fELF" or data[4] != 2:
        raise RuntimeError("not an ELF64 module")
    shoff = struct.unpack_from("<Q", data, 0x28)[0]
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)

    def section(i):
        name, _, _, _, off, size = struct.unpack_from(
            "<IIQQQQ", data, shoff + i * shentsize)
        return name, off, size

    _, stroff, _ = section(shstrndx)
    for i in range(shnum):
        name, off, size = section(i)
        end = data.index(b"\0", stroff + name)
        if data[stroff + name:end] == b".modinfo":
            info = {}
            for item in data[off:off + size].split(b"\0"):
                text = item.decode("utf-8", "replace")
                key, sep, value = text.partition("=")
                if sep:
                    info.setdefault(key, value)
            return info
    return {}


def _norm(name):
    return name.replace("-", "_")


def _read_module(path):
    """A module's bytes, decompressed if Debian ships it compressed."""
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".xz"):
        return lzma.decompress(data)
    if path.endswith(".zst"):
        return subprocess.run(["zstd", "-d", "-c", "-q"], input=data,
                              capture_output=True, check=True).stdout
    if path.endswith(".gz"):
        return gzip.decompress(data)
    return data


def _module_name(path):
    base = os.path.basename(path)
    return _norm(base[:base.index(".ko")])


def select_modules(moddir):
    """[(normalized name, path)] to load, dependencies first; and a report
    {wanted module: "module" | "built-in"}."""
    with open(os.path.join(moddir, "modules.builtin")) as f:
        builtin = {_module_name(line.strip()) for line in f if line.strip()}
    index = {}
    for root, _, files in os.walk(os.path.join(moddir, "kernel")):
        for name in files:
            if ".ko" in name:
                index[_module_name(name)] = os.path.join(root, name)
    order, report = [], {}

    def add(name, chain):
        if name in builtin or any(n == name for n, _ in order):
            return
        if name in chain:
            raise RuntimeError(f"module dependency loop: {chain + [name]}")
        if name not in index:
            raise RuntimeError(f"module {name} is neither built in nor "
                               f"shipped in {moddir}")
        deps = modinfo(_read_module(index[name])).get("depends", "")
        for dep in filter(None, deps.split(",")):
            add(_norm(dep), chain + [name])
        order.append((name, index[name]))

    for wanted in XEN_MODULES:
        n = _norm(wanted)
        report[wanted] = "built-in" if n in builtin else "module"
        add(n, [])
    return order, report


def kernel_config(root, version):
    config = {}
    with open(os.path.join(root, "boot", f"config-{version}")) as f:
        for line in f:
            key, sep, value = line.strip().partition("=")
            if sep and key.startswith("CONFIG_"):
                config[key] = value
    return config


# ---- initramfs ------------------------------------------------------------

class Cpio:
    """A newc ("070701") archive, written in memory; owner root, fixed
    mtime, so the same inputs give the same bytes."""

    def __init__(self):
        self.buf = io.BytesIO()
        self.ino = 1
        self.names = set()

    def _entry(self, name, mode, data=b"", rdev=(0, 0)):
        name = name.lstrip("/")
        if name in self.names:
            raise RuntimeError(f"initramfs: {name} twice")
        self.names.add(name)
        raw = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 1, 0, len(data), 0, 0,
                  rdev[0], rdev[1], len(raw), 0)
        self.ino += 1
        self.buf.write(b"070701" + b"".join(b"%08X" % v for v in fields))
        self.buf.write(raw)
        self.buf.write(b"\0" * (-(110 + len(raw)) % 4))
        self.buf.write(data)
        self.buf.write(b"\0" * (-len(data) % 4))

    def dir(self, name, perm=0o755):
        self._entry(name, stat.S_IFDIR | perm)

    def file(self, name, data, perm=0o644):
        self._entry(name, stat.S_IFREG | perm, data)

    def symlink(self, name, target):
        self._entry(name, stat.S_IFLNK | 0o777, target.encode())

    def chardev(self, name, major, minor, perm=0o600):
        self._entry(name, stat.S_IFCHR | perm, rdev=(major, minor))

    def finish(self):
        self.ino = 0
        self._entry("TRAILER!!!", 0)
        return self.buf.getvalue()


def busybox_applets(busybox):
    r = subprocess.run([busybox, "--list-full"], capture_output=True,
                       text=True, check=True)
    return sorted(line.strip() for line in r.stdout.splitlines()
                  if line.strip())


def our_tools(outdir):
    tools = []
    for name in sorted(os.listdir(outdir)):
        path = os.path.join(outdir, name)
        if name.startswith(TOOL_PREFIXES) and os.path.isfile(path) and \
                os.access(path, os.X_OK):
            tools.append((name, path))
    return tools


def initramfs(busybox, modules, version, tools):
    c = Cpio()
    dirs = ["bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc",
            "sys", "tmp", "run", "root", "etc", "etc/lamina", "var",
            "var/log", "mnt", "lib", "lib/modules", f"lib/modules/{version}"]
    for d in dirs:
        c.dir(d, 0o1777 if d == "tmp" else 0o755)
    c.symlink("var/run", "/run")
    # The kernel opens /dev/console for init before devtmpfs is mounted.
    c.chardev("dev/console", 5, 1)
    c.chardev("dev/null", 1, 3, 0o666)
    with open(busybox, "rb") as f:
        c.file("bin/busybox", f.read(), 0o755)
    for applet in busybox_applets(busybox):
        if applet != "bin/busybox":
            c.symlink(applet, "/bin/busybox")
    # ctrl-domain/initramfs/: init is /init, every other file goes to /etc.
    for name in sorted(os.listdir(INITRAMFS_SRC)):
        with open(os.path.join(INITRAMFS_SRC, name), "rb") as f:
            if name == "init":
                c.file(name, f.read(), 0o755)
            else:
                c.file(f"etc/{name}", f.read())
    load_list = []
    for name, path in modules:
        rel = f"{version}/{name}.ko"
        c.file(f"lib/modules/{rel}", _read_module(path))
        load_list.append(rel)
    c.file("etc/lamina/modules", ("".join(m + "\n" for m in load_list))
           .encode())
    for name, path in tools:
        with open(path, "rb") as f:
            c.file(f"usr/bin/{name}", f.read(), 0o755)
    return gzip.compress(c.finish(), compresslevel=9, mtime=0)


# ---- the whole recipe -----------------------------------------------------

def _write(path, data):
    with open(path + ".tmp", "wb") as f:
        f.write(data)
    os.replace(path + ".tmp", path)


def build_tools(build):
    r = subprocess.run(["make", "-s", "-C", os.path.join(TOP, "ctrl-domain"),
                        f"BUILD={build}"], capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError("ctrl-domain tools failed to build:\n" +
                           r.stdout[-2000:] + r.stderr[-2000:])


def artifacts(build=None):
    build = os.path.abspath(build or default_build())
    out = os.path.join(build, "ctrl-domain")
    return {"vmlinuz": os.path.join(out, "vmlinuz"),
            "vmlinux": os.path.join(out, "vmlinux"),
            "initrd": os.path.join(out, "initrd.gz"),
            "version": os.path.join(out, "kernel-version")}


def ensure(build=None, tools=True):
    """Build or reuse the artifacts; return artifacts(build) plus the
    kernel version and the module report."""
    build = os.path.abspath(build or default_build())
    cache = os.path.join(build, "cache")
    debs = os.path.join(cache, "debs")
    out = os.path.join(build, "ctrl-domain")
    os.makedirs(out, exist_ok=True)
    paths = artifacts(build)

    kroot = unpack(fetch_deb(kernel_package(debs), debs), cache, "linux")
    versions = os.listdir(os.path.join(kroot, "lib", "modules"))
    if len(versions) != 1:
        raise RuntimeError(f"{kroot}: expected one module tree: {versions}")
    version = versions[0]
    bzimage = os.path.join(kroot, "boot", f"vmlinuz-{version}")
    if not os.path.exists(paths["vmlinuz"]) or \
            not filecmp_same(bzimage, paths["vmlinuz"]):
        shutil.copyfile(bzimage, paths["vmlinuz"] + ".tmp")
        os.replace(paths["vmlinuz"] + ".tmp", paths["vmlinuz"])
    if not os.path.exists(paths["vmlinux"]) or \
            os.path.getmtime(paths["vmlinux"]) < \
            os.path.getmtime(paths["vmlinuz"]):
        extract_vmlinux.extract_file(paths["vmlinuz"], paths["vmlinux"])

    moddir = os.path.join(kroot, "lib", "modules", version)
    modules, report = select_modules(moddir)
    config = kernel_config(kroot, version)
    bbroot = unpack(fetch_deb(BUSYBOX, debs), cache, "busybox")
    if tools:
        build_tools(build)
    data = initramfs(os.path.join(bbroot, "bin", "busybox"), modules,
                     version, our_tools(out))
    if not os.path.exists(paths["initrd"]) or \
            open(paths["initrd"], "rb").read() != data:
        _write(paths["initrd"], data)
    _write(paths["version"], (version + "\n").encode())
    res = dict(paths)
    res["kernel_version"] = version
    res["modules"] = {
        m: f"{how} ({XEN_MODULES[m]}={config.get(XEN_MODULES[m], 'n')})"
        for m, how in report.items()}
    res["load_order"] = [n for n, _ in modules]
    return res


def boot(hypervisor, build=None, hyp_args="", kernel_args=""):
    """qemu.command() keyword arguments that boot the control domain on
    hypervisor "lamina" or "xen" (Debian's Xen 4.17). The artifacts must
    exist (ensure())."""
    build = os.path.abspath(build or default_build())
    paths = artifacts(build)
    cmdline = " ".join(filter(None, (KERNEL_ARGS, kernel_args)))
    modules = [f"{paths['vmlinux']} {cmdline}", paths["initrd"]]
    if hypervisor == "lamina":
        kernel = os.path.join(build, "lamina.elf")
        append, debug_exit = LAMINA_ARGS, True
    elif hypervisor == "xen":
        import xen_ref
        kernel = xen_ref.fetch(build)
        append, debug_exit = XEN_ARGS, False
    else:
        raise ValueError(f"unknown hypervisor {hypervisor!r}")
    return {"kernel": kernel,
            "append": " ".join(filter(None, (append, hyp_args))),
            "modules": modules, "mem": MACHINE_MEM, "smp": MACHINE_SMP,
            "debug_exit": debug_exit}


def filecmp_same(a, b):
    if os.path.getsize(a) != os.path.getsize(b):
        return False
    with open(a, "rb") as fa, open(b, "rb") as fb:
        return fa.read() == fb.read()


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--build", default=default_build())
    ap.add_argument("--no-tools", action="store_true",
                    help="do not (re)build the ctrl-domain tools first")
    a = ap.parse_args()
    res = ensure(a.build, tools=not a.no_tools)
    print(f"kernel    {res['kernel_version']}")
    for m, how in res["modules"].items():
        print(f"module    {m}: {how}")
    print(f"load      {' '.join(res['load_order']) or '(none)'}")
    for key in ("vmlinuz", "vmlinux", "initrd"):
        print(f"{key:9} {res[key]} ({os.path.getsize(res[key])} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
