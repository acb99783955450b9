# SPDX-License-Identifier: MIT
"""lamstored over its socket with our own client: transactions,
conflicts, watches, quotas, DIRECTORY_PART and permissions across
domains (the latter through the --test-mode hook that lets a socket
connection act as another domain)."""
import struct
import tempfile

import pytest

from xsclient import (HDR, DIRECTORY, DIRECTORY_PART, ERROR, READ,
                      TRANSACTION_START, WATCH_EVENT, Daemon, XsError,
                      lamstored_bin, tdaemon)  # noqa: F401 fixtures


def err(fn, *args, **kw):
    with pytest.raises(XsError) as e:
        fn(*args, **kw)
    return e.value.name


def guest(d, domid):
    """A connection acting as domain domid, owning its home directory."""
    with d.client() as c0:
        home = "/local/domain/%d" % domid
        c0.mkdir(home)
        c0.set_perms(home, "n%d" % domid)
    c = d.client()
    c.become(domid)
    return c


def test_ack_and_reply_shapes(tdaemon):
    c = tdaemon.client()
    rid = c.send(READ, b"/tool\0", tx=0, req_id=0xdeadbeef)
    mtype, tx, body = c.reply(rid)
    assert (mtype, tx, body) == (READ, 0, b"")
    assert c.write("/x", "v") == b"OK\0"
    rid = c.send(READ, b"/missing\0", req_id=77)
    assert c.reply(77) == (ERROR, 0, b"ENOENT\0")
    assert c.callv(DIRECTORY, "/") == b"tool\0x\0"


def test_transaction_commit_abort_and_conflict(tdaemon):
    a, b = tdaemon.client(), tdaemon.client()
    a.write("/acct", "100")
    t = a.start()
    assert a.read("/acct", tx=t) == b"100"
    a.write("/acct", "90", tx=t)
    assert b.read("/acct") == b"100"          # isolated
    b.write("/acct", "50")                     # concurrent change
    assert err(a.end, t) == "EAGAIN"
    assert b.read("/acct") == b"50"
    # The retry, as a client would do it, succeeds.
    t = a.start()
    v = int(a.read("/acct", tx=t)) - 10
    a.write("/acct", str(v), tx=t)
    assert a.end(t) == b"OK\0"
    assert b.read("/acct") == b"40"
    t = a.start()
    a.rm("/acct", tx=t)
    a.end(t, commit=False)
    assert b.read("/acct") == b"40"


def test_transaction_ids_and_errors(tdaemon):
    a, b = tdaemon.client(), tdaemon.client()
    t1, t2 = a.start(), a.start()
    assert t1 != t2 and 0 not in (t1, t2)
    assert err(b.read, "/tool", tx=t1) == "ENOENT"
    assert err(a.callv, TRANSACTION_START, "", tx=t1) == "EBUSY"
    assert err(a.callv, 7, "maybe", tx=t1) == "EINVAL"
    a.end(t1)
    assert err(a.end, t1) == "ENOENT"
    a.close()                                  # t2 dies with it
    assert b.directory("/") == ["tool"]


def test_many_concurrent_transactions_serialise(tdaemon):
    clients = [tdaemon.client() for _ in range(6)]
    clients[0].write("/ctr", "0")
    done = 0
    pending = {i: None for i in range(len(clients))}
    # Interleave read-modify-write transactions until each committed once.
    for _ in range(200):
        if not pending:
            break
        for i in list(pending):
            c = clients[i]
            t = c.start()
            v = int(c.read("/ctr", tx=t))
            c.write("/ctr", str(v + 1), tx=t)
            pending[i] = t
        for i in list(pending):
            try:
                clients[i].end(pending[i])
                del pending[i]
                done += 1
            except XsError as e:
                assert e.name == "EAGAIN"
    assert done == 6
    assert clients[0].read("/ctr") == b"6"


def test_watch_events_and_unwatch(tdaemon):
    w, c = tdaemon.client(), tdaemon.client()
    assert w.watch("/dev", "tok-1") == b"OK\0"
    assert w.wait_event() == ("/dev", "tok-1")
    c.write("/dev/vif/0/state", "4")
    assert w.wait_event() == ("/dev/vif/0/state", "tok-1")
    c.write("/device", "no")                   # a sibling, not a child
    assert w.no_event()
    assert err(w.watch, "/dev", "tok-1") == "EEXIST"
    w.unwatch("/dev", "tok-1")
    c.write("/dev/x", "1")
    assert w.no_event()
    assert err(w.unwatch, "/dev", "tok-1") == "ENOENT"


def test_watch_relative_for_a_guest(tdaemon):
    g = guest(tdaemon, 7)
    g.watch("device", "rel")
    assert g.wait_event() == ("device", "rel")
    with tdaemon.client() as c0:
        c0.write("/local/domain/7/device/vbd/51712", "x")
    assert g.wait_event() == ("device/vbd/51712", "rel")


def test_watch_event_order_follows_changes(tdaemon):
    w, c = tdaemon.client(), tdaemon.client()
    w.watch("/o", "t")
    w.wait_event()
    for i in range(50):
        c.write("/o/k%d" % i, str(i))
    got = [w.wait_event()[0] for _ in range(50)]
    assert got == ["/o/k%d" % i for i in range(50)]


def test_reset_watches(tdaemon):
    w, c = tdaemon.client(), tdaemon.client()
    w.watch("/r", "a")
    w.watch("/s", "b")
    w.wait_event()
    w.wait_event()
    w.callv(21)
    c.write("/r/x", "1")
    assert w.no_event()


def test_special_watches(tdaemon):
    w, c0 = tdaemon.client(), tdaemon.client()
    w.watch("@introduceDomain", "in")
    w.watch("@releaseDomain", "out")
    assert w.wait_event() == ("@introduceDomain", "in")
    assert w.wait_event() == ("@releaseDomain", "out")
    c0.introduce(31, 1234, 5)
    assert w.wait_event() == ("@introduceDomain", "in")
    assert c0.callv(17, "31") == b"T\0"
    c0.write("/local/domain/31/name", "guest")
    c0.set_perms("/local/domain/31/name", "n31")
    c0.release(31)
    assert w.wait_event() == ("@releaseDomain", "out")
    assert c0.callv(17, "31") == b"F\0"
    # Nodes the released domain owned are gone, as in Xen 4.17.
    assert err(c0.read, "/local/domain/31/name") == "ENOENT"
    assert err(c0.release, 31) == "ENOENT"
    assert err(c0.introduce, 32, 0, 0) == "EINVAL"   # port 0


def test_directory_part_protocol(tdaemon):
    c = tdaemon.client()
    names = ["n%04d-%s" % (i, "x" * 40) for i in range(200)]
    for n in names:
        c.write("/dp/" + n, "")
    assert err(c.directory, "/dp") == "E2BIG"
    got, off, gen = [], 0, None
    while True:
        body = c.callv(DIRECTORY_PART, "/dp", str(off))
        g, rest = body.split(b"\0", 1)
        assert gen in (None, g)                # list unchanged meanwhile
        gen = g
        assert len(body) <= 4096
        if rest == b"\0":
            break
        items = rest.split(b"\0")
        end = items[-2] == b""
        part = [x.decode() for x in items if x]
        got += part
        off += sum(len(x) + 1 for x in part)
        if end:
            break
    assert got == names
    c.write("/dp/new", "")
    body = c.callv(DIRECTORY_PART, "/dp", "0")
    assert body.split(b"\0", 1)[0] != gen      # generation moved on


def test_permissions_across_domains(tdaemon):
    c0 = tdaemon.client()
    g1, g2 = guest(tdaemon, 1), guest(tdaemon, 2)
    g1.write("mine", "1")                      # relative: its home
    assert c0.get_perms("/local/domain/1/mine") == ["n1"]
    assert err(g2.read, "/local/domain/1/mine") == "EACCES"
    # Existence is not leaked through an unreadable parent.
    assert err(g2.read, "/local/domain/1/none") == "EACCES"
    assert err(g1.read, "none") == "ENOENT"
    g1.set_perms("mine", "n1", "r2")
    assert g2.read("/local/domain/1/mine") == b"1"
    assert err(g2.write, "/local/domain/1/mine", "x") == "EACCES"
    assert err(g1.set_perms, "mine", "n2") == "EPERM"
    assert err(g2.set_perms, "/local/domain/1/mine", "n2") == "EACCES"
    # Guests cannot use privileged operations.
    assert err(g1.control, "help") == "EACCES"
    assert err(g1.introduce, 9) == "EACCES"
    assert err(g1.callv, 17, "0") == "EACCES"
    # dom0 sees everything.
    assert c0.read("/local/domain/1/mine") == b"1"


def test_set_target(tdaemon):
    c0 = tdaemon.client()
    c0.introduce(40)
    c0.introduce(41)
    c0.write("/local/domain/41/secret", "s")
    c0.set_perms("/local/domain/41/secret", "n41")
    stub = tdaemon.client()
    stub.become(40)
    assert err(stub.read, "/local/domain/41/secret") == "EACCES"
    c0.callv(19, "40", "41")
    assert stub.read("/local/domain/41/secret") == b"s"
    assert err(c0.callv, 19, "40", "99") == "ENOENT"


def test_guest_quotas(tdaemon):
    c0 = tdaemon.client()
    g = guest(tdaemon, 5)
    c0.control("quota", "set", "nodes", "10")
    for i in range(9):
        g.write("k%d" % i, "")
    assert err(g.write, "k9", "") == "ENOSPC"
    assert err(g.write, "/local/domain/5/deep/er", "") == "ENOSPC"
    assert err(g.write, "k0", "x" * 2100) == "ENOSPC"
    assert g.write("k0", "x" * 1000) == b"OK\0"
    # Transactions: exactly the quota of 10 may be open.
    ts = []
    with pytest.raises(XsError) as e:
        for _ in range(20):
            ts.append(g.start())
    assert e.value.name == "ENOSPC" and len(ts) == 10
    for t in ts:
        g.end(t, commit=False)
    # Node quota applies at commit too.
    t = g.start()
    assert err(g.write, "k10", "", tx=t) == "ENOSPC"
    g.end(t, commit=False)
    assert c0.control("quota", "5").splitlines()[1] == \
        "nodes           :       10"
    # dom0 is not bound by quotas.
    c0.write("/local/domain/5/k11", "y" * 3000)


def test_quotas_from_the_command_line(lamstored_bin):
    """Xen xenstored's quota options; each limit admits exactly its value."""
    with tempfile.TemporaryDirectory(prefix="lamstored-") as tmp:
        d = Daemon(lamstored_bin, tmp, extra=[
            "-E", "4", "--watch-nb", "3", "-t", "2", "-Q", "memory=6000",
            "-q", "memory=3000"])
        try:
            c0 = d.client()
            table = c0.control("quota")
            for name, val in (("nodes", 4), ("watches", 3),
                              ("transactions", 2), ("memory", 6000)):
                assert "%-17s: %8d " % (name, val) in table
            assert "%-17s: %8d " % ("memory", 3000) in \
                c0.control("quota-soft")
            g = guest(d, 7)
            # Nodes: the home and three more.
            for i in range(3):
                g.write("n%d" % i, "")
            assert err(g.write, "n3", "") == "ENOSPC"
            for i in range(3):
                g.watch("n%d" % i, "t")
            assert err(g.watch, "n0", "u") == "E2BIG"
            ts = [g.start(), g.start()]
            assert err(g.start) == "ENOSPC"
            for t in ts:
                g.end(t, commit=False)
            # Memory: 2000 bytes of data fit twice, not three times.
            g.write("n0", "x" * 2000)
            g.write("n1", "x" * 2000)
            assert err(g.write, "n2", "x" * 2000) == "EIO"
            assert g.read("n2") == b""
            # Crossing the soft quota is logged, as Xen does.
            assert "domain 7 exceeds soft memory quota" in d.log_tail(200)
        finally:
            rc = d.stop()
            print("---- lamstored log tail ----\n" + d.log_tail())
        assert rc == 0
