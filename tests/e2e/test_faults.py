"""Faults: huge and hostile inputs, trees with FIFOs and symlink loops, processes that exit at
random points. memsnap must answer with a clear error or a correct result, in bounded memory
and time, never crash or hang."""
import os
import random
import shutil
import subprocess
import tempfile
import time

from harness import MEMSNAP, Memhog, fixture, memsnap, unittest

MAPPING = ("7f0000000000-7f0000001000 rw-p 00000000 00:00 0 \n"
           "Size:                  4 kB\nRss:                   4 kB\nPss:                   4 kB\n"
           "Private_Dirty:         4 kB\nVmFlags: rd wr mr mw me ac \n")


def run_with_stdin_stream(args, block, repeat):
    """Streams `block` `repeat` times into memsnap's stdin; returns (rc, stdout, stderr,
    peak RSS of memsnap in kB as GNU time measures it)."""
    with tempfile.NamedTemporaryFile("r", prefix="memsnap-rss-") as rss:
        p = subprocess.Popen(["/usr/bin/time", "-q", "-f", "%M", "-o", rss.name, MEMSNAP, *args],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        data = block.encode()
        try:
            for _ in range(repeat):
                p.stdin.write(data)
            p.stdin.close()
        except BrokenPipeError:
            pass  # memsnap stopped reading: it rejected the input
        out = p.stdout.read()
        err = p.stderr.read()
        p.wait()
        return p.returncode, out.decode(), err.decode(), int(rss.read().split()[-1])


class HugeInputs(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # memsnap's own peak on an empty input: the bounds below are on top of it (a sanitizer
        # build starts far bigger than a release build).
        cls.baseline_kb = run_with_stdin_stream(["--smaps", "-"], "", 0)[3]

    def test_one_gigabyte_smaps_stream_in_bounded_memory(self):
        block = MAPPING * (1 << 20 // len(MAPPING) + 1)  # ~1 MiB of mappings
        repeat = (1 << 30) // len(block)
        rc, out, err, peak_kb = run_with_stdin_stream(["--smaps", "-", "--format", "json"], block, repeat)
        self.assertEqual(rc, 0, err)
        import json
        total = json.loads(out)["total"]
        mappings = repeat * block.count("Pss:")
        self.assertEqual(total["pss"], 4 * mappings)  # every mapping counted, none lost
        self.assertLess(peak_kb - self.baseline_kb, 8 * 1024, "memsnap's peak RSS grew with the input")

    def test_a_ten_megabyte_line_is_rejected_in_bounded_memory(self):
        line = "7f0000000000-7f0000001000 rw-p 00000000 00:00 0 /" + "x" * (10 << 20) + "\n"
        rc, _, err, peak_kb = run_with_stdin_stream(["--smaps", "-"], line, 1)
        self.assertEqual(rc, 5)
        self.assertEqual(err, "memsnap: <stdin>:1: line longer than 256 KiB\n")
        self.assertLess(peak_kb - self.baseline_kb, 8 * 1024)

    def test_numbers_past_2_to_the_64(self):
        r = memsnap("--smaps", "-", input="00400000-00401000 r--p 00000000 00:00 0\n"
                                        "Pss: 99999999999999999999999 kB\n")
        self.assertEqual(r.returncode, 5)
        self.assertEqual(r.stderr, "memsnap: <stdin>:2: number out of range\n")
        r = memsnap("diff", "a.json", "b.json", "--threshold", "native=99999999999999999999999GiB")
        self.assertEqual(r.returncode, 2, r.stderr)


class HostileTrees(unittest.TestCase):
    def setUp(self):
        self.root = tempfile.mkdtemp(prefix="memsnap-hostile-")
        self.addCleanup(shutil.rmtree, self.root)
        shutil.copytree(fixture("ohos-app", "1198"), os.path.join(self.root, "1198"))
        shutil.copy(fixture("ohos-app", "meminfo"), os.path.join(self.root, "meminfo"))

    def replace(self, rel, kind):
        path = os.path.join(self.root, rel)
        if os.path.lexists(path):
            os.unlink(path)
        if kind == "fifo":
            os.mkfifo(path)
        elif kind == "loop":
            os.symlink(os.path.basename(path), path)  # points at itself
        return path

    def run_bounded(self, *args):
        # A hang would be a failure: the timeout turns it into one.
        return memsnap(*args, timeout=20)

    def test_fifo_in_place_of_each_file(self):
        for name in ("smaps", "status", "stat", "comm"):
            with self.subTest(name=name):
                shutil.rmtree(os.path.join(self.root, "1198"))
                shutil.copytree(fixture("ohos-app", "1198"), os.path.join(self.root, "1198"))
                path = self.replace(os.path.join("1198", name), "fifo")
                r = self.run_bounded("--mem", "1198", "--proc-root", self.root)
                if name == "comm":
                    self.assertEqual(r.returncode, 0, r.stderr)  # comm is not read for a PID
                    r = self.run_bounded("--mem", "com.example.app", "--proc-root", self.root)
                    self.assertEqual(r.returncode, 3, r.stderr)  # the FIFO is no candidate
                else:
                    self.assertEqual(r.returncode, 5, r.stderr)
                    self.assertIn(f"{path}: not a regular file", r.stderr)

    def test_symlink_loops(self):
        path = self.replace(os.path.join("1198", "smaps"), "loop")
        r = self.run_bounded("--mem", "1198", "--proc-root", self.root)
        self.assertNotEqual(r.returncode, 0)
        self.assertIn(path, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1)
        os.symlink("77", os.path.join(self.root, "77"))  # a PID directory that loops
        r = self.run_bounded("--mem", "77", "--proc-root", self.root)
        self.assertEqual(r.returncode, 3, r.stderr)

    def test_fifo_meminfo_and_listing(self):
        self.replace("meminfo", "fifo")
        self.replace(os.path.join("1198", "smaps_rollup"), "fifo")
        r = self.run_bounded("--mem", "--proc-root", self.root)
        self.assertEqual(r.returncode, 5, r.stderr)  # meminfo is not a regular file
        self.assertIn("meminfo: not a regular file", r.stderr)
        os.unlink(os.path.join(self.root, "meminfo"))
        r = self.run_bounded("--mem", "--proc-root", self.root, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        import json
        skipped = json.loads(r.stdout)["skipped"]
        self.assertEqual([(s["pid"], s["reason"]) for s in skipped], [(1198, "malformed")])


class ExitsAtRandomPoints(unittest.TestCase):
    def test_snapshot_of_a_process_killed_at_random_moments(self):
        # Complete snapshot (exit 0, every mapping there) or "gone" (exit 3): never a partial one.
        rnd = random.Random(1234)
        outcomes = {0: 0, 3: 0}
        for _ in range(40):
            with Memhog() as hog:
                hog.cmd("maps 10000")
                p = subprocess.Popen([MEMSNAP, "snapshot", str(hog.pid)], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                time.sleep(rnd.uniform(0, 0.03))
                hog.proc.kill()
                out, err = p.communicate(timeout=60)
                hog.proc.wait()
                self.assertIn(p.returncode, (0, 3), err)
                outcomes[p.returncode] += 1
                if p.returncode == 0:
                    import json
                    self.assertGreaterEqual(json.loads(out)["total"]["size"], 10000 * 4)
                else:
                    self.assertEqual(out, "")
                    self.assertIn(str(hog.pid), err)
        self.assertGreater(outcomes[3], 0)


if __name__ == "__main__":
    unittest.main()
