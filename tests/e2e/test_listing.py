"""`memsnap --mem` with no PID: every process, largest first, and the system's totals."""
import csv
import io
import os
import re
import subprocess

from harness import MEMSNAP, Memhog, fixture, kernel_kb, memsnap, memsnap_json, read_tsv, unittest

TREE = fixture("all-procs")


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
            # Largest first over the whole listing.
            pss = [p["pss"] for p in listing["processes"]]
            self.assertEqual(pss, sorted(pss, reverse=True))
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
        self.assertEqual(header[2:9], ["Pss(kB)", "Rss(kB)", "Uss(kB)", "Swap(kB)", "SwapPss(kB)",
                                       "Native(kB)", "JS(kB)"])
        # --human: each cell carries its unit ("2.9 MiB"), so the headers do not say kB.
        human = memsnap("--mem", "--proc-root", TREE, "--human").stdout.splitlines()
        self.assertEqual(human[0].split()[2:9], ["Pss", "Rss", "Uss", "Swap", "SwapPss", "Native", "JS"])
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
        with Memhog() as hog:
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


if __name__ == "__main__":
    unittest.main()


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
