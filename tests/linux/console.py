"""Driving the control domain's root shell through the serial console.

Every command is wrapped between two markers that only the shell's output
can contain (the command's echo holds printf format strings, never the
expanded text), so its output and exit status are cut out of the log
unambiguously, whatever the terminal echo and prompts interleave.

Input is paced by its echo: Xen's serial input ring for the control domain
holds 128 bytes, and a line typed faster than the shell echoes it loses
characters. So a line goes out in CHUNK-byte pieces, each sent once the
previous one has been echoed, and the terminal is told to be wide enough
that the shell's line editor never wraps (which would split the echo)."""

import itertools
import re

DOM0_PREFIX = re.compile(r"^\(d0\) ", re.M)
import time

_serial = itertools.count(1)
POLL = 0.02
CHUNK = 32
ECHO_TIMEOUT = 10
ATTEMPTS = 3


class ShellTimeout(AssertionError):
    pass


class Result:
    def __init__(self, status, out, sent, received):
        self.status = status    # the command's exit status ($?)
        self.out = out          # its output, "\n" line ends, no markers
        self.sent = sent        # host monotonic time the line was sent
        self.received = received  # ... and its end marker was read

    def __repr__(self):
        return f"Result(status={self.status}, out={self.out!r})"


class Shell:
    def __init__(self, machine):
        self.m = machine
        # Set when a command timed out: the shell is not trusted after
        # that, and later commands fail at once instead of timing out too.
        self.dead = None

    def text(self):
        """The serial log without carriage returns (the tty adds one to
        each line end and Xen's console driver another) and without the
        "(d0) " prefix Lamina puts before the control domain's lines (Xen
        prints them bare), so one pattern serves both hypervisors."""
        return DOM0_PREFIX.sub("", self.m.log.replace("\r", ""))

    def wait_for(self, pattern, timeout, start=0):
        """The match of pattern in the log after offset start, or raise
        ShellTimeout (the machine is left running)."""
        rx = re.compile(pattern, re.M | re.S)
        deadline = time.monotonic() + timeout
        while True:
            found = rx.search(self.text(), start)
            if found:
                return found
            if self.m.proc.poll() is not None:
                raise ShellTimeout(f"QEMU exited (status "
                                   f"{self.m.proc.returncode}) before "
                                   f"{pattern!r} appeared")
            if time.monotonic() >= deadline:
                raise ShellTimeout(f"{pattern!r} did not appear within "
                                   f"{timeout} s")
            time.sleep(POLL)

    def type_line(self, line):
        """Type line (no newline) at the prompt, paced by its echo. False
        if the echo went missing (the line is then cancelled with ^C)."""
        start = len(self.text())
        for end in range(CHUNK, len(line) + CHUNK, CHUNK):
            self.m.send(line[end - CHUNK:end])
            try:
                self.wait_for(re.escape(line[:end]), ECHO_TIMEOUT, start)
            except ShellTimeout:
                if self.m.proc.poll() is not None:
                    raise
                self.m.send("\x03")
                return False
        return True

    def run(self, command, timeout=30):
        """Run one shell command line; return its Result."""
        if self.dead:
            raise ShellTimeout(f"the shell stopped answering earlier: "
                               f"{self.dead}")
        try:
            return self._run(command, timeout)
        except ShellTimeout as e:
            self.dead = f"`{command}`: {e}"
            raise

    def _run(self, command, timeout):
        tag = f"{next(_serial)}q{int(time.time() * 1000) % 100000}"
        line = (f"printf '\\n@@%s-{tag}@@\\n' BEGIN; {{ {command} ; }}; "
                f"printf '\\n@@%s-{tag}-%d@@\\n' END $?")
        for _ in range(ATTEMPTS):
            start = len(self.text())
            if self.type_line(line):
                break
        else:
            raise ShellTimeout(f"the shell did not echo `{line}`")
        sent = time.monotonic()
        self.m.send("\n")
        found = self.wait_for(rf"@@BEGIN-{tag}@@\n(.*?)\n?@@END-{tag}-(\d+)@@",
                              timeout, start)
        received = time.monotonic()
        return Result(int(found.group(2)), found.group(1), sent, received)

    def setup(self):
        """Once after boot: a terminal too wide for the line editor to wrap."""
        start = len(self.text())
        self.m.send("stty cols 4000 rows 50; echo STTY-''DONE\n")
        self.wait_for(r"^STTY-DONE", ECHO_TIMEOUT * 3, start)

    def check(self, command, timeout=30):
        """Run command; it must exit 0. Return its output."""
        r = self.run(command, timeout)
        assert r.status == 0, (f"`{command}` exited {r.status}:\n{r.out}")
        return r.out
