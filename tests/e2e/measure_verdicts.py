"""Prints the README's verdict matrix (issue 15): each leak (or non-leak) scenario run as a user
would run memsnap on it: `snapshot` before, `watch` at 200 ms, the program grows (or churns),
`snapshot` after, then `diff A B` and `diff SERIES`. For each scenario: the true cause, the
verdict group expected, what each diff said (first verdict, its shape in the series, exit
status), and the error of the group's growth in `diff A B` against the program's own count
(the runtime's accounting or the bytes it was told to allocate). Not a test (ctest runs
test_*.py only; test_verdicts.py and test_runtimes.py check the same scenarios with bounds).

    cd tests/e2e && MEMSNAP_BIN=../../build/memsnap MEMHOG_BIN=../../build/memhog \\
        MEMSNAP_BUILD_DIR=../../build python3 measure_verdicts.py --runs 3"""
import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time

from harness import MEMSNAP, memsnap
from runtimes import MIB_KB, allocator_lib, go_hog, java_hog, memhog, python_hog
from test_infer import Nodehog


class Outcome:
    def __init__(self, ab, series, want_kb, group):
        self.ab, self.series = ab, series
        self.ab_json = json.loads(ab["json"].stdout)
        self.series_json = json.loads(series["json"].stdout)
        self.want_kb, self.group = want_kb, group

    def ab_first(self):
        v = self.ab_json.get("verdicts", [])
        return (v[0]["group"], v[0]["headline"]) if v else ("-", "nothing grew")

    def series_shape(self):
        s = self.series_json.get("series", {})
        g = next((g for g in s.get("groups", []) if g["group"] == self.group), None)
        return ",".join(s.get("leaks", [])) or "-", (g or {}).get("shape", "-")

    def error(self):
        if not self.want_kb:
            return None
        got = self.ab_json["groups"][self.group]["delta"]
        return (got - self.want_kb) / self.want_kb * 100


def run(hog, action, group, tail=1.0, setup=None):
    """Snapshot, watch at 200 ms, `action(hog)` (returns the expected growth in kB, or None),
    `tail` seconds more of watching, snapshot; both diffs in text and JSON."""
    with tempfile.TemporaryDirectory() as tmp:
        a, b, series = (os.path.join(tmp, n) for n in ("a.json", "b.json", "s.ndjson"))
        if setup:
            setup(hog)
        memsnap("snapshot", hog.pid, "-o", a)
        w = subprocess.Popen([MEMSNAP, "watch", str(hog.pid), "--interval", "200ms", "-o", series],
                             stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        time.sleep(0.6)
        want = action(hog)
        time.sleep(tail)
        memsnap("snapshot", hog.pid, "-o", b)
        time.sleep(0.3)
        w.send_signal(signal.SIGINT)
        w.communicate(timeout=60)
        ab = {"json": memsnap("diff", a, b, "--format", "json")}
        sr = {"json": memsnap("diff", series, "--format", "json")}
        return Outcome(ab, sr, want, group)


def cmd_kb(command, mib):
    def act(hog):
        hog.cmd(command)
        return mib * MIB_KB
    return act


def runtime_delta(command, index=0):
    """The runtime's own count before and after (its reply's field `index`, bytes)."""
    def act(hog):
        before = int(hog.cmd("stat")[index])
        after = int(hog.cmd(command)[index])
        return (after - before) / 1024
    return act


def node_delta(command, field):
    """node's own count: process.memoryUsage()[field] before and after `command` (bytes)."""
    def act(node):
        m0 = node.cmd("mem")
        m1 = node.cmd(command)
        return (m1[field] - m0[field]) / 1024
    return act


def node_js(mib):
    return node_delta(f"js {mib}", "heapTotal")


def node_buf(mib):
    return node_delta(f"buf64k {mib}", "arrayBuffers")


def spike(hog):
    hog.cmd("brk 64")
    time.sleep(0.8)
    hog.cmd("unbrk 64")
    return None


def sawtooth(back):
    def act(hog):
        for _ in range(5):
            hog.cmd("brk 40")
            time.sleep(0.4)
            hog.cmd(f"unbrk {back}")
            time.sleep(0.4)
        return 5 * (40 - back) * MIB_KB
    return act


def slow_leak(hog):
    stop = time.time() + 4.0
    n = 0
    while time.time() < stop:
        hog.cmd("brk 1")
        n += 1
        time.sleep(0.15)
    return n * MIB_KB


def fds(hog):
    hog.cmd("pipes 100")
    return 200  # two descriptors a pipe


def threads(hog):
    hog.cmd("threads 40 worker")
    return 40


def have(name):
    return {"java": lambda: shutil.which("java") and shutil.which("javac"),
            "go": lambda: shutil.which("go"),
            "node": lambda: shutil.which("node")}.get(name, lambda: True)()


# name, true cause, expected group, (diff A B exit, diff SERIES exit), needs, the count the
# error is against, start, action, kw
SCENARIOS = [
    ("JVM G1, 200 MiB of byte[]", "Java heap", "js", (1, 1), "java", "live heap (used)",
     lambda: java_hog("-XX:+UseG1GC"), runtime_delta("grow 200"), {}),
    ("Go, 200 MiB of []byte", "Go heap", "js", (1, 1), "go", "HeapInuse", go_hog,
     runtime_delta("grow 200"), {}),
    ("C under jemalloc, 200 MiB malloc", "jemalloc", "native", (1, 1), "", "bytes asked",
     lambda: memhog(allocator_lib("jemalloc")), cmd_kb("malloc 200", 200), {}),
    ("C under tcmalloc, 200 MiB malloc", "tcmalloc", "native", (1, 1), "", "bytes asked",
     lambda: memhog(allocator_lib("tcmalloc")), cmd_kb("malloc 200", 200), {}),
    ("C under mimalloc, 200 MiB malloc", "mimalloc", "native", (1, 1), "", "bytes asked",
     lambda: memhog(allocator_lib("mimalloc")), cmd_kb("malloc 200", 200), {}),
    ("glibc arenas filled whole, 200 MiB", "glibc malloc", "native", (1, 1), "", "bytes asked", memhog,
     cmd_kb("threadsmall 200", 200), {}),
    ("own mmaps, 100 x 2 MiB", "program's mmap", "anon", (1, 1), "", "bytes mapped", memhog,
     lambda h: [h.cmd("mmap 2") for _ in range(100)] and 200 * MIB_KB, {}),
    ("python3.11, 100 MiB of tuples", "pymalloc", "native", (1, 1), "", "pymalloc blocks", python_hog,
     runtime_delta("grow 100"), {}),
    ("node, 150 MiB of JS objects", "JS heap", "js", (1, 1), "node", "heapTotal", Nodehog,
     node_js(150), {}),
    ("node, 100 MiB of 64 KiB Buffers", "Buffers (malloc)", "native", (1, 1), "node", "arrayBuffers",
     Nodehog,
     node_buf(100), {}),
    ("node JS leak that stopped, watched 6 s after", "JS heap", "js", (1, 1), "node", "heapTotal",
     Nodehog, node_js(100), {"tail": 6.0}),
    ("brk 64 MiB, freed 0.8 s later", "spike (not a leak)", "native", (0, 0), "", "", memhog,
     spike, {}),
    ("sawtooth 40 MiB, flat floor", "GC-like churn (not a leak)", "native", (0, 0), "", "", memhog,
     sawtooth(40), {"tail": 0.3}),
    ("sawtooth 40 MiB, floor +10 MiB a tooth", "leak under churn", "native", (1, 1), "", "bytes kept",
     memhog,
     sawtooth(30), {"tail": 0.3}),
    ("400 MiB heap, +1 MiB per 150 ms for 4 s", "slow leak (< 10 %)", "native", (0, 1), "",
     "bytes asked", memhog, slow_leak, {"tail": 0.2, "setup": lambda h: h.cmd("brk 400")}),
    ("100 pipes", "fd leak", "fd", (1, 1), "", "fds opened", memhog, fds, {}),
    ("40 threads worker-0..39", "thread leak", "thread", (1, 1), "", "threads started", memhog, threads,
     {}),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-k", help="only scenarios whose name contains this")
    args = ap.parse_args()
    print("| scenario | true cause | group | `diff A B`: first verdict | exit | "
          "`diff SERIES`: leaks, shape of the group | exit | error of the group's growth "
          "(median / worst) | against |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, cause, group, want_exits, needs, against, start, action, kw in SCENARIOS:
        if args.k and args.k not in name:
            continue
        if needs and not have(needs):
            print(f"| {name} | {cause} | {group} | skipped: no {needs} | | | | | |")
            continue
        outs = []
        for _ in range(args.runs):
            with start() as hog:
                outs.append(run(hog, action, group, **kw))
        ab_exits = sorted({o.ab["json"].returncode for o in outs})
        sr_exits = sorted({o.series["json"].returncode for o in outs})
        # The headline's numbers differ run by run: show the last run's, and how many runs
        # named which group first.
        groups = [o.ab_first()[0] for o in outs]
        head = outs[-1].ab_first()[1].split(" [")[0].replace("|", "/")  # no js-rule bracket
        shapes = sorted({" / ".join(o.series_shape()) for o in outs})
        errs = [e for e in (o.error() for o in outs) if e is not None]
        err = (f"{statistics.median(errs):+.1f} % / {max(errs, key=abs):+.1f} %" if errs
               else "-")
        ok = ("" if ab_exits == [want_exits[0]] and sr_exits == [want_exits[1]] else " (WRONG)")
        first = f"{'/'.join(sorted(set(groups)))}: {head}"
        print(f"| {name} | {cause} | {group} | {first} | {'/'.join(map(str, ab_exits))} | "
              f"{'; '.join(shapes)} | {'/'.join(map(str, sr_exits))}{ok} | {err} | {against or '-'} |",
              flush=True)


if __name__ == "__main__":
    main()
