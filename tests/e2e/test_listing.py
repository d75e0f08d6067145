"""`memsnap --mem` with no PID: every process, largest first, and the system's totals."""
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from harness import (FIXTURES, MEMSNAP, Memhog, PrivateMemhogs, fixture, kernel_kb, memsnap,
                     memsnap_json, read_tsv, unittest)

sys.path.insert(0, FIXTURES)
import expected_rules  # noqa: E402  (the fixtures' independent rule implementation)

TREE = fixture("all-procs")


def awk_sum(path, *keys):
    """The sum of the `Key:` values of `path` (kB), added up by awk, not by Python or memsnap."""
    cond = "||".join(f'$1=="{k}:"' for k in keys)
    r = subprocess.run(["awk", f"{cond}{{s+=$2}} END{{print s+0}}", path], capture_output=True,
                       text=True, check=True)
    return int(r.stdout)


class LiveListing(unittest.TestCase):
    def test_three_helpers_in_size_order_with_their_own_pss(self):
        hogs = [Memhog() for _ in range(3)]
        try:
            for hog, mib in zip(hogs, (20, 40, 80)):
                hog.cmd(f"brk {mib}")
            listing = memsnap_json("--mem")
            own = {h.pid: kernel_kb(f"/proc/{h.pid}/smaps_rollup", "Pss") for h in hogs}
            rows = [p for p in listing["processes"] if p["pid"] in own]
            self.assertEqual([p["pid"] for p in rows], [h.pid for h in reversed(hogs)])
            for p in rows:
                self.assertLessEqual(abs(p["pss"] - own[p["pid"]]), 0.02 * own[p["pid"]], p)
            # Largest Total Pss (Pss + SwapPss) first over the whole listing.
            total = [p["pss"] + p["swap_pss"] for p in listing["processes"]]
            self.assertEqual(total, sorted(total, reverse=True))
            self.assertGreater(listing["system"]["total"], 0)
            self.assertEqual(listing["system"]["total"], kernel_kb("/proc/meminfo", "MemTotal"))
        finally:
            for h in hogs:
                h.close()

    def test_sort_top_and_user(self):
        with Memhog() as hog:
            hog.cmd("threads 30 many")
            top = memsnap_json("--mem", "--sort", "threads", "--top", "1")["processes"]
            self.assertEqual(len(top), 1)
            self.assertGreaterEqual(top[0]["threads"], 31)
            mine = memsnap_json("--mem", "--user", str(os.getuid()))["processes"]
            self.assertIn(hog.pid, [p["pid"] for p in mine])
            self.assertTrue(all(p["uid"] == os.getuid() for p in mine))
            none = memsnap_json("--mem", "--user", "4000000")["processes"]
            self.assertEqual(none, [])

    def test_table_ends_with_system_block(self):
        r = memsnap("--mem", "--top", "3")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("System (/proc/meminfo):", r.stdout)
        self.assertIn("Total RAM:", r.stdout)
        self.assertIn("Kernel stack:", r.stdout)

    def test_options_of_the_listing_refused_with_a_pid(self):
        r = memsnap("--mem", "self", "--sort", "rss")
        self.assertEqual(r.returncode, 2)
        r = memsnap("--mem", "--user", "no-such-user-xyz")
        self.assertEqual(r.returncode, 2)
        self.assertIn("no user named", r.stderr)


class FixtureListing(unittest.TestCase):
    """tests/fixtures/all-procs: 1198 (ohos-app) and 5650 (android-app) copied from their
    trees, 2 a kernel thread (no Vm lines, no smaps_rollup), 4242 vanished (comm only), 4343 a
    directory where smaps_rollup should be, 4444 a malformed smaps_rollup. Expected totals are
    the awk sums of expected-rows.tsv of the source trees (tests/fixtures/README.md)."""

    def test_rows_skips_and_kernel_threads(self):
        listing = memsnap_json("--mem", "--proc-root", TREE)
        self.assertEqual([p["pid"] for p in listing["processes"]], [5650, 1198])
        for pid, tree in ((1198, "ohos-app"), (5650, "android-app")):
            total = read_tsv(fixture(tree, "expected-rows.tsv"))["total"]
            row = next(p for p in listing["processes"] if p["pid"] == pid)
            for key in ("pss", "rss", "swap", "swap_pss"):
                self.assertEqual(row[key], total[key], (pid, key))
            self.assertEqual(row["uss"], total["private_clean"] + total["private_dirty"])
        reasons = {s["pid"]: s["reason"] for s in listing["skipped"]}
        self.assertEqual(reasons, {4242: "gone", 4343: "malformed", 4444: "malformed"})
        self.assertEqual(listing["kernel_threads_left_out"], 1)
        self.assertEqual(listing["system"]["total"], kernel_kb(os.path.join(TREE, "meminfo"), "MemTotal"))
        with_all = memsnap_json("--mem", "--proc-root", TREE, "--all")
        self.assertIn(2, [p["pid"] for p in with_all["processes"]])

    def test_table_counts_skipped_by_reason(self):
        r = memsnap("--mem", "--proc-root", TREE)
        self.assertEqual(r.returncode, 0, r.stderr)
        # The PIDs of each reason, as the class docstring lists them.
        self.assertIn("3 could not be read: 1 gone (PID 4242), 2 malformed (PIDs 4343, 4444)",
                      r.stdout)
        self.assertIn("1 kernel threads left out", r.stdout)

    def test_size_headers_follow_the_unit(self):
        header = memsnap("--mem", "--proc-root", TREE).stdout.splitlines()[0].split()
        self.assertEqual(header[2:9], ["TotalPss(kB)", "Rss(kB)", "Uss(kB)", "Swap(kB)",
                                       "SwapPss(kB)", "Native(kB)", "JS(kB)"])
        # --human: each cell carries its unit ("2.9 MiB"), so the headers do not say kB.
        human = memsnap("--mem", "--proc-root", TREE, "--human").stdout.splitlines()
        self.assertEqual(human[0].split()[2:9], ["TotalPss", "Rss", "Uss", "Swap", "SwapPss", "Native", "JS"])
        self.assertRegex(human[1], r" (KiB|MiB|GiB) ")

    def test_fast_path_and_full_path_agree(self):
        fast = memsnap_json("--mem", "--proc-root", TREE)["processes"]
        full = memsnap_json("--mem", "--proc-root", TREE, "--categories")["processes"]
        self.assertEqual([p["pid"] for p in fast], [p["pid"] for p in full])
        for a, b in zip(fast, full):
            for key in ("pss", "rss", "uss", "swap", "swap_pss"):
                self.assertEqual(a[key], b[key], (a["pid"], key))
            self.assertNotIn("native_heap", a)
            self.assertIn("native_heap", b)
        # native = native heap row of the awk sums, js = ark ts heap + arkts-static heap.
        rows = read_tsv(fixture("ohos-app", "expected-rows.tsv"))
        ohos = next(p for p in full if p["pid"] == 1198)
        self.assertEqual(ohos["native_heap"], rows["native heap"]["pss"])
        self.assertEqual(ohos["js_heap"], rows["ark ts heap"]["pss"] + rows["arkts-static heap"]["pss"])

    def test_live_fast_and_full_agree_for_a_quiet_process(self):
        # Quiet: on private copies of its files (harness.PrivateMemhogs), so its Pss does not
        # move with processes that start or exit between the two listings.
        with tempfile.TemporaryDirectory() as d, Memhog(PrivateMemhogs(d).argv()) as hog:
            hog.cmd("brk 8")
            fast = [p for p in memsnap_json("--mem")["processes"] if p["pid"] == hog.pid][0]
            full = [p for p in memsnap_json("--mem", "--categories")["processes"] if p["pid"] == hog.pid][0]
            # smaps_rollup rounds its Pss once; the per-mapping sum rounds each mapping.
            self.assertLessEqual(abs(fast["pss"] - full["pss"]), 0.01 * fast["pss"] + 8)
            self.assertEqual(fast["rss"], full["rss"])

    def test_csv_parses_to_the_json_numbers(self):
        r = memsnap("--mem", "--proc-root", TREE, "--format", "csv")
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = list(csv.DictReader(io.StringIO(r.stdout)))
        js = memsnap_json("--mem", "--proc-root", TREE)["processes"]
        self.assertEqual([int(x["pid"]) for x in rows], [p["pid"] for p in js])
        for x, p in zip(rows, js):
            self.assertEqual(int(x["pss_kb"]), p["pss"])
            self.assertEqual(x["name"], p["name"])
            self.assertEqual(x["native_heap_kb"], "")


class TotalPss(unittest.TestCase):
    """Issue 16: the listing's Total Pss is Pss + SwapPss (hidumper's), sorted by it; --rules
    hidumper prints hidumper's no-PID layout. A copy of tests/fixtures/all-procs whose 1198 has
    SwapPss 9000 kB: by Pss alone 5650 (34884) comes before 1198 (31265), by Pss + SwapPss 1198
    (40265) before 5650 (37512). Expected numbers: awk over each smaps_rollup and meminfo;
    Total Pss by Category: tests/fixtures/expected_rules.py (written from the upstream rule
    text) over each smaps, Pss + SwapPss split by inode as hidumper's GetPssTotal splits it."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="memsnap-listing-")
        cls.tree = os.path.join(cls.tmp, "proc")
        shutil.copytree(TREE, cls.tree)
        rollup = os.path.join(cls.tree, "1198", "smaps_rollup")
        with open(rollup) as f:
            text = f.read()
        with open(rollup, "w") as f:
            f.write(re.sub(r"^SwapPss: +\d+ kB$", "SwapPss:            9000 kB", text, flags=re.M))
        # hidumper names a process by argv[0], its last path part when it has "/bin".
        with open(os.path.join(cls.tree, "1198", "cmdline"), "wb") as f:
            f.write(b"/system/bin/appspawn\0--mode\0")
        with open(os.path.join(cls.tree, "5650", "cmdline"), "wb") as f:
            f.write(b"com.example.android:remote extra\0")
        cls.names = {1198: "appspawn", 5650: "com.example.android:remote"}
        cls.total = {pid: awk_sum(os.path.join(cls.tree, str(pid), "smaps_rollup"), "Pss", "SwapPss")
                     for pid in (1198, 5650)}
        cls.swap_pss = {pid: awk_sum(os.path.join(cls.tree, str(pid), "smaps_rollup"), "SwapPss")
                        for pid in (1198, 5650)}
        cls.order = sorted(cls.total, key=lambda p: -cls.total[p])

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_sorted_by_pss_plus_swap_pss(self):
        self.assertEqual(self.order, [1198, 5650])  # the copy is made so that the two orders differ
        js = memsnap_json("--mem", "--proc-root", self.tree)["processes"]
        self.assertEqual([p["pid"] for p in js], self.order)
        for p in js:
            self.assertEqual(p["pss"] + p["swap_pss"], self.total[p["pid"]])
            self.assertEqual(p["swap_pss"], self.swap_pss[p["pid"]])
        lines = memsnap("--mem", "--proc-root", self.tree).stdout.splitlines()
        cells = {int(ln.split()[0]): int(ln.split()[2]) for ln in lines[1:3]}
        self.assertEqual(cells, self.total)
        total_row = next(ln for ln in lines if ln.split()[:1] == ["Total"])
        self.assertEqual(int(total_row.split()[1]), sum(self.total.values()))
        csv_rows = list(csv.DictReader(io.StringIO(
            memsnap("--mem", "--proc-root", self.tree, "--format", "csv").stdout)))
        self.assertEqual([int(r["pid"]) for r in csv_rows], self.order)
        self.assertEqual({int(r["pid"]): int(r["pss_kb"]) + int(r["swap_pss_kb"]) for r in csv_rows},
                         self.total)

    def meminfo(self):
        out = {}
        with open(os.path.join(self.tree, "meminfo")) as f:
            for line in f:
                key, _, rest = line.partition(":")
                out[key] = int(rest.split()[0])
        return out

    def test_hidumper_layout(self):
        r = memsnap("--mem", "--rules", "hidumper", "--proc-root", self.tree)
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.split("\n")
        # memory_info.cpp AddMemByProcessTitle: PID left in 5, Total Pss right in 30, the kB
        # columns right in 12, "    Name" left in 20, one space between.
        header = ("PID   " + "Total Pss(xxx in SwapPss)".rjust(30) + " " +
                  " ".join(c.rjust(12) for c in ("Total Vss", "Total Rss", "Total Uss", "GL",
                                                 "Graph", "Dma", "PurgSum", "PurgPin")) +
                  " " + "    Name".ljust(20))
        self.assertEqual(lines[0], "-" * 31 + "[memory]" + "-" * 31)
        self.assertEqual(lines[1], "Total Memory Usage by PID:")
        self.assertEqual(lines[2], header)

        def row_pids(start):
            return [int(ln[:5]) for ln in lines[start:start + 2]]
        self.assertEqual(row_pids(3), [1198, 5650])
        self.assertEqual(lines[5], "")
        self.assertEqual(lines[6], "Total Memory Usage by Size:")
        self.assertEqual(lines[7], header)
        self.assertEqual(row_pids(8), self.order)
        for ln in lines[3:5] + lines[8:10]:
            pid = int(ln[:5])
            self.assertEqual(ln[6:36], f"{self.total[pid]}({self.swap_pss[pid]} in SwapPss) kB".rjust(30))
            vss = kernel_kb(os.path.join(self.tree, str(pid), "status"), "VmSize")
            self.assertEqual(ln[37:49], f"{vss} kB".rjust(12))
            self.assertEqual(ln[37 + 8 * 13:].rstrip(), "    " + self.names[pid])
        self.assertEqual(lines[10:12], ["", ""])
        # No --categories: no Total Pss by Category; then the RAM block by get_ram_info.cpp's
        # formulas over the awk sums.
        m = self.meminfo()
        pss = sum(self.total.values()) - sum(self.swap_pss.values())
        swap_pss = sum(self.swap_pss.values())
        cached = m["Buffers"] + m["Cached"] + m.get("KReclaimable", 0) + m["SReclaimable"]
        if m.get("KReclaimable", 0):
            cached -= m["SReclaimable"]
        cached = max(cached - m["Mapped"], 0)
        kernel = m["Shmem"] + m["Slab"] + m["VmallocUsed"] + m["PageTables"] + m["KernelStack"]
        lost = m["MemTotal"] - ((pss - swap_pss) + m["MemFree"] + cached + kernel)
        self.assertEqual(lines[12:17], [
            f"      Total RAM:{m['MemTotal']} kB",
            f"       Free RAM:{cached + m['MemFree']} kB ({cached} cached + {m['MemFree']} free)",
            f"       Used RAM:{pss + kernel} kB ({pss} total pss + {kernel} kernel)",
            f"       Lost RAM:{lost} kB",
            ""])
        # No vmallocinfo in the tree: no Kernel Usage line, as hidumper when it cannot read it.
        self.assertEqual(lines[17:20], ["Total RAM by Category:",
                                        f"Processes Usage:{pss + swap_pss} kB", ""])
        self.assertEqual(lines[20:24], ["Total Purgeable:", "  Total PurgSum:0 kB",
                                        "  Total PurgPin:0 kB", ""])
        self.assertEqual(len(lines), 24)

    def expected_by_category(self, rules):
        """{(page tag, row): Pss + SwapPss} over both processes' smaps, by expected_rules.py."""
        out = {}
        for pid in (1198, 5650):
            row, inode = None, 0
            with open(os.path.join(self.tree, str(pid), "smaps")) as f:
                for line in f:
                    m = expected_rules.HEADER.match(line.rstrip("\n"))
                    if m:
                        inode, name = int(m[6]), m[7].lstrip(" ")
                        row = getattr(expected_rules, rules)(name, inode)
                        continue
                    key, _, rest = line.partition(":")
                    if key in ("Pss", "SwapPss") and rest.strip().endswith("kB"):
                        tag = "File-backed Page" if inode else "Anonymous Page"
                        name = "other" if row in ("AnonPage other", "FilePage other") else row
                        out[(tag, name)] = out.get((tag, name), 0) + int(rest.split()[0])
        return {k: v for k, v in out.items() if v}

    def test_hidumper_total_pss_by_category(self):
        r = memsnap("--mem", "--rules", "hidumper", "--categories", "--proc-root", self.tree)
        self.assertEqual(r.returncode, 0, r.stderr)
        text = r.stdout
        section = text[text.index("Total Pss by Category:\n"):text.index("      Total RAM:")]
        got, tags, tag = {}, {}, None
        for ln in section.splitlines()[1:]:
            m = re.fullmatch(r"(File-backed Page|Anonymous Page)\((\d+) kB\):", ln)
            if m:
                tag = m[1]
                tags[tag] = int(m[2])
                continue
            if not ln:
                continue
            m = re.fullmatch(r" *(\d+) kB : (.+)", ln)
            self.assertIsNotNone(m, ln)
            self.assertEqual(len(ln.split(" : ")[0]), 16, ln)  # RAM_WIDTH_, right-aligned
            got[(tag, m[2])] = int(m[1])
        want = self.expected_by_category("hidumper")
        self.assertEqual(got, want)
        for t in ("File-backed Page", "Anonymous Page"):
            self.assertEqual(tags[t], sum(v for (tt, _), v in want.items() if tt == t))
        # Largest first within each part.
        for t in tags:
            vals = [v for (tt, _), v in got.items() if tt == t]
            self.assertEqual(vals, sorted(vals, reverse=True))

    def test_memsnap_total_pss_by_category(self):
        js = memsnap_json("--mem", "--categories", "--proc-root", self.tree)
        got = {}
        text = memsnap("--mem", "--categories", "--proc-root", self.tree).stdout
        section = text[text.index("Total Pss by Category (Pss + SwapPss):\n"):text.index("\nSystem")]
        for ln in section.splitlines()[1:]:
            if ln.strip():
                m = re.fullmatch(r" *(\d+) kB : (.+)", ln)
                got[m[2]] = int(m[1])
        # expected_rules names AnonPage/FilePage other; here they are rows of their own.
        want = {}
        for pid in (1198, 5650):
            out = subprocess.run([sys.executable, os.path.join(FIXTURES, "expected_rules.py"),
                                  "memsnap", "rows", os.path.join(self.tree, str(pid), "smaps")],
                                 capture_output=True, text=True, check=True).stdout.splitlines()
            cols = out[0].split("\t")
            for ln in out[1:]:
                f = ln.split("\t")
                if f[0] == "total":
                    continue
                v = int(f[cols.index("pss")]) + int(f[cols.index("swap_pss")])
                if v:
                    want[f[0]] = want.get(f[0], 0) + v
        self.assertEqual(got, want)
        cats = js["total_pss_by_category"]
        self.assertEqual(sum(c["total_pss"] for c in cats.values()), sum(want.values()))


def starttimes():
    """{pid: (starttime, comm)} of every live process that is not a zombie (stat fields 22, 2
    and 3), to tell the processes that lived through a test from those that came, went, exited
    (a zombie is skipped by the listing), exec'd or reused a PID meanwhile."""
    out = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    text = f.read()
                comm, rest = text.split("(", 1)[1].rsplit(")", 1)
                fields = rest.split()
                if fields[0] != "Z":
                    out[int(d)] = (fields[19], comm)
            except (OSError, IndexError, ValueError):
                pass
    return out


class Jobs(unittest.TestCase):
    """Issue 20: --jobs N reads processes on N threads; the output is the same whatever N."""

    @classmethod
    def setUpClass(cls):
        # A directory tree copied from this machine's /proc (every process readable now, with
        # status, stat, cmdline, smaps_rollup and smaps), plus the broken processes of
        # tests/fixtures/all-procs (a kernel thread, one gone, two malformed), so that skips
        # and their PID order are compared too.
        cls.tmp = tempfile.mkdtemp(prefix="memsnap-jobs-")
        cls.tree = os.path.join(cls.tmp, "proc")
        os.makedirs(cls.tree)
        shutil.copy("/proc/meminfo", cls.tree)
        # At least 24 processes to spread over the workers, on a machine (a CI container) that
        # runs few: sleepers, copied with the rest and stopped once the tree is written.
        sleepers = [subprocess.Popen(["sleep", "120"]) for _ in range(24)]
        for d in os.listdir("/proc"):
            if not d.isdigit():
                continue
            files = {}
            try:
                for name in ("status", "stat", "cmdline", "smaps_rollup", "smaps"):
                    with open(f"/proc/{d}/{name}", "rb") as f:
                        files[name] = f.read()
            except OSError:
                continue  # gone, or a kernel thread without smaps_rollup
            os.makedirs(os.path.join(cls.tree, d))
            for name, data in files.items():
                with open(os.path.join(cls.tree, d, name), "wb") as f:
                    f.write(data)
        for p in sleepers:
            p.kill()
            p.wait()
        for pid in ("2", "4242", "4343", "4444"):
            shutil.rmtree(os.path.join(cls.tree, pid), ignore_errors=True)
            shutil.copytree(os.path.join(TREE, pid), os.path.join(cls.tree, pid))
        cls.npids = sum(1 for d in os.listdir(cls.tree) if d.isdigit())

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def run_bytes(self, *args):
        r = subprocess.run([MEMSNAP, "--mem", "--proc-root", self.tree, *args], capture_output=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_same_bytes_on_a_captured_tree(self):
        self.assertGreater(self.npids, 20)
        for args in ((), ("--categories",), ("--rules", "hidumper", "--categories"),
                     ("--format", "json"), ("--format", "csv", "--categories"),
                     ("--sort", "threads", "--all")):
            one = self.run_bytes("--jobs", "1", *args)
            for n in ("2", "4", "64"):
                self.assertEqual(self.run_bytes("--jobs", n, *args), one, (n, args))
            self.assertEqual(self.run_bytes(*args), one, ("default", args))
        listing = json.loads(self.run_bytes("--jobs", "4", "--format", "json"))
        skipped = [(s["pid"], s["reason"]) for s in listing["skipped"]]
        self.assertEqual(skipped, [(4242, "gone"), (4343, "malformed"), (4444, "malformed")])
        self.assertEqual(len(listing["processes"]) + len(skipped) + listing["kernel_threads_left_out"],
                         self.npids)

    def test_same_processes_live(self):
        with Memhog() as hog:
            hog.cmd("brk 8")
            before = starttimes()
            one = memsnap_json("--mem", "--jobs", "1")
            four = memsnap_json("--mem", "--jobs", "4")
            after = starttimes()
        stable = {p for p, t in before.items() if after.get(p) == t}
        self.assertIn(hog.pid, stable)
        for key in ("processes", "skipped"):
            a = {p["pid"] for p in one[key]} & stable
            b = {p["pid"] for p in four[key]} & stable
            where = {p: [(k, n, e.get("reason", "")) for n, run in (("jobs 1", one), ("jobs 4", four))
                         for k in ("processes", "skipped") for e in run[k] if e["pid"] == p]
                     for p in a ^ b}
            self.assertEqual(a, b, (key, where, {p: before.get(p) for p in a ^ b}))
        self.assertIn(hog.pid, {p["pid"] for p in four["processes"]})
        pids = [s["pid"] for s in four["skipped"]]
        self.assertEqual(pids, sorted(pids))

    def test_jobs_is_for_the_listing(self):
        r = memsnap("--mem", "self", "--jobs", "2")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--jobs", r.stderr)
        self.assertEqual(memsnap("--mem", "--jobs", "0").returncode, 2)



class SystemCalls(unittest.TestCase):
    def test_a_process_costs_an_open_a_read_and_a_close_per_file(self):
        # status and smaps_rollup are single-record procfs files (procfs/source.cpp): no fstat
        # after the open and no read of 0 bytes at the end. strace -f with --jobs 1 (one
        # thread: no call split in the trace) maps each read to its file by descriptor.
        if shutil.which("strace") is None:
            self.skipTest("strace not installed (scripts/setup.sh installs it)")
        with Memhog() as h, tempfile.TemporaryDirectory() as d:
            trace = os.path.join(d, "trace")
            r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat,read,fstat,newfstatat,close",
                                "-o", trace, MEMSNAP, "--mem", "--jobs", "1"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            calls = {}  # file -> [call names], in order
            fd_file = {}
            with open(trace) as f:
                for row in f:
                    m = re.search(rf'openat\(AT_FDCWD, "/proc/{h.pid}/(status|smaps_rollup)", .*\) = (\d+)', row)
                    if m:
                        fd_file[int(m.group(2))] = m.group(1)
                        calls.setdefault(m.group(1), []).append("open")
                        continue
                    m = re.search(r"\b(read|fstat|newfstatat|close)\((\d+)[,)]", row)
                    if m and int(m.group(2)) in fd_file:
                        calls[fd_file[int(m.group(2))]].append(m.group(1))
                        if m.group(1) == "close":
                            del fd_file[int(m.group(2))]
            self.assertEqual(calls, {"status": ["open", "read", "close"],
                                     "smaps_rollup": ["open", "read", "close"]})

    def test_a_kernel_thread_costs_a_failed_rollup_and_a_stat(self):
        # A kernel thread (PF_KTHREAD, 0x00200000, in stat's flags, field 9) is told by its
        # smaps_rollup failing and its stat; its status (four times the cost) is not read.
        if shutil.which("strace") is None:
            self.skipTest("strace not installed (scripts/setup.sh installs it)")

        def kernel_threads():
            found = set()
            for d in os.listdir("/proc"):
                try:
                    with open(f"/proc/{d}/stat") as f:
                        if d.isdigit() and int(f.read().rsplit(")", 1)[1].split()[6]) & 0x00200000:
                            found.add(int(d))
                except (OSError, ValueError, IndexError):
                    pass
            return found
        kthreads = kernel_threads()
        if not kthreads:
            self.skipTest("no kernel thread in this /proc (a container's PID namespace)")
        with tempfile.TemporaryDirectory() as d:
            trace = os.path.join(d, "trace")
            r = subprocess.run(["strace", "-f", "-qq", "-e", "trace=openat", "-o", trace, MEMSNAP,
                                "--mem", "--jobs", "1", "--format", "json"],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            opened = {}
            with open(trace) as f:
                for row in f:
                    m = re.search(r'openat\(AT_FDCWD, "/proc/(\d+)/(\w+)"', row)
                    if m and int(m.group(1)) in kthreads:
                        opened.setdefault(int(m.group(1)), []).append(m.group(2))
            # Kernel threads come and go (kworkers): the ones there before and after memsnap.
            stable = kthreads & kernel_threads()
            self.assertLessEqual(stable, set(opened))
            self.assertEqual({tuple(opened[p]) for p in stable}, {("smaps_rollup", "stat")}, opened)
            self.assertGreaterEqual(json.loads(r.stdout)["kernel_threads_left_out"], len(stable))


class PermissionDenied(unittest.TestCase):
    def test_the_table_names_the_pids(self):
        # As nobody, every process of another user is unreadable (PID 1 at least). Each PID the
        # table names must be one nobody does not own (stat of /proc/PID, read here).
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                            os.path.abspath(MEMSNAP), "--mem"], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stderr)
        m = re.search(r"(\d+) permission denied \(PIDs? ([\d, ]+?)(?: and (\d+) more)?\)", r.stdout)
        self.assertIsNotNone(m, r.stdout[-300:])
        total, named = int(m.group(1)), [int(p) for p in m.group(2).split(", ")]
        self.assertEqual(len(named), min(total, 10))
        self.assertEqual(total, len(named) + int(m.group(3) or 0))
        self.assertEqual(named, sorted(named))
        self.assertEqual(named[0], 1, "init is root's")
        for pid in named:
            try:
                self.assertNotEqual(os.stat(f"/proc/{pid}").st_uid, 65534, pid)
            except FileNotFoundError:
                pass  # exited since


if __name__ == "__main__":
    unittest.main()
