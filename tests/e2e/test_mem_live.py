"""`memsnap --mem PID` on real processes, and its error paths."""
import os
import signal
import subprocess
import time

from harness import MEMSNAP, Memhog, kernel_kb, memsnap, memsnap_json, unittest


class MemOnRealProcess(unittest.TestCase):
    def test_total_pss_matches_smaps_rollup(self):
        # The kernel's own Pss total, read right before and after memsnap, brackets memsnap's.
        with Memhog() as hog:
            hog.cmd("brk 16")
            hog.cmd("mmap 8")
            hog.cmd("file 4")
            before = kernel_kb(f"/proc/{hog.pid}/smaps_rollup", "Pss")
            snap = memsnap_json("--mem", hog.pid)
            after = kernel_kb(f"/proc/{hog.pid}/smaps_rollup", "Pss")
            # No swap here, so Pss Total (rows' Pss + SwapPss) is the rows' Pss.
            total = snap["total"]["pss"]
            self.assertLessEqual(abs(total - before), 0.01 * before, (total, before, after))
            self.assertLessEqual(abs(total - after), 0.01 * after, (total, before, after))
            self.assertEqual(snap["pid"], hog.pid)
            self.assertEqual(snap["name"], "memhog")

    def test_64_mib_of_brk_heap_lands_in_native_heap(self):
        with Memhog() as hog:
            base = memsnap_json("--mem", hog.pid)["categories"]["native_heap"]["pss"]
            hog.cmd("brk 64")
            grown = memsnap_json("--mem", hog.pid)["categories"]["native_heap"]["pss"]
            delta = grown - base
            self.assertLessEqual(abs(delta - 65536), 0.05 * 65536, delta)

    def test_anonymous_mmap_lands_in_anon_other_and_file_in_file_other(self):
        with Memhog() as hog:
            base = memsnap_json("--mem", hog.pid)["categories"]
            hog.cmd("mmap 32")
            # The file lands right below the mmap: whatever shape the kernel gave the mmap
            # (harness.MmapRuns), it then reads as the file's .bss, AnonPage other.
            hog.cmd("file 16")
            grown = memsnap_json("--mem", hog.pid)["categories"]
            anon = grown["anon_other"]["rss"] - base["anon_other"]["rss"]
            self.assertLessEqual(abs(anon - 32768), 0.05 * 32768, anon)
            # The file is MAP_SHARED and written: Rss counts it, in FilePage other.
            filed = grown["file_other"]["rss"] - base["file_other"]["rss"]
            self.assertLessEqual(abs(filed - 16384), 0.05 * 16384, filed)

    def test_table_layout_and_total_row(self):
        with Memhog() as hog:
            hog.cmd("brk 8")
            r = memsnap("--mem", hog.pid)
            self.assertEqual(r.returncode, 0, r.stderr)
            lines = r.stdout.splitlines()
            self.assertIn("-------------------------------[memory]-------------------------------", lines)
            rows = [l for l in lines if len(l) == 17 + 15 * 10 and l[17:].split()[0].isdigit()]
            names = [l[:17].strip() for l in rows]
            hidumper = ["GL", "Graph", "ark ts heap", "arkts-static heap", "guard", "native heap",
                        ".hap", "AnonPage other", "stack", ".db", ".so", "dev", "dmabuf", ".ttf",
                        "arkweb-pa heap", "FilePage other", "Total"]
            self.assertEqual([n for n in names if n in hidumper], hidumper)
            cells = {l[:17].strip(): l[17:].split() for l in rows}
            body = [n for n in names if n != "Total"]
            pss_sum = sum(int(cells[n][0]) for n in body)
            swappss = int(cells["Total"][6])
            self.assertEqual(int(cells["Total"][0]), pss_sum + swappss)
            self.assertEqual(cells["Total"][7:], ["-", "-", "-"])

    def test_self_and_process_name(self):
        r = memsnap("--mem", "self", "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        with Memhog() as hog:
            # memhog is not unique by name while other tests run; give it a name of its own.
            hog.cmd(f"comm mh{hog.pid}")
            snap = memsnap_json("--mem", f"mh{hog.pid}")
            self.assertEqual(snap["pid"], hog.pid)


class MemErrors(unittest.TestCase):
    def test_no_such_pid(self):
        with open("/proc/sys/kernel/pid_max") as f:
            pid = int(f.read()) + 1  # above every PID the kernel gives
        r = memsnap("--mem", str(pid))
        self.assertEqual(r.returncode, 3)
        self.assertEqual(r.stderr, f"memsnap: no process {pid}\n")

    def test_no_such_name(self):
        r = memsnap("--mem", "no-such-process-name")
        self.assertEqual(r.returncode, 3)
        self.assertIn("no process named 'no-such-process-name'", r.stderr)

    def test_ambiguous_name_lists_candidates(self):
        with Memhog() as a, Memhog() as b:
            name = f"amb{a.pid}"
            a.cmd(f"comm {name}")
            b.cmd(f"comm {name}")
            r = memsnap("--mem", name)
            self.assertEqual(r.returncode, 2)
            self.assertIn(f"'{name}' matches 2 processes", r.stderr)
            self.assertIn(str(a.pid), r.stderr)
            self.assertIn(str(b.pid), r.stderr)

    def test_zombie_is_gone(self):
        p = subprocess.Popen(["true"])
        deadline = time.time() + 10
        while time.time() < deadline:
            with open(f"/proc/{p.pid}/stat") as f:
                if f.read().rsplit(")", 1)[1].split()[0] == "Z":
                    break
            time.sleep(0.01)
        r = memsnap("--mem", p.pid)
        p.wait()
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn(f"process {p.pid}", r.stderr)

    def test_permission_denied_has_hint(self):
        if os.geteuid() != 0:
            self.skipTest("needs root to drop to another user")
        # A process of another user, read by an unprivileged memsnap.
        victim = subprocess.Popen(["sleep", "60"])
        try:
            r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                                os.path.abspath(MEMSNAP),
                                "--mem", str(victim.pid)], capture_output=True, text=True)
            self.assertEqual(r.returncode, 4, r.stderr)
            self.assertIn(f"/proc/{victim.pid}/smaps", r.stderr)
            self.assertIn("same user or root", r.stderr)
            self.assertIn("ptrace_scope", r.stderr)
        finally:
            victim.kill()
            victim.wait()

    def test_exit_mid_read_is_reported_not_truncated(self):
        # A process with many mappings that is killed while memsnap reads it: memsnap either
        # finished before the kill (exit 0) or says the process went away (exit 3); it never
        # prints a table from a truncated smaps. Repeated to hit the race.
        outcomes = set()
        for i in range(30):
            with Memhog() as hog:
                hog.cmd("maps 20000")
                p = subprocess.Popen([MEMSNAP, "--mem", str(hog.pid),
                                      "--format", "json"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
                time.sleep(0.002 * (i % 10))
                hog.proc.kill()
                out, err = p.communicate(timeout=60)
                hog.proc.wait()
                outcomes.add(p.returncode)
                self.assertIn(p.returncode, (0, 3), err)
                if p.returncode == 3:
                    self.assertIn(str(hog.pid), err)
                    self.assertEqual(out, "")
                else:
                    import json
                    snap = json.loads(out)
                    # 20000 one-page mappings of 4 kB each were all counted.
                    self.assertGreaterEqual(snap["total"]["size"], 20000 * 4)
        self.assertIn(3, outcomes)

    def test_malformed_smaps_names_file_and_line(self):
        r = memsnap("--smaps", "-", input="00400000-00401000 r--p 00000000 00:00 0\nPss: x kB\n")
        self.assertEqual(r.returncode, 5)
        self.assertEqual(r.stderr, "memsnap: <stdin>:2: expected a number of kB\n")

    def test_usage_error(self):
        r = memsnap("--mem", "1", "--format", "nope")
        self.assertEqual(r.returncode, 2)


if __name__ == "__main__":
    unittest.main()
