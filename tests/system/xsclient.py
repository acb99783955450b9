# SPDX-License-Identifier: MIT
"""A small xenstore client speaking the wire format over a Unix socket,
plus helpers to run lamstored for the system tests.

Used by tests/system/test_lamstored_*.py (there is no conftest: each
test module imports its fixtures from here).
"""
import os
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

HDR = struct.Struct("<IIII")
PAYLOAD_MAX = 4096

# Message type numbers, from the Xen public ABI (io/xs_wire.h).
CONTROL, DIRECTORY, READ, GET_PERMS, WATCH, UNWATCH = 0, 1, 2, 3, 4, 5
TRANSACTION_START, TRANSACTION_END, INTRODUCE, RELEASE = 6, 7, 8, 9
GET_DOMAIN_PATH, WRITE, MKDIR, RM, SET_PERMS = 10, 11, 12, 13, 14
WATCH_EVENT, ERROR, IS_DOMAIN_INTRODUCED, RESUME, SET_TARGET = (
    15, 16, 17, 18, 19)
RESET_WATCHES, DIRECTORY_PART = 21, 22

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


class XsError(Exception):
    def __init__(self, name):
        super().__init__(name)
        self.name = name


class Client:
    """One connection. Replies are matched by req_id; watch events that
    arrive meanwhile are kept in self.events."""

    def __init__(self, path, timeout=5.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(path)
        self.timeout = timeout
        self.events = []
        self.buf = b""
        self.next_id = 1

    def close(self):
        self.sock.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send_raw(self, data):
        self.sock.sendall(data)

    def send(self, mtype, payload, tx=0, req_id=None):
        if req_id is None:
            req_id = self.next_id
            self.next_id += 1
        self.send_raw(HDR.pack(mtype, req_id, tx, len(payload)) + payload)
        return req_id

    def _recv_msg(self, deadline):
        while True:
            if len(self.buf) >= HDR.size:
                mtype, rid, tx, ln = HDR.unpack_from(self.buf)
                if len(self.buf) >= HDR.size + ln:
                    body = self.buf[HDR.size:HDR.size + ln]
                    self.buf = self.buf[HDR.size + ln:]
                    return mtype, rid, tx, body
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("no message from the daemon")
            self.sock.settimeout(left)
            chunk = self.sock.recv(65536)
            if not chunk:
                raise ConnectionError("daemon closed the connection")
            self.buf += chunk

    def reply(self, req_id, timeout=None):
        """Wait for the reply to req_id; returns (type, tx, body)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            mtype, rid, tx, body = self._recv_msg(deadline)
            if mtype == WATCH_EVENT:
                path, token = body.split(b"\0")[:2]
                self.events.append((path.decode(), token.decode()))
                continue
            if rid == req_id:
                return mtype, tx, body

    def call(self, mtype, payload, tx=0):
        rtype, _, body = self.reply(self.send(mtype, payload, tx))
        if rtype == ERROR:
            raise XsError(body.rstrip(b"\0").decode())
        assert rtype == mtype, (rtype, mtype)
        return body

    def callv(self, mtype, *args, tx=0):
        return self.call(mtype, b"".join(a.encode() + b"\0" for a in args),
                         tx)

    def wait_event(self, timeout=None):
        deadline = time.monotonic() + (timeout or self.timeout)
        while not self.events:
            mtype, rid, tx, body = self._recv_msg(deadline)
            if mtype == WATCH_EVENT:
                path, token = body.split(b"\0")[:2]
                self.events.append((path.decode(), token.decode()))
        return self.events.pop(0)

    def no_event(self, wait=0.2):
        """True if no event arrives within `wait` seconds."""
        if self.events:
            return False
        try:
            self.wait_event(wait)
        except (TimeoutError, socket.timeout):
            return True
        return False

    # Operations, named like libxenstore's.
    def read(self, path, tx=0):
        return self.callv(READ, path, tx=tx)

    def write(self, path, value, tx=0):
        if isinstance(value, str):
            value = value.encode()
        return self.call(WRITE, path.encode() + b"\0" + value, tx)

    def mkdir(self, path, tx=0):
        return self.callv(MKDIR, path, tx=tx)

    def rm(self, path, tx=0):
        return self.callv(RM, path, tx=tx)

    def directory(self, path, tx=0):
        body = self.callv(DIRECTORY, path, tx=tx)
        return [c.decode() for c in body.split(b"\0")[:-1]]

    def get_perms(self, path, tx=0):
        body = self.callv(GET_PERMS, path, tx=tx)
        return [p.decode() for p in body.split(b"\0")[:-1]]

    def set_perms(self, path, *perms, tx=0):
        return self.callv(SET_PERMS, path, *perms, tx=tx)

    def watch(self, path, token):
        return self.callv(WATCH, path, token)

    def unwatch(self, path, token):
        return self.callv(UNWATCH, path, token)

    def start(self):
        return int(self.callv(TRANSACTION_START, "").rstrip(b"\0"))

    def end(self, tx, commit=True):
        return self.callv(TRANSACTION_END, "T" if commit else "F", tx=tx)

    def control(self, *args):
        return self.callv(CONTROL, *args).rstrip(b"\0").decode()

    def introduce(self, domid, mfn=0, port=1):
        return self.callv(INTRODUCE, str(domid), str(mfn), str(port))

    def release(self, domid):
        return self.callv(RELEASE, str(domid))

    def become(self, domid):
        """Test hook (--test-mode): act as domain domid from now on."""
        return self.control("lamina-test-become", str(domid))


def build_dir():
    return os.environ.get("LAMINA_BUILD") or os.path.join(REPO, "build")


def daemon_binary():
    """lamstored from $LAMINA_BUILD, built first if it is missing."""
    path = os.path.join(build_dir(), "ctrl-domain", "lamstored")
    if not os.path.exists(path):
        subprocess.run(["make", "-C", os.path.join(REPO, "ctrl-domain"),
                        "BUILD=" + build_dir()], check=True, timeout=300,
                       stdout=subprocess.DEVNULL)
    return path


def wait_for(cond, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        time.sleep(0.01)
    raise TimeoutError("timed out waiting for " + what)


class Daemon:
    """lamstored in the foreground on a private socket."""

    def __init__(self, binary, tmpdir, extra=(), test_mode=True,
                 preexec_fn=None):
        self.dir = tmpdir
        self.sock = os.path.join(tmpdir, "socket")
        self.log = os.path.join(tmpdir, "lamstored.log")
        self.pidfile = os.path.join(tmpdir, "lamstored.pid")
        args = [binary, "--no-fork", "--socket", self.sock,
                "--log-file", self.log, "--pid-file", self.pidfile]
        if test_mode:
            args.append("--test-mode")
        self.stopped = False
        self.errfile = open(os.path.join(tmpdir, "stderr"), "w+")
        self.proc = subprocess.Popen(args + list(extra),
                                     stdout=self.errfile,
                                     stderr=subprocess.STDOUT,
                                     preexec_fn=preexec_fn)
        wait_for(self._ready, 5, "lamstored's socket")

    def _ready(self):
        if self.proc.poll() is not None:
            raise RuntimeError("lamstored exited: " + self.log_tail())
        if not os.path.exists(self.sock):
            return False
        try:
            Client(self.sock, 1).close()
            return True
        except OSError:
            return False

    def client(self, timeout=5.0):
        return Client(self.sock, timeout)

    def env(self):
        env = dict(os.environ)
        env["XENSTORED_PATH"] = self.sock
        return env

    def rss_kib(self):
        with open("/proc/%d/status" % self.proc.pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
        return 0

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def log_tail(self, n=30):
        out = []
        for path in (self.log, self.errfile.name):
            try:
                with open(path) as f:
                    out += f.read().splitlines()[-n:]
            except OSError:
                pass
        return "\n".join(out)

    def stop(self):
        """SIGTERM, then the exit status (None if it had to be killed)."""
        self.stopped = True
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
                return None
        if not self.errfile.closed:
            self.errfile.close()
        return self.proc.returncode


@pytest.fixture(scope="session")
def lamstored_bin():
    return daemon_binary()


def _run_daemon(binary, test_mode):
    with tempfile.TemporaryDirectory(prefix="lamstored-") as tmp:
        d = Daemon(binary, tmp, test_mode=test_mode)
        try:
            yield d
        finally:
            alive = d.stopped or d.proc.poll() is None
            rc = d.stop()
            # Shown by pytest only when the test failed.
            print("---- lamstored log tail ----\n" + d.log_tail())
            assert alive, "lamstored died during the test"
            assert rc == 0, "lamstored did not shut down cleanly"


@pytest.fixture
def daemon(lamstored_bin):
    """lamstored as it runs in production (no test hooks)."""
    yield from _run_daemon(lamstored_bin, False)


@pytest.fixture
def tdaemon(lamstored_bin):
    """lamstored with --test-mode: sockets may act as other domains and
    INTRODUCE gives a domain an in-memory ring when no Xen is around."""
    yield from _run_daemon(lamstored_bin, True)


XS_CONTROL_TOOL = "/usr/lib/xen-4.17/bin/xenstore-control"


def xs_tool(daemon, *argv, timeout=10, input=None):
    """Run a Debian xenstore tool against the daemon; returns the
    CompletedProcess (text mode)."""
    cmd = list(argv)
    if cmd[0] == "xenstore-control" and os.path.exists(XS_CONTROL_TOOL):
        # /usr/bin's wrapper wants a running hypervisor; the tool not.
        cmd[0] = XS_CONTROL_TOOL
    return subprocess.run(cmd, env=daemon.env(), capture_output=True,
                          text=True, timeout=timeout, input=input)
