"""Shared helpers for the end-to-end tests: run the real memsnap binary, drive the C helper
memhog (tests/helpers/memhog.c), and read what the kernel itself reports."""
import json
import os
import shutil
import subprocess
import unittest

MEMSNAP = os.environ.get("MEMSNAP_BIN", "../../build/memsnap")
MEMHOG = os.environ.get("MEMHOG_BIN", "../../build/memhog")
# A sanitizer build (scripts/test.sh --sanitize): ASan's shadow memory and its quarantine of
# freed blocks make memsnap's RSS say nothing about its own bounds; those checks are the
# release suite's.
SANITIZED = os.environ.get("MEMSNAP_SANITIZED", "0") == "1"
FIXTURES = os.environ.get("MEMSNAP_FIXTURES", os.path.join(os.path.dirname(__file__), "..", "fixtures"))


def memsnap(*args, input=None, timeout=60):
    """Runs memsnap with `args`; returns the CompletedProcess (text mode)."""
    return subprocess.run([MEMSNAP, *map(str, args)], input=input, capture_output=True,
                          text=True, timeout=timeout)


def memsnap_json(*args):
    """Runs memsnap with `args` and --format json; fails the test on a non-zero exit."""
    r = memsnap(*args, "--format", "json")
    if r.returncode != 0:
        raise AssertionError(f"memsnap {args} exited {r.returncode}: {r.stderr}")
    return json.loads(r.stdout)


def kernel_kb(path, key):
    """The `key:` value in kB of a /proc file such as smaps_rollup or status."""
    with open(path) as f:
        for line in f:
            if line.startswith(key + ":"):
                return int(line.split()[1])
    raise KeyError(f"{key} not in {path}")


class Memhog:
    """A real child process that grows memory, descriptors and threads on command.
    Use as a context manager; each command waits for the helper's reply."""

    def __init__(self, argv=None):
        self.proc = subprocess.Popen(argv or [MEMHOG], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True, bufsize=1)
        ready = self.proc.stdout.readline().split()
        if not ready or ready[0] != "ready":
            raise RuntimeError(f"memhog did not start: {ready}")
        self.pid = int(ready[1])

    def cmd(self, line):
        """Sends one command; returns the reply after 'ok', raises on 'err'."""
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().strip()
        if not reply.startswith("ok"):
            raise RuntimeError(f"memhog {line!r}: {reply!r}")
        return reply[2:].strip()

    @property
    def name(self):
        """The name the kernel gives it (memhog, or the loader's name under PrivateMemhogs)."""
        with open(f"/proc/{self.pid}/comm") as f:
            return f.read().strip()

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("exit\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class PrivateMemhogs:
    """Copies of memhog, its dynamic loader and libc in a folder of their own, for memhogs that
    share their file pages with no process outside the test: the Pss of an idle process moves
    whenever another process that maps the same library starts or exits (about 70 kB for one
    more memhog on the system), which a test that wants idle totals to stay put cannot have.
    `argv()` runs memhog through the copied loader (its name is then the loader's)."""

    LOADER = "/lib64/ld-linux-x86-64.so.2"
    LIBC = "/lib/x86_64-linux-gnu/libc.so.6"

    def __init__(self, folder):
        self.folder = folder
        for path in (MEMHOG, self.LOADER, self.LIBC):
            shutil.copy2(os.path.realpath(path), os.path.join(folder, os.path.basename(path)))

    def argv(self):
        return [os.path.join(self.folder, os.path.basename(self.LOADER)), "--library-path",
                self.folder, os.path.join(self.folder, os.path.basename(MEMHOG))]


class MmapRuns:
    """How the kernel laid out a program's own anonymous mmaps (memhog's `mmap N` replies with
    each address), read from /proc/PID/maps: `runs`, the (start, end) of each mapping that holds
    one of them; `round_kb`, the kB of those whose start and size are whole 2 MiB units (the
    shape rules leave them AnonPage other); `merged_kb`, the kB of the others. Linux 6.7+ places
    an mmap of whole 2 MiB units on a 2 MiB boundary, but about once in 512 layouts the first
    lands right below an anonymous mapping that started on one and merges with it: a run that is
    not round, taken for malloc chunks (native heap (inferred)), the miss the README and the man
    page document."""

    UNIT = 2 << 20

    def __init__(self, pid, starts, length):
        self.runs = set()
        with open(f"/proc/{pid}/maps") as f:
            for line in f:
                lo, hi = (int(x, 16) for x in line.split()[0].split("-"))
                if any(lo < s + length and s < hi for s in starts):
                    self.runs.add((lo, hi))
        self.round_kb = self.merged_kb = 0
        for lo, hi in self.runs:
            if lo % self.UNIT == 0 and (hi - lo) % self.UNIT == 0:
                self.round_kb += (hi - lo) // 1024
            else:
                self.merged_kb += (hi - lo) // 1024

    @property
    def all_round(self):
        return self.merged_kb == 0

    def __repr__(self):
        return f"mappings {sorted((hex(lo), hex(hi)) for lo, hi in self.runs)}"


def fixture(*parts):
    return os.path.join(FIXTURES, *parts)


def read_tsv(path):
    """Reads a fixture's expected-*.tsv into {row: {column: int}}."""
    rows = {}
    with open(path) as f:
        header = f.readline().rstrip("\n").split("\t")
        for line in f:
            cells = line.rstrip("\n").split("\t")
            if len(cells) == len(header):
                rows[cells[0]] = {k: int(v) for k, v in zip(header[1:], cells[1:])}
    return rows


__all__ = ["memsnap", "memsnap_json", "kernel_kb", "Memhog", "fixture", "read_tsv", "unittest",
           "MEMSNAP", "MEMHOG", "FIXTURES"]
