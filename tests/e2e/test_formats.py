"""--format csv and --format prom read back by real consumers (Python's csv module, Prometheus's
own promtool) to the same numbers as the JSON output and as the fixtures' awk sums; --human's
KiB/MiB/GiB cells; colour only on a terminal.

Expected numbers: the fixture trees' expected-rows.tsv (worked out by tests/fixtures/expected_rules.py,
not by memsnap), and for live processes the JSON output of the same binary (kB; Prometheus
values must be exactly kB * 1024)."""
import csv
import glob
import io
import json
import os
import pty
import re
import select
import shutil
import subprocess
import tempfile
import time

from harness import (FIXTURES, MEMSNAP, Memhog, PrivateMemhogs, memsnap, memsnap_json, read_tsv,
                     unittest)

COUNTERS = ["pss", "rss", "size", "shared_clean", "shared_dirty", "private_clean",
            "private_dirty", "swap", "swap_pss"]

# Table row names (shared/reference/categories.md) and the JSON/CSV keys they are written as.
ROW_KEYS = {"GL": "gl", "Graph": "graph", "ark ts heap": "ark_ts_heap",
            "arkts-static heap": "arkts_static_heap", "guard": "guard",
            "native heap": "native_heap", ".hap": "hap", "AnonPage other": "anon_other",
            "stack": "stack", ".db": "db", ".so": "so", "dev": "dev", "dmabuf": "dmabuf",
            ".ttf": "ttf", "arkweb-pa heap": "arkweb_pa_heap", "dalvik heap": "dalvik_heap",
            "FilePage other": "file_other", "jsvm heap": "jsvm_heap",
            "arkweb-js heap": "arkweb_js_heap", "kotlin heap": "kotlin_heap",
            "rn-hermes heap": "rn_hermes_heap", "dart heap": "dart_heap"}


def fixture_trees():
    """(tree, pid) of every fixture tree with expected rows."""
    out = []
    for expected in sorted(glob.glob(os.path.join(FIXTURES, "*", "expected-rows.tsv"))):
        tree = os.path.dirname(expected)
        pids = [d for d in os.listdir(tree) if d.isdigit()]
        if len(pids) == 1:
            out.append((tree, pids[0]))
    if not out:
        raise AssertionError(f"no fixture trees under {FIXTURES}")
    return out


def run_ok(*args):
    r = memsnap(*args)
    if r.returncode != 0:
        raise AssertionError(f"memsnap {args} exited {r.returncode}: {r.stderr}")
    return r.stdout


def read_csv(text):
    """Parses CSV text with Python's csv module; returns (header, list of dict rows)."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    return rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]


# A sample line of the Prometheus text format: name{labels} value.
PROM_SAMPLE = re.compile(r'^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$')
PROM_LABEL = re.compile(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"')


def unescape_label(v):
    return re.sub(r'\\(.)', lambda m: {"n": "\n"}.get(m.group(1), m.group(1)), v)


def parse_prom(text):
    """{(name, frozenset(labels)): value} and the family order, checking on the way that every
    family has one HELP and one TYPE line before its samples and that its samples are together."""
    samples, families, seen_type, current = {}, [], {}, None
    for line in text.splitlines():
        if line.startswith("# HELP "):
            name = line.split()[2]
            if name in families:
                raise AssertionError(f"second HELP for {name}")
            families.append(name)
            current = name
        elif line.startswith("# TYPE "):
            _, _, name, kind = line.split()
            if name in seen_type or name != current:
                raise AssertionError(f"TYPE line for {name} out of place")
            seen_type[name] = kind
        else:
            m = PROM_SAMPLE.match(line)
            if not m:
                raise AssertionError(f"not a sample line: {line!r}")
            name, labels, value = m.groups()
            if name != current:
                raise AssertionError(f"sample of {name} outside its family (in {current})")
            labels = frozenset((k, unescape_label(v)) for k, v in PROM_LABEL.findall(labels or ""))
            key = (name, labels)
            if key in samples:
                raise AssertionError(f"duplicate sample {key}")
            samples[key] = float(value)
    if set(seen_type) != set(families):
        raise AssertionError("a family without TYPE")
    return samples, families, seen_type


def promtool_check(testcase, text):
    promtool = shutil.which("promtool")
    if promtool is None:
        raise AssertionError("promtool is missing: run scripts/setup.sh (Debian package prometheus)")
    r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                       text=True, timeout=60)
    testcase.assertEqual(r.returncode, 0, r.stdout + r.stderr)
    # promtool also prints lint problems (naming conventions) while exiting 0.
    testcase.assertEqual(r.stdout + r.stderr, "")


class Csv(unittest.TestCase):
    def test_fixtures_against_awk_sums_and_json(self):
        for tree, pid in fixture_trees():
            with self.subTest(tree=os.path.basename(tree)):
                header, rows = read_csv(run_ok("--mem", pid, "--proc-root", tree, "--no-infer", "--format", "csv"))
                self.assertEqual(header, ["pid", "name", "category"] +
                                 [c + "_kb" for c in COUNTERS])
                by_key = {r["category"]: r for r in rows}
                self.assertEqual(len(by_key), len(rows), "one row per category")
                expected = read_tsv(os.path.join(tree, "expected-rows.tsv"))
                for row, counters in expected.items():
                    if row == "total":
                        continue
                    for col, value in counters.items():
                        self.assertEqual(int(by_key[ROW_KEYS[row]][col + "_kb"]), value,
                                         f"{row} {col}")
                # Rows the awk does not list are zero; the rows add up to the total.
                for key, r in by_key.items():
                    if key not in {ROW_KEYS[n] for n in expected if n != "total"}:
                        self.assertEqual(int(r["pss_kb"]), 0, key)
                self.assertEqual(sum(int(r["pss_kb"]) for r in rows), expected["total"]["pss"])
                snap = memsnap_json("--mem", pid, "--proc-root", tree, "--no-infer")
                self.assertEqual(list(by_key), list(snap["categories"]))
                for key, counters in snap["categories"].items():
                    for c in COUNTERS:
                        self.assertEqual(int(by_key[key][c + "_kb"]), counters[c], f"{key} {c}")

    def test_live_processes_one_header(self):
        with Memhog() as a, Memhog() as b:
            a.cmd("malloc 8")
            # A name the CSV must quote: a comma and a double quote.
            b.cmd('comm ms,"quoted"')
            text = run_ok("--mem", a.pid, b.pid, "--format", "csv")
            self.assertEqual(text.count("pid,name,category"), 1)
            self.assertIn('"ms,""quoted"""', text)
            _, rows = read_csv(text)
            names = {r["pid"]: r["name"] for r in rows}
            self.assertEqual(names[str(b.pid)], 'ms,"quoted"')
            snap = memsnap_json("--mem", a.pid)
            native = [r for r in rows if r["pid"] == str(a.pid) and r["category"] == "native_heap"]
            # The process is idle between the two reads: its heap has not moved.
            self.assertEqual(int(native[0]["private_dirty_kb"]),
                             snap["categories"]["native_heap"]["private_dirty"])
            self.assertGreaterEqual(int(native[0]["private_dirty_kb"]), 8 * 1024)

    def test_snapshot_csv_and_append_refused(self):
        with Memhog() as hog, tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "s.csv")
            r = memsnap("snapshot", hog.pid, "--format", "csv", "-o", out)
            self.assertEqual((r.returncode, r.stderr), (0, ""))
            with open(out, newline="") as f:
                _, rows = read_csv(f.read())
            self.assertEqual(len(rows), len(memsnap_json("--mem", hog.pid)["categories"]))
            r = memsnap("snapshot", hog.pid, "--format", "csv", "--append", out)
            self.assertEqual(r.returncode, 2)
            self.assertIn("--append", r.stderr)

    def test_diff_csv_matches_diff_json(self):
        with Memhog() as hog, tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            run_ok("snapshot", hog.pid, "-o", a)
            hog.cmd("brk 16")
            run_ok("snapshot", hog.pid, "-o", b)
            r = memsnap("diff", a, b, "--format", "csv")
            self.assertEqual(r.returncode, 1, r.stderr)  # 16 MiB of native heap: a verdict
            header, rows = read_csv(r.stdout)
            self.assertEqual(header, ["category", "pss_before_kb", "pss_after_kb", "pss_delta_kb",
                                      "pss_percent", "private_dirty_before_kb",
                                      "private_dirty_after_kb", "private_dirty_delta_kb"])
            d_json = json.loads(memsnap("diff", a, b, "--format", "json").stdout)
            self.assertEqual([r["category"] for r in rows], list(d_json["categories"]))
            for row in rows:
                c = d_json["categories"][row["category"]]
                for part in ("pss", "private_dirty"):
                    for k in ("before", "after", "delta"):
                        self.assertEqual(int(row[f"{part}_{k}_kb"]), c[part][k])
                pct = c["pss"]["percent"]
                self.assertEqual(row["pss_percent"], "" if pct is None else f"{pct:.1f}")
            native = next(r for r in rows if r["category"] == "native_heap")
            self.assertGreaterEqual(int(native["pss_delta_kb"]), 16 * 1024)


class Prometheus(unittest.TestCase):
    def test_every_value_is_json_kb_times_1024(self):
        # On the fixture trees, where every number is fixed (a live process's Pss of shared
        # libraries moves whenever another process maps or unmaps them).
        for tree, pid in fixture_trees():
            with self.subTest(tree=os.path.basename(tree)):
                text = run_ok("--mem", pid, "--proc-root", tree, "--format", "prom")
                samples, families, types = parse_prom(text)
                snap = memsnap_json("--mem", pid, "--proc-root", tree)
                labels = {("pid", str(snap["pid"])), ("name", snap["name"])}
                expected = {}
                for key, counters in snap["categories"].items():
                    for c in COUNTERS:
                        expected[(f"memsnap_category_{c}_bytes", frozenset(labels | {("category", key)}))] = \
                            counters[c] * 1024
                total = snap["total"]
                proc = frozenset(labels)
                expected[("memsnap_process_pss_with_swap_bytes", proc)] = \
                    (total["pss"] + total["swap_pss"]) * 1024
                for c in ("pss", "rss", "swap", "swap_pss"):
                    expected[(f"memsnap_process_{c}_bytes", proc)] = total[c] * 1024
                expected[("memsnap_process_uss_bytes", proc)] = \
                    (total["private_clean"] + total["private_dirty"]) * 1024
                for field, value in snap["status"].items():
                    if field.startswith(("vm_", "rss_")):
                        expected[(f"memsnap_process_{field}_bytes", proc)] = value * 1024
                expected[("memsnap_process_threads", proc)] = snap["status"]["threads"]
                expected[("memsnap_process_dma_bytes", proc)] = snap["dma"]["total"] * 1024
                expected[("memsnap_process_gpu_bytes", proc)] = snap["gpu"]["total"] * 1024
                if snap["fd"]["num"]:
                    expected[("memsnap_process_open_fds", proc)] = snap["fd"]["num"]
                for t, n in snap["fd"]["by_type"].items():
                    expected[("memsnap_process_open_fds_by_type", frozenset(labels | {("type", t)}))] = n
                for k in ("total", "free", "available"):
                    expected[(f"memsnap_system_memory_{k}_bytes", frozenset())] = \
                        snap["system"][k] * 1024
                self.assertEqual(samples, expected)
                self.assertEqual(set(types.values()), {"gauge"})
                for name in families:
                    self.assertRegex(name, r"^memsnap_[a-z0-9_]+$")
                    self.assertFalse(name.endswith("_total"), "gauges, not counters")

    def test_promtool_accepts_several_live_processes(self):
        with Memhog() as a, Memhog() as b:
            a.cmd("brk 4")
            b.cmd('comm ms"q\\x')  # label escaping: a double quote and a backslash
            text = run_ok("--mem", a.pid, b.pid, "--format", "prom")
            promtool_check(self, text)
            samples, _, _ = parse_prom(text)
            # The kernel's status escapes the backslash; the label must hold the real name.
            self.assertTrue('name="ms\\"q\\\\x"' in text, "label value escaping")
            for hog, name in ((a, "memhog"), (b, 'ms"q\\x')):
                snap = memsnap_json("--mem", hog.pid)
                labels = frozenset({("pid", str(hog.pid)), ("name", name),
                                    ("category", "native_heap")})
                # Private memory of an idle process does not move between the two reads.
                self.assertEqual(samples[("memsnap_category_private_dirty_bytes", labels)],
                                 snap["categories"]["native_heap"]["private_dirty"] * 1024)
            self.assertGreaterEqual(
                samples[("memsnap_category_private_dirty_bytes",
                         frozenset({("pid", str(a.pid)), ("name", "memhog"),
                                    ("category", "native_heap")}))], 4 * 1024 * 1024)

    def test_fixture_bytes_against_awk_sums(self):
        for tree, pid in fixture_trees():
            with self.subTest(tree=os.path.basename(tree)):
                text = run_ok("--mem", pid, "--proc-root", tree, "--no-infer", "--format", "prom")
                promtool_check(self, text)
                samples, _, _ = parse_prom(text)
                pss = {dict(l)["category"]: v for (n, l), v in samples.items()
                       if n == "memsnap_category_pss_bytes"}
                for row, counters in read_tsv(os.path.join(tree, "expected-rows.tsv")).items():
                    if row != "total":
                        self.assertEqual(pss[ROW_KEYS[row]], counters["pss"] * 1024, row)

    def test_snapshot_prom_file_for_the_textfile_collector(self):
        with Memhog() as hog, tempfile.TemporaryDirectory() as d:
            out = os.path.join(d, "app.prom")
            r = memsnap("snapshot", hog.pid, "--format", "prom", "-o", out)
            self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
            with open(out) as f:
                text = f.read()
            promtool_check(self, text)
            self.assertIn(f'memsnap_category_pss_bytes{{pid="{hog.pid}",name="memhog",category="native_heap"}}',
                          text)

    def test_listing_shares_the_per_process_names_and_passes_promtool(self):
        # One naming scheme: a family the listing and `--mem PID` both write means the same and
        # has the same value (an idle process's private memory does not move between reads).
        # memhog runs on private copies of its files (harness.PrivateMemhogs), so no page of
        # it is shared with a process that starts or exits meanwhile.
        with tempfile.TemporaryDirectory() as d, Memhog(PrivateMemhogs(d).argv()) as hog:
            hog.cmd("brk 4")
            listing = run_ok("--mem", "--categories", "--sort", "fd", "--format", "prom")
            promtool_check(self, listing)
            one = run_ok("--mem", hog.pid, "--format", "prom")
            name = hog.name
        lst, lst_families, _ = parse_prom(listing)
        per_pid, pid_families, _ = parse_prom(one)
        labels = frozenset({("pid", str(hog.pid)), ("name", name)})
        self.assertEqual(lst[("memsnap_process_threads", labels)],
                         per_pid[("memsnap_process_threads", labels)])
        # With the system's libc, Uss moved by 77 kB between the two reads when another memhog
        # exited meanwhile (its pages became private). 64 KiB is 16 pages, far under the 4 MiB
        # brk that a wrong family (Pss, Rss) would differ by.
        family = "memsnap_process_uss_bytes"
        self.assertAlmostEqual(lst[(family, labels)], per_pid[(family, labels)], delta=65536,
                               msg=family)
        shared = {f for f in lst_families if f.startswith("memsnap_process_")}
        self.assertLessEqual(shared - {"memsnap_process_native_heap_pss_bytes",
                                       "memsnap_process_js_heap_pss_bytes"}, set(pid_families))

    def test_every_family_is_in_the_man_page(self):
        with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "man",
                               "memsnap.1")) as f:
            documented = set(re.findall(r"memsnap_[a-z0-9_]+", f.read().replace("\\-", "-")))
        with Memhog() as hog:
            texts = [run_ok("--mem", "--categories", "--sort", "fd", "--format", "prom"),
                     run_ok("--mem", hog.pid, "--format", "prom")]
        for text in texts:
            _, families, _ = parse_prom(text)
            self.assertFalse(set(families) - documented, "families missing from man/memsnap.1")


def human(kb):
    """KiB/MiB/GiB with one decimal, worked out here: the expected --human cell."""
    if kb < 1024:
        return f"{kb} KiB"
    if kb < 1024 * 1024:
        return f"{kb / 1024:.1f} MiB"
    return f"{kb / 1024 / 1024:.1f} GiB"


class Human(unittest.TestCase):
    def test_mem_table_cells(self):
        cols = ["pss", "shared_clean", "shared_dirty", "private_clean", "private_dirty", "swap",
                "swap_pss"]
        for tree, pid in fixture_trees():
            with self.subTest(tree=os.path.basename(tree)):
                text = run_ok("--mem", pid, "--proc-root", tree, "--no-infer", "--human")
                table = text.split("\nnative heap:")[0]
                lines = {l[:17].strip(): re.split(r"\s{2,}", l[17:].strip())
                         for l in table.splitlines()}
                expected = read_tsv(os.path.join(tree, "expected-rows.tsv"))
                for row, counters in expected.items():
                    if row == "total":
                        continue
                    self.assertEqual(lines[row][:7], [human(counters[c]) for c in cols], row)
                total = expected["total"]
                self.assertEqual(lines["Total"][0], human(total["pss"] + total["swap_pss"]))
                self.assertEqual(lines["Total"][7:], ["-", "-", "-"])

    def test_diff_table_cells(self):
        with Memhog() as hog, tempfile.TemporaryDirectory() as d:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            run_ok("snapshot", hog.pid, "-o", a)
            hog.cmd("brk 24")
            run_ok("snapshot", hog.pid, "-o", b)
            text = memsnap("diff", a, b, "--human").stdout
            c = json.loads(memsnap("diff", a, b, "--format", "json").stdout)["categories"]
            row = next(l for l in text.splitlines() if l.startswith("native heap "))
            pss = c["native_heap"]["pss"]
            # Columns: the name in 22 characters, then before, after, delta in 12 each.
            self.assertEqual([row[22:34].strip(), row[34:46].strip(), row[46:58].strip()],
                             [human(pss["before"]), human(pss["after"]), "+" + human(pss["delta"])])


def run_on_pty(args, env):
    """Runs memsnap with stdout (and stderr) on a pseudo-terminal; returns (exit code, output)."""
    master, slave = pty.openpty()
    p = subprocess.Popen([MEMSNAP, *args], stdin=subprocess.DEVNULL, stdout=slave, stderr=slave,
                         env=env)
    os.close(slave)
    out = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(master, 65536)
            except OSError:  # EIO: the child closed its side
                break
            if not chunk:
                break
            out += chunk
        elif p.poll() is not None:
            break
    os.close(master)
    return p.wait(timeout=30), out.decode()


class Colour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="memsnap-colour-")
        cls.a, cls.b = os.path.join(cls.dir, "a.json"), os.path.join(cls.dir, "b.json")
        with Memhog() as hog:
            run_ok("snapshot", hog.pid, "-o", cls.a)
            hog.cmd("brk 32")  # native heap past its 8 MiB / 10 % threshold
            run_ok("snapshot", hog.pid, "-o", cls.b)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, True)

    def env(self, **extra):
        env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TERM")}
        env["TERM"] = "xterm"
        env.update(extra)
        return env

    def test_terminal_gets_colour(self):
        code, out = run_on_pty(["diff", self.a, self.b], self.env())
        self.assertEqual(code, 1)
        native = next(l for l in out.splitlines() if l.startswith("native heap "))
        self.assertIn("\x1b[31m", native, "growth past the threshold is red")
        verdict = next(l for l in out.splitlines() if "likely native leak" in l)
        self.assertIn("\x1b[1;31m", verdict)
        # Colour does not move the columns: without the escapes the row is the plain one.
        plain = memsnap("diff", self.a, self.b).stdout
        self.assertEqual(re.sub(r"\x1b\[[0-9;]*m", "", out).replace("\r\n", "\n"), plain)

    def test_no_color_any_value(self):
        for value in ("1", ""):
            with self.subTest(NO_COLOR=value):
                code, out = run_on_pty(["diff", self.a, self.b], self.env(NO_COLOR=value))
                self.assertEqual(code, 1)
                self.assertIn("likely native leak", out)
                self.assertNotIn("\x1b[", out)

    def test_pipe_gets_none(self):
        r = subprocess.run([MEMSNAP, "diff", self.a, self.b], capture_output=True, text=True,
                           env=self.env(), timeout=60)
        self.assertEqual(r.returncode, 1)
        self.assertIn("likely native leak", r.stdout)
        self.assertNotIn("\x1b[", r.stdout)


if __name__ == "__main__":
    unittest.main()
