"""`--rules hidumper|dumpsys|memsnap` on the fixture trees.

The expected rows are NOT computed by memsnap: tests/fixtures/expected_rules.py implements each
rule set from its upstream text (hiview's memory collector, libmeminfo's androidprocheaps) and
wrote tests/fixtures/<tree>/expected-rows-<rules>.tsv (make-expected.sh). rule-names/ has one
mapping per rule of every set and their conflicts. The layout of `--rules hidumper` is compared
line by line, in shape, with a published hidumper output (tests/fixtures/hidumper-mem-output.txt,
a copy of shared/reference/hidumper-mem-output.txt)."""
import json
import os
import re
import tempfile

from harness import FIXTURES, memsnap, read_tsv, unittest

COLUMNS = ["pss", "shared_clean", "shared_dirty", "private_clean", "private_dirty", "swap",
           "swap_pss"]
TREES = {"ohos-app": "1198", "android-app": "5650", "linux-real": "6603", "rule-names": "4242"}
# Rows each set prints even without mappings (hidumper: memory_info.cpp; dumpsys: ActivityThread).
ALWAYS = {"hidumper": {"GL", "Graph", "FilePage other"},
          "dumpsys": {"Native Heap", "Dalvik Heap", "Unknown"}}
ROW = re.compile(r"^(.*?\S) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\d+) +(\S+) +(\S+) +(\S+)$")


def table(text):
    """The main table's rows in order: [(name, [7 numbers], line)] up to the Total row."""
    rows = []
    for line in text.splitlines():
        m = ROW.match(line)
        if m:
            rows.append((m[1].strip(), [int(m[i]) for i in range(2, 9)], line))
            if m[1].strip() == "Total":
                break
    return rows


def section(text, title):
    """The "name: numbers" rows after the line `title`, up to a blank line."""
    lines = text.splitlines()
    out = []
    for line in lines[lines.index(title) + 1:]:
        if not line.strip():
            break
        name, _, rest = line.partition(":")
        out.append((name.strip(), [int(c) for c in rest.split()[:7]], line))
    return out


class RuleSets(unittest.TestCase):
    def run_rules(self, tree, rules):
        r = memsnap("--mem", TREES[tree], "--proc-root", os.path.join(FIXTURES, tree),
                    "--rules", rules, "--no-infer")
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_rows_equal_the_independent_script(self):
        for tree in TREES:
            for rules in ("hidumper", "dumpsys", "memsnap"):
                with self.subTest(tree=tree, rules=rules):
                    suffix = "" if rules == "memsnap" else "-" + rules
                    expected = read_tsv(os.path.join(FIXTURES, tree, f"expected-rows{suffix}.tsv"))
                    rows = table(self.run_rules(tree, rules))
                    got = {name: cells for name, cells, _ in rows}
                    for name, want in expected.items():
                        if name == "total":
                            continue
                        self.assertIn(name, got, f"row {name} missing")
                        self.assertEqual(got[name], [want[c] for c in COLUMNS], name)
                    total = [expected["total"][c] for c in COLUMNS]
                    total[0] += expected["total"]["swap_pss"]  # Pss Total = Pss + SwapPss
                    self.assertEqual(got["Total"], total)
                    if rules != "memsnap":
                        # Exactly the rows with mappings, plus the ones always printed, in the
                        # set's order (the script writes its rows in that order).
                        printed = [n for n, _, _ in rows if n != "Total"]
                        want = set(expected) - {"total"} | ALWAYS[rules]
                        if rules == "hidumper" and "FilePage other" in expected:
                            want.add("AnonPage other")  # the "other" class has mappings
                        self.assertEqual(set(printed), want)
                        order = [n for n in expected if n != "total"]
                        self.assertEqual([n for n in printed if n in order], order)

    def test_hidumper_native_heap_sub_rows_in_fixed_order(self):
        for tree in ("ohos-app", "rule-names", "linux-real"):
            with self.subTest(tree=tree):
                expected = read_tsv(os.path.join(FIXTURES, tree, "expected-native-hidumper.tsv"))
                got = section(self.run_rules(tree, "hidumper"), "native heap:")
                self.assertEqual([n for n, _, _ in got], list(expected))
                for name, cells, line in got:
                    self.assertEqual(cells, [expected[name][c] for c in COLUMNS], name)
                    self.assertTrue(line.endswith("0              0              0"), line)

    def test_so_rows_by_hand(self):
        # Worked out by hand from handmade.py's RULE_NAMES (mapping i has 4*(i+1) kB resident,
        # private clean when file-backed, private dirty when not; Swap 4 / SwapPss 2 when i % 5
        # == 0): 66 libace.z.so 268, 67 and 68 unnamed right after it 272 and 276, 69 unnamed
        # after a gap 280, 70 ld-musl-aarch64.so.1 284 (swap), 71 libstdc++.so.6.0.30 288,
        # 72 .../libentry.so (deleted) 292, 73 ".../libtrail.so  " 296, 74 unnamed after it
        # 300, 75 /dev/shm/libx.so 304 (swap).
        want = {
            # dumpsys: ".so" (after " (deleted)" goes) and the two bss neighbours.
            "dumpsys": (".so mmap", [268 + 272 + 276 + 292 + 304, 0, 0, 268 + 292 + 304,
                                     272 + 276, 4, 2]),
            # hidumper: .so, .so.1, and libtrail once trailing spaces go; libentry (deleted) is
            # under /data/storage (.hap) and libstdc++.so.6.0.30 is "other".
            "hidumper": (".so", [268 + 284 + 296 + 304, 0, 0, 268 + 284 + 296 + 304, 0, 8, 4]),
            # memsnap: hidumper's plus versioned and deleted libraries.
            "memsnap": (".so", [268 + 284 + 288 + 292 + 296 + 304, 0, 0,
                                268 + 284 + 288 + 292 + 296 + 304, 0, 8, 4]),
        }
        for rules, (row, cells) in want.items():
            with self.subTest(rules=rules):
                out = self.run_rules("rule-names", rules)
                self.assertEqual({n: c for n, c, _ in table(out)}[row], cells)
                self.assertEqual("native heap:" in out, rules != "dumpsys")

    def test_hidumper_layout_matches_the_published_output_in_shape(self):
        ref_path = os.path.join(FIXTURES, "hidumper-mem-output.txt")
        with open(ref_path) as f:
            ref = [l.rstrip("\n") for l in f if not l.startswith("#")]
        while ref and not ref[0].strip():
            ref.pop(0)
        out = self.run_rules("ohos-app", "hidumper").splitlines()
        # The lines before the first row (title, blank, three header lines, rule): identical.
        first_row = next(i for i, l in enumerate(ref) if ROW.match(l))
        self.assertEqual(out[:first_row], ref[:first_row])

        def ends(line):
            return [m.end() for m in re.finditer(r"\S+", line[17:])]

        ref_rows = {n: l for n, _, l in table("\n".join(ref))}
        got_rows = table("\n".join(out))
        # The same rows in the same order (ohos-app has a dmabuf row the published app has not,
        # and no arkweb-js heap), each right-aligned to the same columns.
        common = [n for n, _, _ in got_rows if n in ref_rows]
        self.assertEqual(common, [n for n in ref_rows if n in common])
        self.assertGreaterEqual(len(common), 15)
        for name, _, line in got_rows:
            self.assertEqual(len(line), len(ref_rows["Total"]), name)
            self.assertEqual(ends(line), ends(ref_rows["GL"]), name)
            self.assertEqual(line[:17].strip(), name)
            self.assertEqual(line[:17], name.rjust(17))
        # The rule line above Total, as long as the rows.
        total_at = next(i for i, l in enumerate(out) if l.lstrip().startswith("Total "))
        ref_total = next(i for i, l in enumerate(ref) if l.lstrip().startswith("Total "))
        self.assertEqual(out[total_at - 1], ref[ref_total - 1])
        # native heap: sub-rows right-aligned to the reference's sub-row columns.
        ref_sub = {n: l for n, _, l in section("\n".join(ref), "native heap:")}
        for name, _, line in section("\n".join(out), "native heap:"):
            self.assertEqual([m.end() for m in re.finditer(r"\S+", line)][-10:],
                             [m.end() for m in re.finditer(r"\S+", ref_sub["jemalloc meta"])][-10:],
                             name)
            self.assertEqual(line.index(":") , 15, name)
        # Then Purgeable and DMA, line by line with the numbers as N.
        def shape(lines):
            return [re.sub(r"\d+", "N", l) for l in lines]
        start = out.index("Purgeable:") - 1
        ref_start = ref.index("Purgeable:") - 1
        self.assertEqual(shape(out[start:]), shape(ref[ref_start:ref_start + len(out) - start]))
        self.assertEqual(out[-1], "            Dma:0 kB")

    def test_rules_recorded_in_the_snapshot_and_diff_refuses_a_mix(self):
        tree = os.path.join(FIXTURES, "ohos-app")
        with tempfile.TemporaryDirectory() as d:
            paths = {}
            for rules in ("hidumper", "memsnap", "dumpsys"):
                paths[rules] = os.path.join(d, rules + ".json")
                r = memsnap("snapshot", "1198", "--proc-root", tree, "--rules", rules, "-o",
                            paths[rules])
                self.assertEqual(r.returncode, 0, r.stderr)
                with open(paths[rules]) as f:
                    snap = json.load(f)
                self.assertEqual(snap["rules"], rules)
                # The table of a stored snapshot uses the rule set it was made with.
            r = memsnap("diff", paths["hidumper"], paths["hidumper"])
            self.assertEqual(r.returncode, 0, r.stderr)
            r = memsnap("diff", paths["hidumper"], paths["memsnap"])
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertIn("different rule sets", r.stderr)
            self.assertIn("--rules hidumper", r.stderr)
            self.assertIn("--rules memsnap", r.stderr)
            # A snapshot without the field (older memsnap) is memsnap's; an unknown name is
            # malformed input naming the field.
            with open(paths["memsnap"]) as f:
                snap = json.load(f)
            del snap["rules"]
            old = os.path.join(d, "old.json")
            with open(old, "w") as f:
                json.dump(snap, f)
            self.assertEqual(memsnap("diff", old, paths["memsnap"]).returncode, 0)
            snap["rules"] = "nosuch"
            with open(old, "w") as f:
                json.dump(snap, f)
            r = memsnap("diff", old, paths["memsnap"])
            self.assertEqual(r.returncode, 5, r.stderr)
            self.assertIn("rules", r.stderr)

    def test_bad_rules_value_is_a_usage_error(self):
        r = memsnap("--mem", "1198", "--proc-root", os.path.join(FIXTURES, "ohos-app"),
                    "--rules", "toybox")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--rules", r.stderr)


if __name__ == "__main__":
    unittest.main()
