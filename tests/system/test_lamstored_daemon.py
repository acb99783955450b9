# SPDX-License-Identifier: MIT
"""lamstored as a daemon: start-up and shutdown, and clients that
misbehave: floods of requests, of watches, of events, and garbage."""
import os
import resource
import signal
import socket
import struct
import subprocess
import tempfile
import time

import pytest

from xsclient import (HDR, READ, WRITE, Client, Daemon, XsError,  # noqa
                      daemon, lamstored_bin, tdaemon, wait_for, xs_tool)


def test_forks_writes_pid_and_shuts_down_cleanly(lamstored_bin, tmp_path):
    # Like xenstored, it creates the socket's directory (one level).
    sock = str(tmp_path / "xenstored" / "socket")
    pidfile = str(tmp_path / "pid")
    r = subprocess.run([lamstored_bin, "--socket", sock, "--pid-file",
                        pidfile], timeout=10, capture_output=True)
    # The parent returns once the daemon serves.
    assert r.returncode == 0, r.stderr
    with open(pidfile) as f:
        pid = int(f.read())
    try:
        with Client(sock) as c:
            assert c.directory("/") == ["tool"]
        assert oct(os.stat(sock).st_mode & 0o777) == "0o600"
    finally:
        os.kill(pid, signal.SIGTERM)
    wait_for(lambda: not os.path.exists(pidfile), 5, "pid file removal")
    assert not os.path.exists(sock)
    wait_for(lambda: not os.path.exists("/proc/%d" % pid) or
             open("/proc/%d/stat" % pid).read().split()[2] == "Z",
             5, "daemon exit")


def test_usage(lamstored_bin):
    r = subprocess.run([lamstored_bin, "--help"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 0 and "--socket" in r.stdout
    r = subprocess.run([lamstored_bin, "--bogus"], capture_output=True,
                       text=True, timeout=10)
    assert r.returncode == 2 and "usage:" in r.stderr
    r = subprocess.run([lamstored_bin, "--no-fork", "--socket",
                        "/nonexistent-dir/deeper/socket"],
                       capture_output=True, text=True, timeout=10)
    assert r.returncode == 1 and "cannot listen" in r.stderr


def test_quota_options_that_wrap_are_refused(lamstored_bin, tmp_path):
    """A negative quota or one past 2^32 must not wrap to a small positive
    one (-4294967295 was taken for 1), nor a long value be cut short
    (55 zeros, 12 and junk was taken for 12): lamstored refuses it and
    exits."""
    sock = str(tmp_path / "socket")
    for opt in (["-Q", "memory=-4294967295"], ["-E", "-4294966296"],
                ["-W", "4294967424"], ["-q", "memory=-1"],
                ["-E", "0" * 55 + "12junk"]):
        r = subprocess.run([lamstored_bin, "--no-fork", "--no-domains",
                            "--socket", sock] + opt,
                           capture_output=True, text=True, timeout=10)
        assert r.returncode == 2 and "bad quota" in r.stderr, (opt, r)
        assert not os.path.exists(sock)


def test_out_of_descriptors_neither_spins_nor_wedges(lamstored_bin):
    def low_fd_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (24, 24))

    with tempfile.TemporaryDirectory(prefix="lamstored-") as tmp:
        d = Daemon(lamstored_bin, tmp, preexec_fn=low_fd_limit)
        try:
            socks = []
            for _ in range(50):             # more than it can accept
                s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                s.connect(d.sock)
                socks.append(s)
            # Wait until it has taken all the descriptors it can.
            wait_for(lambda: len(os.listdir("/proc/%d/fd" % d.proc.pid))
                     >= 24, 5, "lamstored to run out of descriptors")
            cpu0 = d.cpu_seconds()
            time.sleep(1.0)
            assert d.cpu_seconds() - cpu0 < 0.3, "busy-looping"
            for s in socks:
                s.close()
            with d.client(timeout=5) as c:
                assert c.directory("/") == ["tool"]
        finally:
            print(d.log_tail())
            assert d.stop() == 0


def test_rm_of_the_deepest_tree_on_a_small_stack(lamstored_bin):
    """1024 levels, the most the path limit allows, walked by RELEASE of
    another domain and removed by a daemon whose stack is limited to
    512 KiB: removal must not recurse."""
    def small_stack():
        resource.setrlimit(resource.RLIMIT_STACK, (512 << 10, 512 << 10))

    leaf = "/local/domain/0" + "/a" * 1024
    with tempfile.TemporaryDirectory(prefix="lamstored-") as tmp:
        d = Daemon(lamstored_bin, tmp, preexec_fn=small_stack)
        try:
            with d.client() as c:
                c.write(leaf, "leaf")
                with pytest.raises(XsError) as e:
                    c.write(leaf + "/a", "")
                assert e.value.name == "EINVAL"
                # RELEASE of another domain walks the whole store.
                c.introduce(9)
                c.write("/local/domain/9/x", "")
                c.release(9)
                c.rm("/local/domain/0/a")
                with pytest.raises(XsError) as e:
                    c.read(leaf)
                assert e.value.name == "ENOENT"
                assert c.directory("/local/domain/0") == []
            assert d.proc.poll() is None, "lamstored died"
        finally:
            print(d.log_tail())
            rc = d.stop()
        assert rc == 0


def test_test_hook_is_off_by_default(daemon):
    c = daemon.client()
    with pytest.raises(XsError) as e:
        c.become(5)
    assert e.value.name == "EINVAL"
    # Without Xen devices, INTRODUCE cannot map a guest's page.
    with pytest.raises(XsError):
        c.introduce(5, 0, 1)
    assert c.callv(17, "5") == b"F\0"


def test_sigterm_with_clients_connected(daemon):
    clients = [daemon.client() for _ in range(5)]
    clients[0].watch("/x", "t")
    t = clients[1].start()
    clients[1].write("/y", "1", tx=t)
    assert daemon.stop() == 0
    assert not os.path.exists(daemon.sock)
    assert "shutting down on signal 15" in daemon.log_tail()


def test_oversized_message_drops_only_that_client(daemon):
    bad, good = daemon.client(), daemon.client()
    bad.send_raw(HDR.pack(WRITE, 1, 0, 4097))
    with pytest.raises((ConnectionError, OSError)):
        bad.reply(1, timeout=5)
    assert good.directory("/") == ["tool"]


def test_stalled_partial_message_blocks_nobody(daemon):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(daemon.sock)
    s.sendall(HDR.pack(READ, 1, 0, 100)[:10])   # half a header, then quiet
    good = daemon.client(timeout=2)
    for i in range(50):
        good.write("/p%d" % i, "v")
    s.close()


def flood_until_blocked(socks, msg, seconds=10):
    """Send msg back to back on every socket, never reading, until each
    has found the daemon unwilling to take more. Returns requests sent."""
    pending = {s: b"" for s in socks}
    blocked = {s: 0 for s in socks}
    sent = 0
    burst = msg * 256
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and min(blocked.values()) < 20:
        for s in socks:
            if not pending[s]:
                pending[s] = burst
            try:
                n = s.send(pending[s])
            except BlockingIOError:
                blocked[s] += 1
                continue
            blocked[s] = 0
            pending[s] = pending[s][n:]     # keep the framing intact
            sent += n
        if min(blocked.values()):
            time.sleep(0.005)
    assert min(blocked.values()) >= 20, "the daemon never pushed back"
    return sent // len(msg)


def test_request_flood_is_bounded_and_others_served(daemon):
    c0 = daemon.client()
    c0.write("/big", "z" * 4000)
    rss0 = daemon.rss_kib()
    flooders = []
    for _ in range(4):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(daemon.sock)
        s.setblocking(False)
        flooders.append(s)
    requests = flood_until_blocked(flooders, HDR.pack(READ, 1, 0, 5) +
                                   b"/big\0")
    # Queueing every reply would take requests * 4 KiB: the flood is real.
    assert requests * 4016 > 64 * 1024 * 1024, requests
    other = daemon.client(timeout=3)
    t0 = time.monotonic()
    for i in range(100):
        assert other.read("/big") == b"z" * 4000
    assert time.monotonic() - t0 < 3
    assert daemon.rss_kib() - rss0 < 16 * 1024
    for s in flooders:
        s.close()
    assert other.read("/big")[:1] == b"z"


def test_watch_flood_is_bounded(tdaemon):
    c = tdaemon.client()
    token = "t" * 2000
    count = 0
    with pytest.raises(XsError) as e:
        for i in range(100000):
            c.watch("/w%d" % i, token)
            count += 1
            c.events.clear()
    # dom0 has no watch quota in Xen; we bound its watch memory (4 MiB).
    assert e.value.name == "E2BIG"
    assert 1000 < count < 3000
    g = tdaemon.client()
    g.become(9)
    n = 0
    with pytest.raises(XsError) as e:
        for i in range(1000):
            g.watch("/g%d" % i, "t")
            n += 1
    # A guest gets exactly its quota of 128.
    assert e.value.name == "E2BIG" and n == 128


def test_event_flood_to_a_sleeping_watcher(tdaemon):
    # Registers a watch with 2 KiB events, then never reads again: the
    # backlog would reach 10 MiB if kept.
    sleeper = tdaemon.client()
    sleeper.watch("/ev", "t" * 2000)
    writer = tdaemon.client(timeout=3)
    writer.write("/ev", "")
    rss0 = tdaemon.rss_kib()
    t0 = time.monotonic()
    value = "v" * 100
    for i in range(5000):
        writer.write("/ev/k%d" % i, value)
    elapsed = time.monotonic() - t0
    # The writer never waits for the sleeper...
    assert elapsed < 20
    # ...and the sleeper's backlog is capped (events beyond are dropped).
    assert tdaemon.rss_kib() - rss0 < 8 * 1024
    with open(tdaemon.log) as f:
        assert "events dropped" in f.read()
    sleeper.close()
