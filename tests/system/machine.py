"""Boot Lamina under QEMU and read its serial log, with hard timeouts."""

import os
import re
import subprocess
import sys
import threading
import time

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
sys.path.insert(0, os.path.join(TOP, "scripts"))
import qemu  # noqa: E402

BUILD = os.environ.get("LAMINA_BUILD", os.path.join(TOP, "build"))
TAIL_LINES = 50


class BootFailed(AssertionError):
    pass


class Machine:
    """One QEMU process; its serial output accumulates in .log."""

    def __init__(self, name="lamina", **kw):
        self.name = name
        self.argv = qemu.command(**kw)
        self._chunks = []
        self._cond = threading.Condition()
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        while True:
            data = self.proc.stdout.read1(4096)
            with self._cond:
                if not data:
                    self._chunks.append(None)
                    self._cond.notify_all()
                    return
                self._chunks.append(data)
                self._cond.notify_all()

    @property
    def log(self):
        with self._cond:
            raw = b"".join(c for c in self._chunks if c)
        return raw.decode("utf-8", "replace").replace("\r\n", "\n")

    def tail(self, n=TAIL_LINES):
        lines = self.log.splitlines()[-n:]
        return (f"--- last {len(lines)} lines of {self.name}'s serial log "
                f"---\n" + "\n".join(lines) + "\n--- end ---")

    def fail(self, msg):
        self.kill()
        raise BootFailed(f"{msg}\n{self.tail()}")

    def expect(self, pattern, timeout):
        """Wait until pattern (a regex) appears in the log; return the match."""
        rx = re.compile(pattern, re.M)
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                text = b"".join(c for c in self._chunks if c).decode(
                    "utf-8", "replace").replace("\r\n", "\n")
                m = rx.search(text)
                if m:
                    return m
                left = deadline - time.monotonic()
                if left <= 0 or (self._chunks and self._chunks[-1] is None):
                    break
                self._cond.wait(min(left, 0.5))
        self.fail(f"{pattern!r} did not appear within {timeout} s")

    def send(self, text):
        self.proc.stdin.write(text.encode())
        self.proc.stdin.flush()

    def wait_exit(self, timeout):
        """QEMU's exit status; fails the test if it does not exit in time."""
        try:
            rc = self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.fail(f"QEMU still running after {timeout} s")
        self._reader.join(timeout=5)
        return rc

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.save_log()

    def save_log(self):
        """LAMINA_SERIAL_LOGS=dir keeps each machine's whole serial log
        there (name-pid.log), for looking into a failure after the run."""
        where = os.environ.get("LAMINA_SERIAL_LOGS")
        if where:
            os.makedirs(where, exist_ok=True)
            path = os.path.join(where, f"{self.name}-{self.proc.pid}.log")
            with open(path, "w") as f:
                f.write(self.log)


def kernel(build=None):
    return os.path.join(build or BUILD, "lamina.elf")
