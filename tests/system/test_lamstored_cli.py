# SPDX-License-Identifier: MIT
"""Debian's xenstore-utils (Xen 4.17's libxenstore and tools) against
lamstored, through XENSTORED_PATH: what a user sees, output and exit
status, for every command and its error paths."""
import os
import select
import subprocess
import time

import pytest

from xsclient import daemon, lamstored_bin, xs_tool  # noqa: F401 fixtures


def ok(daemon, *argv):
    r = xs_tool(daemon, *argv)
    assert r.returncode == 0, (argv, r.stdout, r.stderr)
    return r.stdout


def fails(daemon, *argv, rc=1):
    r = xs_tool(daemon, *argv)
    assert r.returncode == rc, (argv, r.returncode, r.stdout, r.stderr)
    return r.stderr


def test_fresh_store_listing(daemon):
    # Xen creates /tool/xenstored at start; nothing else.
    assert ok(daemon, "xenstore-ls") == 'tool = ""\n xenstored = ""\n'
    assert ok(daemon, "xenstore-list", "/") == "tool\n"


def test_write_read_several(daemon):
    assert ok(daemon, "xenstore-write", "/vm/a", "1", "/vm/b",
              "hello world") == ""
    assert ok(daemon, "xenstore-read", "/vm/a", "/vm/b") == \
        "1\nhello world\n"
    assert ok(daemon, "xenstore-read", "-p", "/vm/a") == "/vm/a: 1\n"
    # Implicitly created parent: empty value.
    assert ok(daemon, "xenstore-read", "/vm") == "\n"


def test_read_missing(daemon):
    err = fails(daemon, "xenstore-read", "/nope")
    assert err == "xenstore-read: couldn't read path /nope\n"
    err = fails(daemon, "xenstore-read", "/bad//path")
    assert "couldn't read path /bad//path" in err


def test_write_usage_and_invalid_path(daemon):
    err = fails(daemon, "xenstore-write", "/odd")
    assert err.startswith("xenstore-write: Usage:")
    err = fails(daemon, "xenstore-write", "/bad path", "x")
    assert err == "xenstore-write: could not write path /bad path\n"


def test_relative_paths_are_dom0_home(daemon):
    ok(daemon, "xenstore-write", "relnode", "v")
    assert ok(daemon, "xenstore-read", "/local/domain/0/relnode") == "v\n"
    assert ok(daemon, "xenstore-ls", "/local/domain/0") == 'relnode = "v"\n'


def test_ls_tree_full_paths_and_perms(daemon):
    ok(daemon, "xenstore-write", "/t/a/x", "1", "/t/b", "two")
    assert ok(daemon, "xenstore-ls", "/t") == \
        'a = ""\n x = "1"\nb = "two"\n'
    assert ok(daemon, "xenstore-ls", "-f", "/t") == \
        '/t/a = ""\n/t/a/x = "1"\n/t/b = "two"\n'
    ok(daemon, "xenstore-chmod", "/t/b", "r3", "w4")
    lines = ok(daemon, "xenstore-ls", "-p", "/t").splitlines()
    assert lines[0].startswith('a = ""') and lines[0].endswith("(n0)")
    assert lines[2].startswith('b = "two"') and lines[2].endswith("(r3,w4)")
    err = fails(daemon, "xenstore-ls", "/nope")
    assert err == "xenstore-ls: xs_directory (/nope): " \
        "No such file or directory\n"


def test_ls_large_directory_uses_directory_part(daemon):
    # 400 children of 20+ bytes: over 4096 bytes, so libxenstore gets
    # E2BIG from DIRECTORY and pages through DIRECTORY_PART.
    c = daemon.client()
    names = ["entry-number-%05d" % i for i in range(400)]
    for n in names:
        c.write("/big/" + n, "")
    c.close()
    assert ok(daemon, "xenstore-list", "/big").split() == names


def test_list(daemon):
    ok(daemon, "xenstore-write", "/l/one", "", "/l/two", "")
    assert ok(daemon, "xenstore-list", "/l") == "one\ntwo\n"
    assert ok(daemon, "xenstore-list", "-p", "/l") == "/l/one\n/l/two\n"
    assert ok(daemon, "xenstore-list", "/l/one") == ""
    err = fails(daemon, "xenstore-list", "/missing")
    assert err == "xenstore-list: could not list path /missing\n"


def test_rm_and_tidy(daemon):
    ok(daemon, "xenstore-write", "/r/a/b/c", "1", "/r/keep", "k")
    ok(daemon, "xenstore-rm", "/r/a/b")
    assert ok(daemon, "xenstore-list", "/r/a") == ""
    # Removing something already gone is fine while the parent exists.
    ok(daemon, "xenstore-rm", "/r/a/b")
    err = fails(daemon, "xenstore-rm", "/r/zz/yy")
    assert err == "xenstore-rm: could not remove path /r/zz/yy\n"
    # -t removes empty, valueless parents up the tree.
    ok(daemon, "xenstore-write", "/r/t1/t2/t3", "x")
    ok(daemon, "xenstore-rm", "-t", "/r/t1/t2/t3")
    assert ok(daemon, "xenstore-list", "/r") == "a\nkeep\n"
    fails(daemon, "xenstore-rm", "/")


def test_exists(daemon):
    ok(daemon, "xenstore-write", "/e", "")
    assert xs_tool(daemon, "xenstore-exists", "/e").returncode == 0
    r = xs_tool(daemon, "xenstore-exists", "/e/none")
    assert r.returncode == 1 and r.stdout == "" and r.stderr == ""
    err = fails(daemon, "xenstore-exists")
    assert err.startswith("xenstore-exists: Usage:")


def test_chmod(daemon):
    ok(daemon, "xenstore-write", "/c/a/b", "v")
    ok(daemon, "xenstore-chmod", "/c/a", "b0", "r7")
    c = daemon.client()
    assert c.get_perms("/c/a") == ["b0", "r7"]
    # Not recursive by default; -r reaches children.
    assert c.get_perms("/c/a/b") == ["n0"]
    ok(daemon, "xenstore-chmod", "-r", "/c/a", "n5")
    assert c.get_perms("/c/a/b") == ["n5"]
    # -u reaches parents.
    ok(daemon, "xenstore-chmod", "-u", "/c/a/b", "r2")
    assert c.get_perms("/c") == ["r2"]
    assert c.get_perms("/c/a") == ["r2"]
    c.close()
    err = fails(daemon, "xenstore-chmod", "/c/a", "x1")
    assert err == "xenstore-chmod: Invalid permission specification: 'x'\n"
    err = fails(daemon, "xenstore-chmod", "/missing", "r1")
    assert err == "xenstore-chmod: Error occurred setting permissions " \
        "on '/missing': No such file or directory\n"


def read_line(proc, timeout):
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    assert ready, "xenstore-watch printed nothing in time"
    return proc.stdout.readline()


def test_watch(daemon):
    proc = subprocess.Popen(["xenstore-watch", "-n", "3", "/w"],
                            env=daemon.env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1)
    try:
        # The registration fires once at once.
        assert read_line(proc, 5) == "/w\n"
        ok(daemon, "xenstore-write", "/w/x", "1")
        assert read_line(proc, 5) == "/w/x\n"
        ok(daemon, "xenstore-write", "/other", "1")
        ok(daemon, "xenstore-rm", "/w")
        assert read_line(proc, 5) == "/w\n"
        assert proc.wait(timeout=5) == 0
    finally:
        proc.kill()
        proc.wait(timeout=5)


def test_watch_usage(daemon):
    err = fails(daemon, "xenstore-watch")
    assert err.startswith("xenstore-watch: Usage:")
    err = fails(daemon, "xenstore-watch", "/bad//p")
    assert "Unable to add watch on /bad//p" in err


CONTROL_HELP = ("check\t\nlog\ton|off\nlogfile\t<file>\n"
                "memreport\t[<file>]\nprint\t<string>\n"
                "quota\t[set <name> <val>|<domid>]\n"
                "quota-soft\t[set <name> <val>]\nhelp\t\n")


def test_control_help_and_unknown(daemon):
    assert ok(daemon, "xenstore-control", "help") == CONTROL_HELP + "\n"
    r = xs_tool(daemon, "xenstore-control", "no-such-command")
    assert r.returncode == 3
    assert r.stderr == ("Command not supported. Valid commands are:\n" +
                        CONTROL_HELP + "\n")
    r = xs_tool(daemon, "xenstore-control")
    assert r.returncode == 2 and r.stderr.startswith("Usage:")


def test_control_quota(daemon):
    out = ok(daemon, "xenstore-control", "quota")
    assert out.startswith("Quota settings:\n")
    assert "nodes            :     1000 Nodes per domain\n" in out
    assert "watches          :      128 Watches per domain\n" in out
    assert "transactions     :       10 Transactions per domain\n" in out
    assert "outstanding      :       20 Outstanding requests per domain" \
        in out
    assert "node-size        :     2048 Max. size of a node\n" in out
    assert "path-max         :     2048 Max. length of a node path\n" in out
    assert "permissions      :        5 Max. number of permissions" in out
    assert ok(daemon, "xenstore-control", "quota", "set", "nodes",
              "50") == "OK\n"
    assert "nodes            :       50 Nodes per domain" in \
        ok(daemon, "xenstore-control", "quota")
    soft = ok(daemon, "xenstore-control", "quota-soft")
    assert soft == "Quota settings:\nmemory           :  2097152 " \
        "Total Xenstore memory per domain (warning level)\n\n"
    # Bad values: EINVAL, which the tool reports with the help text.
    for bad in (["quota", "set", "nodes", "0"],
                ["quota", "set", "bogus", "3"],
                ["quota-soft", "7"]):
        r = xs_tool(daemon, "xenstore-control", *bad)
        assert r.returncode == 3 and \
            r.stderr.startswith("Command not supported"), bad


def test_control_quota_per_domain(daemon):
    ok(daemon, "xenstore-write", "/q1", "", "/q2", "")
    out = ok(daemon, "xenstore-control", "quota", "0")
    lines = out.splitlines()
    assert lines[0] == "Domain 0:"
    # /, /tool, /tool/xenstored, /q1, /q2
    assert lines[1] == "nodes           :        5"
    assert lines[2] == "watches         :        0"
    assert lines[3] == "transactions    :        0"
    # An unknown domain: ENOENT (errno 2), reported as a number.
    r = xs_tool(daemon, "xenstore-control", "quota", "4711")
    assert r.returncode == 3
    assert r.stderr == "Error 2 when trying to execute command.\n"


def test_control_log_print_check_memreport(daemon, tmp_path):
    assert ok(daemon, "xenstore-control", "print", "hello-from-test") == \
        "OK\n"
    with open(daemon.log) as f:
        assert "control: hello-from-test" in f.read()
    assert ok(daemon, "xenstore-control", "log", "off") == "OK\n"
    ok(daemon, "xenstore-control", "print", "while-off")
    assert ok(daemon, "xenstore-control", "log", "on") == "OK\n"
    ok(daemon, "xenstore-control", "print", "back-on")
    with open(daemon.log) as f:
        text = f.read()
    assert "while-off" not in text and "back-on" in text
    other = tmp_path / "other.log"
    assert ok(daemon, "xenstore-control", "logfile", str(other)) == "OK\n"
    ok(daemon, "xenstore-control", "print", "in-other")
    assert "control: in-other" in other.read_text()
    assert ok(daemon, "xenstore-control", "check") == "OK\n"
    report = tmp_path / "mem.txt"
    assert ok(daemon, "xenstore-control", "memreport", str(report)) == \
        "OK\n"
    assert "nodes: 3" in report.read_text()
    for bad in (["log"], ["log", "maybe"], ["print"], ["check", "x"],
                ["logfile"], ["help", "x"]):
        r = xs_tool(daemon, "xenstore-control", *bad)
        assert r.returncode == 3, bad


def test_tools_use_transactions_under_contention(daemon):
    # xenstore-write of several keys runs in a transaction and retries
    # on EAGAIN; concurrent writers must all succeed in the end.
    procs = [subprocess.Popen(["xenstore-write", "/cc/a", str(i),
                               "/cc/b", str(i)], env=daemon.env(),
                              stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
             for i in range(8)]
    for p in procs:
        assert p.wait(timeout=20) == 0
    a = ok(daemon, "xenstore-read", "/cc/a")
    assert a == ok(daemon, "xenstore-read", "/cc/b")


def test_socket_only_flag_and_binary_values(daemon):
    # -s asks libxenstore for the daemon socket only; same daemon here.
    assert ok(daemon, "xenstore-write", "-s", "/s/a", "1") == ""
    assert ok(daemon, "xenstore-read", "-s", "/s/a") == "1\n"
    # Values are bytes: the tools escape and unescape them.
    ok(daemon, "xenstore-write", "/s/bin", "x\\x00y\\n")
    with daemon.client() as c:
        assert c.read("/s/bin") == b"x\0y\n"
    assert ok(daemon, "xenstore-read", "/s/bin") == "x\\000y\\n\n"
    r = subprocess.run(["xenstore-read", "-R", "/s/bin"], env=daemon.env(),
                       capture_output=True, timeout=10)
    assert r.stdout == b"x\0y\n"          # raw: no newline added
    assert ok(daemon, "xenstore-ls", "/s") == \
        'a = "1"\nbin = "x\\000y\\n"\n'


def test_chmod_special_nodes(daemon):
    # Only the two special names exist; they are not nodes to list.
    ok(daemon, "xenstore-chmod", "@introduceDomain", "n0", "r5")
    err = fails(daemon, "xenstore-chmod", "@bogus", "n0")
    assert err == "xenstore-chmod: Error occurred setting permissions " \
        "on '@bogus': Invalid argument\n"
    err = fails(daemon, "xenstore-ls", "@introduceDomain")
    assert err == "xenstore-ls: xs_directory (@introduceDomain): " \
        "Invalid argument\n"
