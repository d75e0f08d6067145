"""Hostile input, round two (issue 22): real processes and crafted files that tried to make
memsnap print a wrong number, read without bound, lose a line or die without a message."""
import fcntl
import json
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
import unittest

from harness import FIXTURES, MEMSNAP, SANITIZED, Memhog, kernel_kb, memsnap

# A real process that names itself and one of its threads with bytes that are not UTF-8
# (prctl(PR_SET_NAME) needs no privilege), then waits for stdin to close.
NAMER = r"""
import ctypes, sys, threading
libc = ctypes.CDLL(None, use_errno=True)
def name(raw):
    if libc.prctl(15, ctypes.c_char_p(raw), 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl")
ready = threading.Event()
def worker():
    name(b"w\xc3(\x80")
    ready.set()
    sys.stdin.read()
threading.Thread(target=worker, daemon=True).start()
ready.wait()
name(b"bad\xff\xfe")
print("ready", flush=True)
sys.stdin.read()
"""
PROCESS_NAME = b"bad\xff\xfe"
THREAD_NAME = b"w\xc3(\x80"


class NonUtf8Names(unittest.TestCase):
    """Item 1: a name that is not UTF-8 broke every JSON output (exit 6)."""

    @classmethod
    def setUpClass(cls):
        cls.proc = subprocess.Popen([sys.executable, "-c", NAMER], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE)
        assert cls.proc.stdout.readline().strip() == b"ready"
        cls.pid = cls.proc.pid
        with open(f"/proc/{cls.pid}/comm", "rb") as f:  # what the kernel itself reports
            assert f.read().rstrip(b"\n") == PROCESS_NAME

    @classmethod
    def tearDownClass(cls):
        stop(cls.proc)

    def run_bytes(self, *args):
        return subprocess.run([MEMSNAP, *map(str, args)], capture_output=True, timeout=60)

    def test_mem_json_keeps_the_exact_bytes(self):
        r = self.run_bytes("--mem", self.pid, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        snap = json.loads(r.stdout)
        self.assertEqual(snap["name"], PROCESS_NAME.decode("utf-8", "replace"))
        self.assertEqual(bytes.fromhex(snap["name_hex"]), PROCESS_NAME)
        self.assertEqual(bytes.fromhex(snap["status"]["name_hex"]), PROCESS_NAME)
        threads = {bytes.fromhex(k): v for k, v in snap["thread"]["by_name_hex"].items()}
        self.assertEqual(threads.get(THREAD_NAME), 1)
        self.assertEqual(threads.get(PROCESS_NAME), 1)

    def test_listing_json_and_csv(self):
        r = self.run_bytes("--mem", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = [p for p in json.loads(r.stdout)["processes"] if p["pid"] == self.pid]
        self.assertEqual(len(rows), 1)
        self.assertEqual(bytes.fromhex(rows[0]["name_hex"]), PROCESS_NAME)
        r = self.run_bytes("--mem", "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn(f"{self.pid},".encode() + PROCESS_NAME + b",", r.stdout)

    def test_snapshot_reads_back_byte_for_byte(self):
        with tempfile.TemporaryDirectory() as d:
            a = os.path.join(d, "a.json")
            r = self.run_bytes("snapshot", self.pid, "-o", a)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = self.run_bytes("diff", a, a, "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            before = json.loads(r.stdout)["before"]
            self.assertEqual(bytes.fromhex(before["name_hex"]), PROCESS_NAME)
            # The CSV series keeps the bytes as they are.
            r = self.run_bytes("watch", self.pid, "--interval", "50ms", "--count", "2",
                               "--format", "csv")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertIn(b"," + PROCESS_NAME + b",", r.stdout)

    def test_watch_ndjson(self):
        with tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "w.ndjson")
            r = self.run_bytes("watch", self.pid, "--interval", "50ms", "--count", "2", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, "rb") as f:
                lines = f.read().splitlines()
            self.assertEqual(len(lines), 2)
            for line in lines:
                self.assertEqual(bytes.fromhex(json.loads(line)["name_hex"]), PROCESS_NAME)
            r = self.run_bytes("diff", out)
            self.assertEqual(r.returncode, 0, r.stderr)


def named_process(name):
    """A real process (python) that renames itself to the bytes `name` with prctl and waits
    for stdin to close; returns the Popen."""
    script = ("import ctypes, sys\n"
              "libc = ctypes.CDLL(None, use_errno=True)\n"
              f"assert libc.prctl(15, ctypes.c_char_p({name!r}), 0, 0, 0) == 0\n"
              "print('ready', flush=True)\n"
              "sys.stdin.read()\n")
    proc = subprocess.Popen([sys.executable, "-c", script], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"ready"
    return proc


def stop(proc):
    proc.stdin.close()
    proc.wait(timeout=10)
    proc.stdout.close()


def snapshot_text(pid):
    r = memsnap("snapshot", pid)
    assert r.returncode == 0, r.stderr
    return r.stdout


class CraftedFiles(unittest.TestCase):
    """Items 2-6, 10, 11, 16: files made by hand from a real snapshot."""

    @classmethod
    def setUpClass(cls):
        cls.snap = json.loads(snapshot_text(os.getpid()))

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, name, data):
        path = os.path.join(self.dir, name)
        with open(path, "wb" if isinstance(data, bytes) else "w") as f:
            f.write(data)
        return path

    def series(self, name, snaps):
        return self.write(name, "".join(json.dumps(s) + "\n" for s in snaps))

    def shifted(self, k, pss=None):
        s = json.loads(json.dumps(self.snap))
        s["time_ms"] += 1000 * k
        if pss is not None:
            s["categories"]["native_heap"]["pss"] = pss
        return s

    def test_2_a_counter_near_2_to_the_64_is_refused_not_wrapped(self):
        a = self.write("a.json", json.dumps(self.shifted(0)))
        b = self.write("b.json", json.dumps(self.shifted(1, pss=18446744073709551555)))
        r = memsnap("diff", a, b)
        self.assertEqual(r.returncode, 5, r.stdout + r.stderr)
        self.assertIn("b.json:1: field categories.native_heap.pss: out of range", r.stderr)
        self.assertNotIn("%", r.stdout)
        # The same number in an smaps file.
        smaps = self.write("smaps", "00400000-00452000 r-xp 00000000 08:02 1 /a\n"
                                    "Pss:    18446744073709551555 kB\n")
        r = memsnap("--smaps", smaps)
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn(f"{smaps}:2: number out of range", r.stderr)
        # Two counters that are each possible but add up past 2^52 kB.
        r = memsnap("--smaps", self.write("smaps2", "".join(
            f"{i:08x}-{i + 1:08x} rw-p 00000000 00:00 0\nSize: {2 ** 48} kB\n" for i in range(17))))
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn("add up past", r.stderr)

    def test_3_a_number_cut_short_is_malformed_a_missing_final_newline_is_not(self):
        whole = ("00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/app\n"
                 "Size:                328 kB\nRss:                 296 kB\n"
                 "Pss:                 512 kB")
        r = memsnap("--smaps", self.write("whole", whole), "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(sum(c["pss"] for c in json.loads(r.stdout)["categories"].values()), 512)
        cut = self.write("cut", whole[:-4])  # "Pss: 51"
        r = memsnap("--smaps", cut)
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn(f"{cut}:4: expected 'kB' after the number", r.stderr)
        # A status cut after one digit of VmRSS, in a captured tree.
        tree = os.path.join(self.dir, "tree")
        shutil.copytree(os.path.join(FIXTURES, "all-procs"), tree)
        status = os.path.join(tree, "1198", "status")
        with open(status) as f:
            text = f.read()
        cut_at = text.index("VmRSS:") + text[text.index("VmRSS:"):].index("kB") - 4
        self.write(status, text[:cut_at].rstrip("0123456789") + "3")
        r = memsnap("--mem", "1198", "--proc-root", tree)
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn("bad number for VmRSS", r.stderr)

    def test_4_the_series_reader_takes_the_last_duplicate_and_needs_every_field(self):
        snaps = [self.shifted(k) for k in range(6)]
        normal = snaps[2]["categories"]["native_heap"]["pss"]
        lines = [json.dumps(s) for s in snaps]
        # Line 3 holds "categories" twice: first with a 60 MB spike, then the normal values.
        spike = json.loads(json.dumps(snaps[2]["categories"]))
        spike["native_heap"]["pss"] = normal + 61440
        rest = json.dumps(snaps[2])[1:]
        lines[2] = '{"categories": ' + json.dumps(spike) + ", " + rest
        path = self.write("dup.ndjson", "\n".join(lines) + "\n")
        r = memsnap("diff", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        native = [g for g in json.loads(r.stdout)["series"]["groups"] if g["group"] == "native"]
        self.assertEqual(native[0]["max"], native[0]["first"])  # no 60 MB spike
        # A line without "name" (required) in the middle is malformed, as the full reader says.
        del snaps[3]["name"]
        r = memsnap("diff", self.series("noname.ndjson", snaps))
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn("noname.ndjson:4: field name: missing", r.stderr)

    def test_5_whole_documents_are_bounded(self):
        big = self.write("big.json", "[" + ",".join([json.dumps(self.snap)] * (40 * 2 ** 20 // len(json.dumps(self.snap)) + 1)) + "]")
        for args in (("diff", big, big), ("diff", big)):
            r = run_measured(args)
            self.assertEqual(r.returncode, 5, r.stderr)
            self.assertRegex(r.stderr, "big.json(:1)?: a (file|line) (larger|longer) than 32 MiB|"
                                       "big.json: larger than 32 MiB")
            if not SANITIZED:  # harness.SANITIZED: the release suite checks the bound
                self.assertLess(r.maxrss_kb, 80 * 1024)
        line = self.write("line.ndjson", json.dumps(self.snap) + "\n" + "[" * (40 * 2 ** 20) + "\n")
        r = run_measured(("diff", line))
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("line.ndjson:2: a line longer than 32 MiB", r.stderr)
        if not SANITIZED:
            self.assertLess(r.maxrss_kb, 80 * 1024)

    def test_6_devices_fifos_and_directories_are_refused_pipes_read(self):
        fifo = os.path.join(self.dir, "fifo")
        os.mkfifo(fifo)
        a = self.write("a.json", json.dumps(self.shifted(0)))
        for args in (("diff", "/dev/zero", a), ("diff", "/dev/zero"), ("diff", fifo, a),
                     ("diff", fifo), ("diff", self.dir, a), ("diff", self.dir),
                     ("--smaps", "/dev/zero"), ("--smaps", fifo)):
            r = memsnap(*args, timeout=20)
            self.assertEqual(r.returncode, 5, (args, r.stderr))
            self.assertRegex(r.stderr, "a (device|FIFO|directory), not a file")
        p = subprocess.run(f"cat {a} | {MEMSNAP} diff - {a}", shell=True, capture_output=True,
                           text=True, timeout=20)
        self.assertEqual(p.returncode, 0, p.stderr)

    def test_11_file_errors_exit_6_never_3_or_4(self):
        missing = os.path.join(self.dir, "no", "such")
        pid = os.getpid()
        for args in (("diff", missing, missing), ("diff", missing), ("--smaps", missing),
                     ("snapshot", pid, "-o", missing), ("snapshot", pid, "--append", missing),
                     ("watch", pid, "--count", "1", "-o", missing)):
            r = memsnap(*args)
            self.assertEqual(r.returncode, 6, (args, r.stderr))
            self.assertIn(missing, r.stderr)

    def test_16_time_that_does_not_advance_is_skipped_with_a_warning(self):
        snaps = [self.shifted(k) for k in (0, 1, 2, 2, 1, 3, 4, 5)]
        path = self.series("t.ndjson", snaps)
        r = memsnap("diff", path, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("t.ndjson:4: skipped: time", r.stderr)
        self.assertIn("t.ndjson:5: skipped: time", r.stderr)
        self.assertEqual(json.loads(r.stdout)["series"]["samples"], 6)

    def test_16_crlf_and_duplicate_keys_in_status(self):
        tree = os.path.join(self.dir, "tree")
        shutil.copytree(os.path.join(FIXTURES, "all-procs"), tree)
        status = os.path.join(tree, "1198", "status")
        with open(status) as f:
            text = f.read()
        self.write(status, text.replace("\n", "\r\n"))
        r = memsnap("--mem", "1198", "--proc-root", tree)
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn(f"{status}:1: a CR character", r.stderr)
        self.write(status, text + "Name:\tother\n")
        r = memsnap("--mem", "1198", "--proc-root", tree)
        self.assertEqual(r.returncode, 5, r.stdout)
        self.assertIn("Name appears twice", r.stderr)

    def test_14_leading_zero_pid_directories_do_not_alias(self):
        tree = os.path.join(self.dir, "tree")
        shutil.copytree(os.path.join(FIXTURES, "all-procs"), tree)
        r = memsnap("--mem", "--proc-root", tree, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        before = json.loads(r.stdout)["processes"]
        for alias in ("01198", "001198"):
            shutil.copytree(os.path.join(tree, "1198"), os.path.join(tree, alias))
        r = memsnap("--mem", "--proc-root", tree, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(json.loads(r.stdout)["processes"], before)

    def test_16_a_tree_without_smaps_names_the_missing_file(self):
        # A captured tree whose process directory lacks smaps (a hand-made capture): the
        # process did not exit (its stat is there), the capture is incomplete: exit 5 naming
        # the file, not "exited while being read" (exit 3).
        tree = os.path.join(self.dir, "tree")
        shutil.copytree(os.path.join(FIXTURES, "all-procs"), tree)
        os.remove(os.path.join(tree, "1198", "smaps"))
        r = memsnap("--mem", "1198", "--proc-root", tree)
        self.assertEqual(r.returncode, 5, r.stdout + r.stderr)
        self.assertIn(os.path.join(tree, "1198", "smaps") + ": not in the tree", r.stderr)
        self.assertNotIn("exited", r.stderr)
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        # The listing says the same of it, and of a tree without meminfo: no System block of
        # zeros (the fixture's meminfo removed).
        os.remove(os.path.join(tree, "meminfo"))
        os.remove(os.path.join(tree, "1198", "smaps_rollup"))  # the listing reads either
        r = memsnap("--mem", "--proc-root", tree)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("System: no meminfo in the tree", r.stdout)
        self.assertNotIn("Total RAM", r.stdout)
        self.assertRegex(r.stdout, r"malformed \(PIDs 1198, ")  # and the fixture's broken ones
        r = memsnap("--mem", "--proc-root", tree, "--format", "json")
        d = json.loads(r.stdout)
        self.assertIsNone(d["system"])
        skipped = {s["pid"]: s for s in d["skipped"]}
        self.assertEqual(skipped[1198]["reason"], "malformed")
        self.assertIn("an incomplete capture", skipped[1198]["error"])
        r = memsnap("--mem", "--proc-root", tree, "--format", "prom")
        self.assertNotIn("memsnap_system_", r.stdout)


def run_measured(args):
    """Runs memsnap under a small python parent; returns the CompletedProcess with maxrss_kb,
    memsnap's own peak RSS (the parent's RUSAGE_CHILDREN, which holds only memsnap)."""
    script = ("import resource, subprocess, sys\n"
              "r = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
              "sys.stdout.write(r.stdout); sys.stderr.write(r.stderr)\n"
              "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
              "sys.exit(r.returncode)\n")
    r = subprocess.run([sys.executable, "-c", script, MEMSNAP, *map(str, args)],
                       capture_output=True, text=True, timeout=120)
    lines = r.stderr.rstrip("\n").split("\n")
    r.maxrss_kb = int(lines[-1])
    r.stderr = "\n".join(lines[:-1])
    return r


class Processes(unittest.TestCase):
    """Items 7-10, 12, 13, 15, 16: memsnap itself as a process, against real processes."""

    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def test_7_rlimit_fsize_is_exit_6_with_a_message_and_no_temporary_file(self):
        def limit():
            resource.setrlimit(resource.RLIMIT_FSIZE, (1000, 1000))  # a snapshot is > 1000 bytes
        pid = os.getpid()
        out = os.path.join(self.dir, "out.json")
        for args in (("snapshot", pid, "-o", out), ("snapshot", pid, "--append", out),
                     ("watch", pid, "--count", "1", "-o", out)):
            r = subprocess.run([MEMSNAP, *map(str, args)], capture_output=True, text=True,
                               preexec_fn=limit, timeout=60)
            self.assertEqual(r.returncode, 6, (args, r.returncode, r.stderr))
            self.assertIn(out, r.stderr)
            self.assertEqual([f for f in os.listdir(self.dir) if ".tmp." in f], [])
            if os.path.exists(out):
                os.unlink(out)
        with open(out, "w") as f:
            r = subprocess.run([MEMSNAP, "snapshot", str(pid)], stdout=f, stderr=subprocess.PIPE,
                               text=True, preexec_fn=limit, timeout=60)
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertIn("cannot write to standard output: File too large", r.stderr)

    def test_8_a_watch_blocked_on_a_full_pipe_stops_on_sigterm(self):
        for sig in (signal.SIGTERM, signal.SIGINT):
            r, w = os.pipe()  # nobody reads r: the pipe fills after a few samples
            p = subprocess.Popen([MEMSNAP, "watch", str(os.getpid()), "--interval", "10ms"],
                                 stdout=w, stderr=subprocess.PIPE)
            os.close(w)
            # Full (watch blocked in write) when the bytes queued stop growing while it samples
            # every 10 ms.
            queued, steady, deadline = -1, 0, time.monotonic() + 30
            while steady < 3 and time.monotonic() < deadline:
                time.sleep(0.2)
                now = struct.unpack("i", fcntl.ioctl(r, termios.FIONREAD, b"\0" * 4))[0]
                steady = steady + 1 if now == queued and now > 0 else 0
                queued = now
            self.assertEqual(steady, 3, "the pipe never filled")
            p.send_signal(sig)
            try:
                code = p.wait(timeout=10)
            finally:
                if p.poll() is None:
                    p.kill()
                    p.wait()
                os.close(r)
            err = p.stderr.read()
            p.stderr.close()
            self.assertEqual(code, 0, (sig, err))

    def test_9_with_stderr_closed_the_summary_stays_out_of_the_series(self):
        out = os.path.join(self.dir, "w.ndjson")
        r = subprocess.run([MEMSNAP, "watch", str(os.getpid()), "--count", "2", "--interval",
                            "50ms", "-o", out], preexec_fn=lambda: os.close(2), timeout=60)
        self.assertEqual(r.returncode, 0)
        with open(out) as f:
            lines = f.read().splitlines()
        self.assertEqual(len(lines), 2, lines[2:])
        for line in lines:
            json.loads(line)

    def test_10_a_csv_series_with_a_newline_in_the_name_reads_back(self):
        proc = named_process(b"two\nlines")
        try:
            out = os.path.join(self.dir, "w.csv")
            r = memsnap("watch", proc.pid, "--count", "6", "--interval", "50ms", "--format",
                        "csv", "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            r = memsnap("diff", out, "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertNotIn("warning", r.stderr)
            d = json.loads(r.stdout)
            self.assertEqual(d["before"]["name"], "two\nlines")
            self.assertEqual(d["series"]["samples"], 6)
        finally:
            stop(proc)

    def test_12_arguments_spelled_like_subcommands(self):
        for name in (b"diff", b"mem", b"watch"):
            proc = named_process(name)
            try:
                r = memsnap("--mem", name.decode(), "--format", "json")
                if r.returncode == 2 and "matches" in r.stderr:
                    # Another suite's GNU diff or procps watch runs now: still a process name,
                    # ours among those it matches.
                    self.assertRegex(r.stderr,
                                     rf"'{name.decode()}' matches \d+ processes: .*\b{proc.pid}\b")
                    continue
                self.assertEqual(r.returncode, 0, (name, r.stderr))
                self.assertEqual(json.loads(r.stdout)["pid"], proc.pid)
            finally:
                stop(proc)
        r = memsnap("--mem", "--", "--mem")  # after --, "--mem" is a process name
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("no process named '--mem'", r.stderr)

    def test_13_o_takes_names_up_to_255_bytes(self):
        for n in (242, 250, 255):
            out = os.path.join(self.dir, "x" * n)
            r = memsnap("snapshot", os.getpid(), "-o", out)
            self.assertEqual(r.returncode, 0, (n, r.stderr))
            with open(out) as f:
                self.assertEqual(json.load(f)["pid"], os.getpid())

    def test_15_count_and_top_bounds(self):
        for args in (("watch", os.getpid(), "--count", "-1"), ("watch", os.getpid(), "--count", "0"),
                     ("--mem", "--top", "-1"), ("--mem", "--top", "0")):
            r = memsnap(*args, timeout=20)
            self.assertEqual(r.returncode, 2, (args, r.stderr))

    def test_16_a_thread_id_is_named_as_a_thread(self):
        tid = None
        ready = threading.Event()
        done = threading.Event()

        def worker():
            nonlocal tid
            tid = threading.get_native_id()
            ready.set()
            done.wait()
        t = threading.Thread(target=worker)
        t.start()
        try:
            ready.wait()
            r = memsnap("--mem", tid)
            self.assertEqual(r.returncode, 2, r.stdout)
            self.assertIn(f"{tid} is a thread of process {os.getpid()}", r.stderr)
        finally:
            done.set()
            t.join()

    def test_16_small_argument_holes(self):
        pid = os.getpid()
        for args, text in ((("snapshot", pid, "-o", ""), "empty file name"),
                           (("snapshot", pid, "--append", ""), "empty file name"),
                           (("watch", pid, "-o", ""), "empty file name")):
            r = memsnap(*args)
            self.assertEqual(r.returncode, 2, (args, r.stdout[:100]))
            self.assertEqual(r.stdout, "")
            self.assertIn(text, r.stderr)
        a = os.path.join(self.dir, "a.json")
        self.assertEqual(memsnap("snapshot", pid, "-o", a).returncode, 0)
        r = memsnap("diff", a, a, "--threshold", "js=8MiB/5")
        self.assertEqual(r.returncode, 2, r.stdout)
        self.assertIn("5 what?", r.stderr)

    def test_16_append_and_watch_o_refuse_a_symlink_as_o_does(self):
        victim = os.path.join(self.dir, "victim")
        with open(victim, "w") as f:
            f.write("keep\n")
        link = os.path.join(self.dir, "link")
        os.symlink(victim, link)
        pid = os.getpid()
        for args in (("snapshot", pid, "-o", link), ("snapshot", pid, "--append", link),
                     ("watch", pid, "--count", "1", "-o", link)):
            r = memsnap(*args)
            self.assertEqual(r.returncode, 6, (args, r.stderr))
            self.assertIn(link, r.stderr)
            with open(victim) as f:
                self.assertEqual(f.read(), "keep\n")
            self.assertTrue(os.path.islink(link))

    def test_16_a_process_whose_main_thread_exited_is_read_from_a_live_thread(self):
        with Memhog() as hog:
            hog.cmd("threads 2 live")
            hog.cmd("mmap 32")
            hog.cmd("exitmain")  # replies before it exits: wait for the kernel to show a zombie
            deadline, state = time.monotonic() + 10, "?"
            while state != "Z" and time.monotonic() < deadline:
                time.sleep(0.05)
                with open(f"/proc/{hog.pid}/stat") as f:
                    state = f.read().rsplit(")", 1)[1].split()[0]
            self.assertEqual(state, "Z")
            tid = min(int(t) for t in os.listdir(f"/proc/{hog.pid}/task") if int(t) != hog.pid)
            want = kernel_kb(f"/proc/{hog.pid}/task/{tid}/smaps_rollup", "Pss")
            self.assertGreater(want, 32 * 1024)
            r = memsnap("--mem", hog.pid, "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            got = sum(c["pss"] for c in json.loads(r.stdout)["categories"].values())
            self.assertLess(abs(got - want), want * 0.05)  # smaps vs smaps_rollup, moments apart
            r = memsnap("--mem", "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            rows = [p for p in json.loads(r.stdout)["processes"] if p["pid"] == hog.pid]
            self.assertEqual(len(rows), 1, "listed (not a kernel thread)")
            self.assertLess(abs(rows[0]["pss"] - want), want * 0.05)

    def test_16_a_zombie_is_called_a_zombie(self):
        child = subprocess.Popen(["true"])
        try:
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # exited, not reaped: a zombie
                with open(f"/proc/{child.pid}/stat") as f:
                    if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                        break
                time.sleep(0.05)
            r = memsnap("--mem", "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            out = json.loads(r.stdout)
            skipped = [s for s in out["skipped"] if s["pid"] == child.pid]
            self.assertEqual([s["reason"] for s in skipped], ["zombie"])
            self.assertIn("is a zombie", skipped[0]["error"])
        finally:
            child.wait()


if __name__ == "__main__":
    unittest.main()
