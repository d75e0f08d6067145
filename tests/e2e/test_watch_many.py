"""watch of many processes (`watch --all`, `--name`, several PIDs) on real memhogs that start,
exit, leak and reuse a PID; then `diff` of that stream. The PID reuse happens in a PID namespace
of its own (`unshare --pid --fork --mount-proc`, as root): writing /proc/sys/kernel/ns_last_pid
there makes the next process get the PID of one that exited, without touching the machine's
other processes. Expected numbers come from what memhog was told to allocate."""
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

import harness
from harness import MEMSNAP, Memhog, memsnap, unittest

LEAK_STEPS = 12   # the leaker's "malloc 4" commands, one a tick
LEAK_MIB = 4
INTERVAL_MS = 250
FULL_BOUND_KB = 1024  # watch_many.h kFullReadBoundKb


def read_stream(path):
    """The stream's lines as dicts, in file order."""
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def wait_for(pred, timeout=20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        got = pred()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError("timed out")


def last_tick(path):
    try:
        lines = read_stream(path)
    except (OSError, json.JSONDecodeError):
        return -1
    return max((l["tick"] for l in lines), default=-1)


def scenario(outdir):
    """Runs inside the PID namespace (this process is its PID 1). Writes outdir/stream.ndjson
    and outdir/facts.json (which memhog is which)."""
    stream = os.path.join(outdir, "stream.ndjson")
    all_stream = os.path.join(outdir, "all.ndjson")
    idle = [Memhog() for _ in range(5)]
    victim = Memhog()
    leaker = Memhog()
    leaker.cmd("comm leaker")
    # --jobs 1: no reading threads, which would take PIDs of the namespace (the one reused).
    watch = subprocess.Popen([MEMSNAP, "watch", "--name", "^(memhog|leaker)$", "--interval",
                              f"{INTERVAL_MS}ms", "--jobs", "1", "-o", stream], stderr=subprocess.PIPE, text=True)
    # Beside it, every process light: the selector's unfiltered path (a process known by its
    # directory's inode) and the steady ticks that read smaps_rollup alone.
    watch_all = subprocess.Popen([MEMSNAP, "watch", "--all", "--light", "--interval",
                                  f"{INTERVAL_MS}ms", "--jobs", "1", "-o", all_stream],
                                 stderr=subprocess.PIPE, text=True)
    wait_for(lambda: last_tick(stream) >= 2 and last_tick(all_stream) >= 2)
    # The victim exits; once the stream has said so, the next process gets its PID.
    victim_pid = victim.pid
    with open(f"/proc/{victim_pid}/stat") as f:
        victim_start = int(f.read().rsplit(")", 1)[1].split()[19])
    victim.close()
    for s in (stream, all_stream):
        wait_for(lambda: any(l.get("schema") == "memsnap.gone/1" and l["pid"] == victim_pid
                             for l in read_stream(s)))
    with open("/proc/sys/kernel/ns_last_pid", "w") as f:
        f.write(str(victim_pid - 1))
    reuser = Memhog()
    # The leaker grows one step a tick; a newcomer arrives and an idle one leaves meanwhile.
    for step in range(LEAK_STEPS):
        t = last_tick(stream)
        leaker.cmd(f"malloc {LEAK_MIB}")
        if step == 3:
            newcomer = Memhog()
        if step == 6:
            leaver_pid = idle[0].pid
            idle[0].close()
        wait_for(lambda: last_tick(stream) > t)
    t = last_tick(stream)
    wait_for(lambda: last_tick(stream) >= t + 4)  # a few flat ticks at the end
    watch.send_signal(signal.SIGTERM)
    watch_all.send_signal(signal.SIGTERM)
    err = watch.communicate(timeout=20)[1]
    all_err = watch_all.communicate(timeout=20)[1]
    facts = {"victim": [victim_pid, victim_start], "reuser": reuser.pid, "leaker": leaker.pid,
             "newcomer": newcomer.pid, "leaver": leaver_pid,
             "idle": [h.pid for h in idle[1:]], "watch_rc": watch.returncode, "watch_err": err,
             "all_rc": watch_all.returncode, "all_err": all_err}
    for h in [*idle[1:], reuser, leaker, newcomer]:
        h.close()
    with open(os.path.join(outdir, "facts.json"), "w") as f:
        json.dump(facts, f)


def can_unshare():
    if os.geteuid() != 0:
        return False
    r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", "true"], capture_output=True)
    return r.returncode == 0


@unittest.skipUnless(can_unshare(), "needs root and unshare --pid (a PID namespace for PID reuse)")
class WatchManyInPidNamespace(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        env = dict(os.environ, MEMSNAP_BIN=os.path.abspath(MEMSNAP),
                   MEMHOG_BIN=os.path.abspath(harness.MEMHOG))
        r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", sys.executable,
                            os.path.abspath(__file__), "--scenario", cls.dir.name],
                           env=env, capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"scenario failed: {r.stdout}{r.stderr}")
        cls.stream = os.path.join(cls.dir.name, "stream.ndjson")
        with open(os.path.join(cls.dir.name, "facts.json")) as f:
            cls.facts = json.load(f)
        cls.lines = read_stream(cls.stream)
        cls.all_lines = read_stream(os.path.join(cls.dir.name, "all.ndjson"))

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def series(self, pid, starttime=None):
        return [l for l in self.lines if l["schema"] == "memsnap.snapshot/1" and l["pid"] == pid
                and (starttime is None or l["starttime"] == starttime)]

    def gone(self, pid):
        return [l for l in self.lines if l["schema"] == "memsnap.gone/1" and l["pid"] == pid]

    def test_stopped_by_sigterm_with_a_summary(self):
        self.assertEqual(self.facts["watch_rc"], 0, self.facts["watch_err"])
        self.assertIn("ticks", self.facts["watch_err"])

    def test_one_line_per_process_per_tick_without_holes(self):
        ticks = sorted({l["tick"] for l in self.lines if l["schema"] == "memsnap.snapshot/1"})
        keys = {}
        for l in self.lines:
            if l["schema"] == "memsnap.snapshot/1":
                keys.setdefault((l["pid"], l["starttime"]), []).append(l["tick"])
        for key, seen in keys.items():
            self.assertEqual(len(seen), len(set(seen)), f"{key}: two lines in one tick")
            span = [t for t in ticks if seen[0] <= t <= seen[-1]]
            self.assertEqual(seen, span, f"{key}: a tick without its line")
        names = {l["name"] for l in self.lines if l["schema"] == "memsnap.snapshot/1"}
        self.assertEqual(names, {"memhog", "leaker"})  # --name matched these only

    def test_reused_pid_is_a_new_series_after_the_gone_line(self):
        pid, start = self.facts["victim"]
        self.assertEqual(self.facts["reuser"], pid, "ns_last_pid did not give the PID again")
        before = self.series(pid, start)
        after = [l for l in self.series(pid) if l["starttime"] != start]
        self.assertGreaterEqual(len(before), 3)
        self.assertGreaterEqual(len(after), LEAK_STEPS)
        gone = self.gone(pid)
        self.assertEqual(len(gone), 1)
        self.assertEqual((gone[0]["starttime"], gone[0]["reason"]), (start, "exited"))
        pos = self.lines.index
        self.assertLess(pos(before[-1]), pos(gone[0]))
        self.assertLess(pos(gone[0]), pos(after[0]))
        self.assertLess(before[-1]["tick"], after[0]["tick"])

    def test_comers_and_leavers(self):
        leaver = self.gone(self.facts["leaver"])
        self.assertEqual([g["reason"] for g in leaver], ["exited"])
        last = self.series(self.facts["leaver"])[-1]
        self.assertLess(last["tick"], leaver[0]["tick"])
        newcomer = self.series(self.facts["newcomer"])
        first_tick = min(l["tick"] for l in self.lines)
        self.assertGreater(newcomer[0]["tick"], first_tick)
        for pid in self.facts["idle"]:
            self.assertEqual(self.gone(pid), [], "an idle memhog that never left was marked gone")

    def test_leaker_grew_what_it_allocated(self):
        s = self.series(self.facts["leaker"])
        grew = (s[-1]["total"]["pss"] - s[0]["total"]["pss"])
        asked = LEAK_STEPS * LEAK_MIB * 1024
        # malloc'd chunks are touched whole: the growth is what was asked, plus malloc's
        # headers and the last chunk's page, minus nothing.
        self.assertGreaterEqual(grew, asked * 0.97)
        self.assertLessEqual(grew, asked + 2048)

    def test_full_reads_follow_the_documented_rule(self):
        """Replays the rule of watch_many.h over each process's lines: full smaps (a line with
        categories, no "light") at its first tick and when its Pss + SwapPss moved by 1 MiB
        since its last full line; smaps_rollup otherwise (the test is shorter than 60 ticks)."""
        keys = {}
        for l in self.lines:
            if l["schema"] == "memsnap.snapshot/1":
                keys.setdefault((l["pid"], l["starttime"]), []).append(l)
        leaker_full = 0
        for key, lines in keys.items():
            last_full = None
            for l in lines:
                total = l["total"]["pss"] + l["total"]["swap_pss"]
                is_full = not l["light"]
                want = last_full is None or abs(total - last_full) >= FULL_BOUND_KB
                if want:
                    self.assertTrue(is_full, f"{key} tick {l['tick']}: smaps_rollup, expected full")
                elif is_full:
                    self.fail(f"{key} tick {l['tick']}: full smaps though it moved "
                              f"{total - last_full} kB only")
                if is_full:
                    last_full = total
                    leaker_full += key[0] == self.facts["leaker"]
        self.assertGreaterEqual(leaker_full, LEAK_STEPS // 2)


    def all_series(self, pid, starttime=None):
        return [l for l in self.all_lines if l["schema"] == "memsnap.snapshot/1" and l["pid"] == pid
                and (starttime is None or l["starttime"] == starttime)]

    def test_all_reused_pid_is_a_new_series_after_the_gone_line(self):
        # watch --all knows a process seen before by its /proc/PID inode, not its stat: the
        # process that took the victim's PID must still be read as a new one.
        self.assertEqual(self.facts["all_rc"], 0, self.facts["all_err"])
        pid, start = self.facts["victim"]
        before = self.all_series(pid, start)
        after = [l for l in self.all_series(pid) if l["starttime"] != start]
        self.assertGreaterEqual(len(before), 3)
        self.assertGreaterEqual(len(after), LEAK_STEPS)
        gone = [l for l in self.all_lines if l["schema"] == "memsnap.gone/1" and l["pid"] == pid]
        self.assertEqual([(g["starttime"], g["reason"]) for g in gone], [(start, "exited")])
        pos = self.all_lines.index
        self.assertLess(pos(before[-1]), pos(gone[0]))
        self.assertLess(pos(gone[0]), pos(after[0]))

    def test_all_light_lines_follow_the_leaker(self):
        # Its smaps_rollup moves every step, so each is read anew: the growth asked for.
        s = self.all_series(self.facts["leaker"])
        self.assertTrue(all(l["light"] and l["categories"] == {} for l in s))
        grew = s[-1]["total"]["pss"] - s[0]["total"]["pss"]
        asked = LEAK_STEPS * LEAK_MIB * 1024
        self.assertGreaterEqual(grew, asked * 0.97)
        self.assertLessEqual(grew, asked + 2048)

    def test_all_steady_ticks_read_smaps_rollup_alone_and_all_files_every_10(self):
        # The summary counts the lines repeated from a process's last read (smaps_rollup
        # unchanged). Worked out from the stream alone: a repeated line has the totals of the
        # line before it in its process's series, so at most every such line is one; and each
        # such line is one but for the reads taken again every 10 ticks (README, "Many
        # processes"), at most one in 10 of a process's lines, rounded up. How many lines
        # repeat depends on the machine: an idle memhog's Pss moves whenever any process
        # mapping the same libraries comes or goes (CI runs other tests beside this one).
        m = re.search(r"(\d+) smaps_rollup, (\d+) of them alone: unchanged", self.facts["all_err"])
        self.assertIsNotNone(m, self.facts["all_err"])
        repeated = int(m.group(2))
        per_key = {}
        for l in self.all_lines:
            if l["schema"] == "memsnap.snapshot/1":
                per_key.setdefault((l["pid"], l["starttime"]), []).append(l["total"])
        same = sum(sum(a == b for a, b in zip(t, t[1:])) for t in per_key.values())
        rereads = sum(-(-len(t) // 10) for t in per_key.values())
        print(f"\nrepeated {repeated}, lines as the one before {same}, rereads at most {rereads}",
              flush=True)
        self.assertLessEqual(repeated, same)
        self.assertGreaterEqual(repeated, same - rereads)

    def test_diff_names_the_one_leaker_among_the_idle(self):
        r = memsnap("diff", self.stream)
        self.assertEqual(r.returncode, 1, r.stdout + r.stderr)
        lines = r.stdout.splitlines()
        n = len({(l["pid"], l["starttime"]) for l in self.lines if l["schema"] == "memsnap.snapshot/1"})
        self.assertIn(f"{n} processes over", lines[0])
        self.assertIn("1 leaking", lines[0])
        leak = [l for l in lines if l.startswith("  ")]
        self.assertEqual(len(leak), 1, r.stdout)
        self.assertTrue(leak[0].startswith(f"  {self.facts['leaker']}@"), leak[0])
        self.assertIn("native heap", leak[0])
        self.assertIn("steady growth", leak[0])
        # The system line: the processes of the first tick (5 idle, the victim, the leaker).
        system = lines[-1]
        self.assertTrue(system.startswith("system: processes 7 -> "), system)
        self.assertIn("2 new, 2 gone", system)  # the reuser and the newcomer; the victim and the leaver

    def test_diff_json_ranks_the_leaker(self):
        r = memsnap("diff", self.stream, "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        j = json.loads(r.stdout)
        self.assertEqual([l["pid"] for l in j["leaks"]], [self.facts["leaker"]])
        native = j["leaks"][0]["verdicts"][0]
        self.assertEqual(native["group"], "native")
        asked = LEAK_STEPS * LEAK_MIB * 1024
        self.assertGreaterEqual(native["delta"], asked * 0.97)
        self.assertLessEqual(native["delta"], asked + 2048)

    def test_diff_pid_selects_one_process(self):
        r = memsnap("diff", self.stream, "--pid", self.facts["leaker"])
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"pid {self.facts['leaker']} (leaker)", r.stdout)
        self.assertIn("likely native leak", r.stdout)
        idle = self.facts["idle"][0]
        r = memsnap("diff", self.stream, "--pid", idle)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"pid {idle} (memhog)", r.stdout)

    def test_diff_pid_of_a_reused_pid_names_both(self):
        pid, start = self.facts["victim"]
        r = memsnap("diff", self.stream, "--pid", pid)
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn(f"pid {pid} is 2 processes", r.stderr)
        self.assertIn(f"{pid}@{start}", r.stderr)
        self.assertIn("--pid PID@STARTTIME", r.stderr)
        r = memsnap("diff", self.stream, "--pid", f"{pid}@{start}")
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn(f"pid {pid} (memhog)", r.stdout)

    def test_diff_pid_not_in_the_stream(self):
        absent = max(l["pid"] for l in self.lines) + 1000
        r = memsnap("diff", self.stream, "--pid", absent)
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(f"no process {absent} in {self.stream}", r.stderr)

    def test_diff_of_a_garbled_stream_names_the_line(self):
        with open(self.stream) as f:
            text = f.read().splitlines(keepends=True)
        bad = os.path.join(self.dir.name, "garbled.ndjson")
        with open(bad, "w") as f:
            f.writelines(text[:3] + ["time_ms,pid,starttime\n"] + text[3:])
        r = memsnap("diff", bad)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn(f"{bad}:4: not a line of a memsnap stream", r.stderr)
        # A torn line of ours (a killed writer) is skipped with a warning, not an error.
        with open(bad, "w") as f:
            f.writelines(text[:3] + [text[3][:40] + "\n"] + text[3:])
        r = memsnap("diff", bad)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn(f"{bad}:4: not a complete JSON line", r.stderr)


class WatchManyHeldFiles(unittest.TestCase):
    """watch --all keeps each process's smaps_rollup open from tick to tick and reads it again
    with one pread(2) (procfs/rollup_files.h); an exec or an exit makes that file fail, and the
    process is read by path again."""

    def test_steady_ticks_read_the_held_file_once_each(self):
        # strace tells which file each pread64 reads: the descriptor's last openat (--jobs 1:
        # one thread, so no call is split in the trace). The files each idle memhog costs are
        # replayed from its lines with the rule of README "Many processes": a tick whose
        # totals moved reads all of its files by path; 10 ticks after its last such read, a
        # tick whose held file is unchanged reads status and cgroup alone; any other repeats.
        if shutil.which("strace") is None:
            self.skipTest("strace not installed (scripts/setup.sh installs it)")
        # The hogs run on private copies of memhog, the loader and libc (harness.PrivateMemhogs):
        # with the system's libc, a process that starts or exits elsewhere moves their Pss
        # between memsnap's pread of the held file and its read by path, and a tick that read
        # by path could end with the totals of the tick before (seen: 2 of 5 runs beside a
        # loop of /bin/true).
        n = 12
        with tempfile.TemporaryDirectory() as d:
            stream, trace = os.path.join(d, "s.ndjson"), os.path.join(d, "trace")
            private = harness.PrivateMemhogs(d)
            hogs = [Memhog(private.argv()) for _ in range(3)]
            try:
                r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,pread64,close", "-o", trace,
                                    MEMSNAP, "watch", "--all", "--light", "--interval", "100ms",
                                    "--count", str(n), "--jobs", "1", "-o", stream],
                                   capture_output=True, text=True, timeout=120)
                self.assertEqual(r.returncode, 0, r.stderr)
                lines = [l for l in read_stream(stream) if l["schema"] == "memsnap.snapshot/1"]
                fd_file, opens, preads = {}, {}, {}
                with open(trace) as f:
                    for row in f:
                        m = re.search(r'openat\(AT_FDCWD, "/proc/(\d+)/(\w+)", .*\) = (\d+)', row)
                        if m:
                            pid, name, fd = int(m.group(1)), m.group(2), int(m.group(3))
                            fd_file[fd] = (pid, name)
                            opens[(pid, name)] = opens.get((pid, name), 0) + 1
                        m = re.search(r"pread64\((\d+), .* = \d+$", row)
                        if m and int(m.group(1)) in fd_file:
                            pid = fd_file[int(m.group(1))][0]
                            preads[pid] = preads.get(pid, 0) + 1
                        m = re.search(r"close\((\d+)\)", row)
                        if m:
                            fd_file.pop(int(m.group(1)), None)
                for h in hogs:
                    own = [l for l in lines if l["pid"] == h.pid]
                    self.assertEqual(len(own), n, h.pid)
                    moved = refreshed = 0
                    last_read = 0
                    for t in range(1, n):
                        if own[t]["total"] != own[t - 1]["total"]:
                            moved += 1
                            last_read = t
                        elif t - last_read >= 10:
                            refreshed += 1
                            last_read = t
                    got = {name: opens.get((h.pid, name), 0) for name in ("stat", "status", "cgroup", "smaps_rollup")}
                    want = {"stat": 1 + 2 * (1 + moved),  # the first listing's, and before and after a read
                            "status": 1 + moved + refreshed, "cgroup": 1 + moved + refreshed,
                            "smaps_rollup": 2 + moved}  # the held file's open, and one a read by path
                    self.assertEqual(got, want, (h.pid, moved, refreshed))
                    self.assertGreaterEqual(refreshed + moved, 1)  # n > 10: one at least
                    self.assertEqual(preads.get(h.pid, 0), n - 1, h.pid)  # every tick after the first
            finally:
                for h in hogs:
                    h.close()

    def test_a_process_that_execs_keeps_its_series(self):
        # sh waits for a line, then becomes sleep: the same PID and start time, a new address
        # space; the held file of sh's fails and the process is read by path from then on.
        with tempfile.TemporaryDirectory() as d:
            stream = os.path.join(d, "s.ndjson")
            sh = subprocess.Popen(["sh", "-c", "read x; exec sleep 600"], stdin=subprocess.PIPE)
            watch = subprocess.Popen([MEMSNAP, "watch", "--all", "--light", "--interval", "100ms",
                                      "-o", stream], stderr=subprocess.PIPE, text=True)
            try:
                wait_for(lambda: last_tick(stream) >= 3)
                sh.stdin.write(b"go\n")
                sh.stdin.flush()
                wait_for(lambda: open(f"/proc/{sh.pid}/comm").read() == "sleep\n")
                t = last_tick(stream)
                wait_for(lambda: last_tick(stream) >= t + 4)
            finally:
                watch.send_signal(signal.SIGTERM)
                err = watch.communicate(timeout=20)[1]
            try:
                self.assertEqual(watch.returncode, 0, err)
                with open(f"/proc/{sh.pid}/smaps_rollup") as f:
                    rss = int(re.search(r"^Rss:\s+(\d+) kB", f.read(), re.M).group(1))
                lines = read_stream(stream)
                own = [l for l in lines if l["pid"] == sh.pid]
                self.assertFalse([l for l in own if l["schema"] == "memsnap.gone/1"])
                self.assertEqual(len({l["starttime"] for l in own}), 1)
                ticks = [l["tick"] for l in own]
                # A line on every tick the stream has from its first to its last (a tick that
                # overran skips tick numbers for every process alike).
                self.assertEqual(ticks, sorted({l["tick"] for l in lines if ticks[0] <= l["tick"] <= ticks[-1]}))
                self.assertEqual(own[0]["name"], "sh")
                self.assertEqual(own[-1]["name"], "sleep")
                self.assertEqual(own[-1]["total"]["rss"], rss)  # sleep's address space, not sh's
            finally:
                sh.kill()
                sh.wait()


class WatchManyUsage(unittest.TestCase):
    def test_needs_a_process(self):
        r = memsnap("watch")
        self.assertEqual(r.returncode, 2)
        self.assertIn("watch needs a PID", r.stderr)

    def test_single_pid_options_refused(self):
        for extra in (["--format", "csv"], ["--plot", "x.svg"], ["--mappings"]):
            r = memsnap("watch", "--all", "--count", "1", *extra)
            self.assertEqual(r.returncode, 2, extra)
            self.assertIn("applies to watch PID", r.stderr)
        r = memsnap("watch", "self", "--jobs", "2", "--count", "1")
        self.assertEqual(r.returncode, 2)

    def test_bad_pattern_and_user(self):
        r = memsnap("watch", "--name", "(", "--count", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--name '('", r.stderr)
        r = memsnap("watch", "--user", "no-such-user-here", "--count", "1")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no user named", r.stderr)

    def test_several_pids_and_their_lines(self):
        with Memhog() as a, Memhog() as b:
            r = memsnap("watch", a.pid, b.pid, "--count", "2", "--interval", "100ms")
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [json.loads(l) for l in r.stdout.splitlines()]
            self.assertEqual(sorted((l["tick"], l["pid"]) for l in lines),
                             sorted((t, p) for t in (0, 1) for p in (a.pid, b.pid)))
            # Named PIDs are read in full every tick, as watch PID reads them.
            self.assertTrue(all(not l["light"] and l["fd"]["num"] > 0 for l in lines))

    def test_named_pid_gone_stops_with_3(self):
        a = Memhog()
        b = Memhog()
        p = subprocess.Popen([MEMSNAP, "watch", str(a.pid), str(b.pid), "--interval", "100ms"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(0.5)
        a.close()
        b.close()
        out, err = p.communicate(timeout=20)
        self.assertEqual(p.returncode, 3, err)
        self.assertIn("every process named has gone", err)
        gone = [json.loads(l) for l in out.splitlines() if "memsnap.gone/1" in l]
        self.assertEqual(sorted(g["pid"] for g in gone), sorted([a.pid, b.pid]))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--scenario":
        scenario(sys.argv[2])
    else:
        unittest.main()
