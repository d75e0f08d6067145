"""`memsnap --mem PID --proc-root TREE` on the captured and hand-made fixture trees.

The expected numbers are NOT computed by memsnap: tests/fixtures/expected_rules.py implements the
category rules independently in Python and wrote tests/fixtures/<tree>/expected-rows.tsv and
expected-native.tsv (regenerate with tests/fixtures/make-expected.sh; see
tests/fixtures/README.md). Every row is compared exactly. The script knows the name rules only, so
memsnap runs with --no-infer (shape inference is tested in test_infer.py)."""
import glob
import os

from harness import FIXTURES, memsnap, memsnap_json, read_tsv, unittest

COLUMNS = ["pss", "shared_clean", "shared_dirty", "private_clean", "private_dirty", "swap",
           "swap_pss"]


def trees():
    """(tree dir, pid) of every fixture tree that has expected rows."""
    out = []
    for expected in sorted(glob.glob(os.path.join(FIXTURES, "*", "expected-rows.tsv"))):
        tree = os.path.dirname(expected)
        pids = [d for d in os.listdir(tree) if d.isdigit() and
                os.path.exists(os.path.join(tree, d, "smaps"))]
        if len(pids) == 1:
            out.append((tree, pids[0]))
    return out


def table_rows(text, section_start=None):
    """Parses a memsnap table into {row name: [7 numbers]}: the main table's rows (name in the
    first 17 columns), or with section_start the "name: numbers" rows after that line."""
    rows = {}
    lines = text.splitlines()
    if section_start is None:
        for line in lines:
            if line == "native heap:":
                break
            cells = line[17:].split()
            if len(cells) == 10 and all(c.isdigit() for c in cells[:7]):
                rows[line[:17].strip()] = [int(c) for c in cells[:7]]
        return rows
    for line in lines[lines.index(section_start) + 1:]:
        if not line.strip():
            break
        name, _, rest = line.partition(":")
        rows[name.strip()] = [int(c) for c in rest.split()[:7]]
    return rows


class FixtureTrees(unittest.TestCase):
    def test_there_are_fixture_trees(self):
        names = {os.path.basename(t) for t, _ in trees()}
        self.assertTrue({"linux-real", "ohos-app", "android-app"} <= names, names)

    def test_rows_equal_the_awk_sums(self):
        for tree, pid in trees():
            with self.subTest(tree=os.path.basename(tree)):
                expected = read_tsv(os.path.join(tree, "expected-rows.tsv"))
                r = memsnap("--mem", pid, "--proc-root", tree, "--no-infer")
                self.assertEqual(r.returncode, 0, r.stderr)
                got = table_rows(r.stdout)
                for name, cells in got.items():
                    if name == "Total":
                        continue
                    want = expected.get(name)
                    if want is None:
                        self.assertEqual(cells, [0] * 7, name)
                    else:
                        self.assertEqual(cells, [want[c] for c in COLUMNS], name)
                for name in expected:
                    if name != "total":
                        self.assertIn(name, got, f"row {name} missing from the table")
                total = expected["total"]
                want_total = [total[c] for c in COLUMNS]
                want_total[0] += total["swap_pss"]  # hidumper: Pss Total = Pss + SwapPss
                self.assertEqual(got["Total"], want_total)
                snap = memsnap_json("--mem", pid, "--proc-root", tree, "--no-infer")
                self.assertEqual(snap["total"]["size"], total["size"])
                self.assertEqual(snap["total"]["rss"], total["rss"])

    def test_native_heap_breakdown_equals_the_awk_sums(self):
        for tree, pid in trees():
            path = os.path.join(tree, "expected-native.tsv")
            if not os.path.exists(path):
                continue
            with self.subTest(tree=os.path.basename(tree)):
                expected = read_tsv(path)
                r = memsnap("--mem", pid, "--proc-root", tree, "--no-infer")
                got = table_rows(r.stdout, "native heap:")
                self.assertEqual(set(got), set(expected))
                for name, cells in got.items():
                    self.assertEqual(cells, [expected[name][c] for c in COLUMNS], name)

    def test_lone_smaps_file_classifies_the_same(self):
        for tree, pid in trees():
            with self.subTest(tree=os.path.basename(tree)):
                from_tree = memsnap_json("--mem", pid, "--proc-root", tree)
                lone = memsnap_json("--smaps", os.path.join(tree, pid, "smaps"))
                self.assertEqual(lone["categories"], from_tree["categories"])
                with open(os.path.join(tree, pid, "smaps")) as f:
                    piped = memsnap("--smaps", "-", "--format", "json", input=f.read())
                self.assertEqual(piped.returncode, 0, piped.stderr)

    def test_status_fields_come_from_the_tree(self):
        for tree, pid in trees():
            with self.subTest(tree=os.path.basename(tree)):
                snap = memsnap_json("--mem", pid, "--proc-root", tree)
                with open(os.path.join(tree, pid, "status")) as f:
                    status = dict(l.split(":", 1) for l in f.read().splitlines() if ":" in l)
                self.assertEqual(snap["name"], status["Name"].strip())
                self.assertEqual(snap["status"]["vm_rss"], int(status["VmRSS"].split()[0]))
                with open(os.path.join(tree, pid, "stat")) as f:
                    starttime = int(f.read().rsplit(")", 1)[1].split()[19])
                self.assertEqual(snap["starttime"], starttime)


class MalformedTrees(unittest.TestCase):
    def make_tree(self, files):
        import tempfile
        import shutil
        root = tempfile.mkdtemp(prefix="memsnap-bad-")
        self.addCleanup(shutil.rmtree, root)
        os.makedirs(os.path.join(root, "77"))
        for name, text in files.items():
            with open(os.path.join(root, "77", name), "w") as f:
                f.write(text)
        return root

    def test_malformed_status_names_file_and_line(self):
        root = self.make_tree({"smaps": "", "status": "Name:\tx\nVmRSS:\tlots kB\n"})
        r = memsnap("--mem", "77", "--proc-root", root)
        self.assertEqual(r.returncode, 5)
        self.assertEqual(r.stderr, f"memsnap: {root}/77/status:2: bad number for VmRSS\n")

    def test_malformed_stat(self):
        root = self.make_tree({"smaps": "", "stat": "77 (x) S 1 2\n"})
        r = memsnap("--mem", "77", "--proc-root", root)
        self.assertEqual(r.returncode, 5)
        self.assertEqual(r.stderr, f"memsnap: {root}/77/stat:1: fewer than 22 fields\n")

    def test_malformed_smaps(self):
        root = self.make_tree({"smaps": "00400000-00401000 r--p 00000000 00:00 0\nRss: 4 kB\ngarbage\n"})
        r = memsnap("--mem", "77", "--proc-root", root)
        self.assertEqual(r.returncode, 5)
        self.assertEqual(r.stderr, f"memsnap: {root}/77/smaps:3: expected 'Key: value'\n")
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
