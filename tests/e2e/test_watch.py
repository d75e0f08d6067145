"""`memsnap watch` and `memsnap diff SERIES` on real processes."""
import json
import os
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from harness import MEMSNAP, Memhog, fixture, memsnap, unittest


def read_lines(path):
    with open(path) as f:
        return f.read().splitlines()


class Watch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="memsnap-watch-")
        self.addCleanup(shutil.rmtree, self.dir)

    def watch(self, pid, *args):
        return subprocess.Popen([MEMSNAP, "watch", str(pid), *map(str, args)],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)

    def test_steady_brk_growth_is_a_leak_with_positive_slope(self):
        out = os.path.join(self.dir, "steady.ndjson")
        with Memhog() as hog:
            w = self.watch(hog.pid, "--interval", "100ms", "--duration", "3s", "-o", out)
            stop = time.time() + 2.8
            while time.time() < stop:
                hog.cmd("brk 4")
                time.sleep(0.2)
            _, err = w.communicate(timeout=30)
            # Native grew past its threshold during the watch: exit 1, as the man page says.
            self.assertEqual(w.returncode, 1, err)
            self.assertIn("past a threshold: native heap +", err)
        lines = read_lines(out)
        self.assertGreaterEqual(len(lines), 25)  # 3 s at 100 ms: about 30 samples
        r = memsnap("diff", out, "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        d = json.loads(r.stdout)
        native = next(g for g in d["series"]["groups"] if g["group"] == "native")
        self.assertTrue(native["leak"])
        self.assertGreater(native["slope_per_min"], 0)
        self.assertLess(native["p_value"], 0.05)
        self.assertEqual(d["series"]["leaks"], ["native"])

    def test_a_spike_that_falls_back_is_not_a_leak(self):
        out = os.path.join(self.dir, "spike.ndjson")
        with Memhog() as hog:
            w = self.watch(hog.pid, "--interval", "100ms", "--duration", "2s", "-o", out)
            time.sleep(0.6)
            hog.cmd("brk 64")
            time.sleep(0.5)
            hog.cmd("unbrk 64")
            _, err = w.communicate(timeout=30)
            # The threshold was crossed during the watch (exit 1), though it fell back: the
            # summary says so, and diff of the series calls it a spike (exit 0).
            self.assertEqual(w.returncode, 1, err)
            self.assertIn("crossed a threshold during the watch, back under it at the end", err)
        r = memsnap("diff", out, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stdout)
        d = json.loads(r.stdout)
        native = next(g for g in d["series"]["groups"] if g["group"] == "native")
        self.assertFalse(native["leak"])
        self.assertTrue(native["spike"])
        self.assertGreaterEqual(native["max"] - native["first"], 60000)
        text = memsnap("diff", out).stdout
        self.assertIn("spike, fell back: not a leak", text)

    def test_sigint_leaves_complete_lines_and_exits_0(self):
        with Memhog() as hog:
            w = self.watch(hog.pid, "--interval", "50ms")
            time.sleep(0.7)
            w.send_signal(signal.SIGINT)
            out, err = w.communicate(timeout=30)
            self.assertEqual(w.returncode, 0, err)
        lines = out.splitlines()
        self.assertGreater(len(lines), 3)
        for line in lines:
            self.assertEqual(json.loads(line)["pid"], hog.pid)
        self.assertIn("memsnap watch:", err)  # the summary on stderr

    def test_sigkill_leaves_at_most_one_torn_line_which_diff_skips(self):
        out = os.path.join(self.dir, "killed.ndjson")
        with Memhog() as hog:
            hog.cmd("maps 3000")  # big lines, slower samples: more chances to tear
            for attempt in range(5):
                before = os.path.getsize(out) if os.path.exists(out) else 0
                w = self.watch(hog.pid, "--interval", "10ms", "-o", out)
                deadline = time.time() + 20
                while time.time() < deadline and (not os.path.exists(out) or
                                                  os.path.getsize(out) == before):
                    time.sleep(0.01)  # the first sample of this run is written
                time.sleep(0.05 * attempt)  # then kill it at varying moments
                w.kill()
                w.wait()
        lines = read_lines(out)
        bad = []
        for i, line in enumerate(lines, 1):
            try:
                json.loads(line)
            except ValueError:
                bad.append(i)
        # Each kill can tear at most the line being written when it came.
        self.assertLessEqual(len(bad), 5)
        r = memsnap("diff", out, "--format", "json")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        for i in bad:
            self.assertIn(f"{out}:{i}", r.stderr)

    def test_appending_after_a_torn_line_starts_a_fresh_line(self):
        # A watch killed mid-line leaves a torn last line; the next watch appending to the same
        # file must not glue its first sample onto it (that sample would be lost with it).
        for fmt, name in (("ndjson", "torn.ndjson"), ("csv", "torn.csv")):
            out = os.path.join(self.dir, name)
            with Memhog() as hog:
                r = memsnap("watch", hog.pid, "--interval", "10ms", "--count", "2",
                            "--format", fmt, "-o", out)
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(out) as f:
                    text = f.read()
                last = text.splitlines()[-1]
                with open(out, "a") as f:
                    f.write(last[: len(last) // 2])  # the torn line, no newline
                r = memsnap("watch", hog.pid, "--interval", "10ms", "--count", "2",
                            "--format", fmt, "-o", out)
                self.assertEqual(r.returncode, 0, r.stderr)
            lines = read_lines(out)
            header = 1 if fmt == "csv" else 0
            self.assertEqual(len(lines), header + 5, f"{out}: {len(lines)} lines")
            self.assertEqual(lines[header + 2], last[: len(last) // 2])
            if fmt == "ndjson":
                for line in lines[3:]:
                    self.assertEqual(json.loads(line)["pid"], hog.pid)
            r = memsnap("diff", out, "--format", "json")
            self.assertIn(r.returncode, (0, 1), r.stderr)
            # Only the torn line is skipped: 2 + 2 samples are used.
            self.assertEqual(r.stderr.count("warning"), 1, r.stderr)
            self.assertIn(f"{out}:{header + 3}", r.stderr)
            self.assertEqual(json.loads(r.stdout)["after"]["origin"], f"{out}:{header + 5}")

    def test_process_exit_stops_with_3(self):
        hog = Memhog()
        w = self.watch(hog.pid, "--interval", "50ms")
        time.sleep(0.4)
        hog.close()
        out, err = w.communicate(timeout=30)
        self.assertEqual(w.returncode, 3, err)
        self.assertIn(f"process {hog.pid} exited", err)
        for line in out.splitlines():
            json.loads(line)

    def test_pid_reuse_stops_rather_than_mixing(self):
        # A captured tree whose stat gets a new start time while watch reads it.
        tree = os.path.join(self.dir, "tree")
        shutil.copytree(fixture("ohos-app"), tree)
        stat = os.path.join(tree, "1198", "stat")
        with open(stat) as f:
            fields = f.read().split(" ")
        w = self.watch(1198, "--proc-root", tree, "--interval", "50ms")
        first = w.stdout.readline()  # the first sample is taken: now the PID is "reused"
        self.assertTrue(first)
        fields[21] = str(int(fields[21]) + 1000)
        with open(stat + ".new", "w") as f:
            f.write(" ".join(fields))
        os.rename(stat + ".new", stat)
        out, err = w.communicate(timeout=30)
        self.assertEqual(w.returncode, 3, err)
        self.assertIn("now belongs to another process", err)
        starts = {json.loads(l)["starttime"] for l in [first] + out.splitlines()}
        self.assertEqual(len(starts), 1)

    def test_csv_series_with_one_header(self):
        out = os.path.join(self.dir, "s.csv")
        with Memhog() as hog:
            for _ in range(2):  # a second run appends rows, not another header
                r = memsnap("watch", hog.pid, "--interval", "20ms", "--count", "3", "--format", "csv", "-o", out)
                self.assertEqual(r.returncode, 0, r.stderr)
        lines = read_lines(out)
        self.assertEqual(len(lines), 7)
        self.assertTrue(lines[0].startswith("time_ms,pid,starttime,name"))
        self.assertEqual(sum(l.startswith("time_ms") for l in lines), 1)
        r = memsnap("diff", out, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["series"]["samples"], 6)

    def test_light_samples_totals_only(self):
        with Memhog() as hog:
            r = memsnap("watch", hog.pid, "--interval", "20ms", "--count", "2", "--light")
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = [json.loads(l) for l in r.stdout.splitlines()]
            self.assertEqual(len(lines), 2)
            self.assertTrue(lines[0]["light"])
            self.assertGreater(lines[0]["total"]["pss"], 0)
            self.assertEqual(lines[0]["categories"], {})  # it read none (README)
            self.assertGreater(lines[0]["status"]["vm_rss"], 0)

    def test_event_when_a_group_crosses_its_threshold(self):
        with Memhog() as hog:
            w = self.watch(hog.pid, "--interval", "50ms", "--duration", "1s", "--event", "hiappevent")
            time.sleep(0.3)
            hog.cmd("brk 32")
            out, err = w.communicate(timeout=30)
        self.assertEqual(w.returncode, 1, err)
        events = [json.loads(l) for l in err.splitlines() if l.startswith("{")]
        self.assertEqual(len(events), 1, err)
        e = events[0]
        self.assertEqual(e["resource_type"], "pss_memory")
        self.assertEqual(e["pid"], hog.pid)
        self.assertEqual(e["bundle_name"], "memhog")
        self.assertEqual(set(e["memory"]), {"rss", "vss", "pss", "ion", "gpu", "sys_free_mem",
                                            "sys_avail_mem", "sys_total_mem"})
        # Only the object its resource_type documents (HiAppEvent RESOURCE_OVERLIMIT params).
        self.assertNotIn("fd", e)
        self.assertNotIn("thread", e)
        self.assertIsNone(e["bundle_version"])  # not in /proc: man page, --event
        self.assertEqual(e["external_log"], [])  # no -o: no file holds the samples
        self.assertIs(e["log_over_limit"], False)

    def test_usage_errors(self):
        for args in (["--interval", "5ms"], ["--count", "0"], ["--count", "-3"],
                     ["--interval", "soon"], ["--event", "syslog"]):
            r = memsnap("watch", "self", *args)
            self.assertEqual(r.returncode, 2, (args, r.stderr))


class SeriesDiff(unittest.TestCase):
    def test_mixed_processes_and_torn_line_are_skipped_with_warnings(self):
        d = tempfile.mkdtemp(prefix="memsnap-series-")
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "mixed.ndjson")
        with Memhog() as a, Memhog() as b:
            with open(path, "w") as f:
                for pid in (a.pid, a.pid, b.pid, a.pid):
                    f.write(memsnap("snapshot", pid).stdout.replace("\n", " ").strip() + "\n")
                f.write('{"schema": "memsnap.snapshot/1", "pid": ')  # torn
        r = memsnap("diff", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{path}:3: skipped: another process", r.stderr)
        self.assertIn(f"{path}:5: truncated JSON line", r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["before"]["pid"], a.pid)
        self.assertEqual(out["after"]["pid"], a.pid)
        self.assertEqual(out["after"]["origin"], f"{path}:4")

    def test_many_skipped_lines_are_summed_up_after_the_first_hundred(self):
        d = tempfile.mkdtemp(prefix="memsnap-series-")
        self.addCleanup(shutil.rmtree, d)
        path = os.path.join(d, "torn.ndjson")
        with Memhog() as hog:
            good = memsnap("snapshot", hog.pid).stdout.replace("\n", " ").strip()
        with open(path, "w") as f:
            f.write(good + "\n")
            for _ in range(250):  # lines 2..251: torn
                f.write(good[: len(good) // 3] + "\n")
            later = json.loads(good)  # a series' time must advance (issue 22)
            later["time_ms"] += 1000
            f.write(json.dumps(later) + "\n")  # line 252
        r = memsnap("diff", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stderr.splitlines()
        self.assertEqual(len(lines), 101, lines[-3:])
        self.assertIn(f"{path}:101: not a complete JSON line", lines[99])
        self.assertEqual(lines[100], f"memsnap: warning: 150 more lines of {path} skipped")
        self.assertEqual(json.loads(r.stdout)["after"]["origin"], f"{path}:252")

    def test_event_output_of_diff(self):
        d = tempfile.mkdtemp(prefix="memsnap-series-")
        self.addCleanup(shutil.rmtree, d)
        with Memhog() as hog:
            a = os.path.join(d, "a.json")
            b = os.path.join(d, "b.json")
            memsnap("snapshot", hog.pid, "-o", a)
            hog.cmd("pipes 100")
            hog.cmd("brk 32")
            memsnap("snapshot", hog.pid, "-o", b)
        r = memsnap("diff", a, b, "--event", "hiappevent")
        self.assertEqual(r.returncode, 1, r.stderr)
        events = {e["resource_type"]: e for e in map(json.loads, r.stdout.splitlines())}
        self.assertIn("pss_memory", events)
        self.assertIn("fd", events)
        keys = ["time", "bundle_version", "bundle_name", "pid", "uid", "resource_type"]
        tail = ["external_log", "log_over_limit", "verdict"]
        self.assertEqual(list(events["pss_memory"]), keys + ["memory"] + tail)
        self.assertEqual(list(events["fd"]), keys + ["fd"] + tail)
        self.assertGreaterEqual(events["fd"]["fd"]["num"], 200)  # 100 pipes, two ends each
        for e in events.values():
            self.assertEqual(e["external_log"], [os.path.abspath(a), os.path.abspath(b)])
            self.assertIs(e["log_over_limit"], False)


if __name__ == "__main__":
    unittest.main()
