"""memsnap --mem-smaps and the mapping diff on a real process (memhog) that grows a named file
mapping, a glibc arena and many small mmaps. Expected numbers come from memhog's own knowledge of
what it mapped and touched, or from /proc/PID/smaps parsed here (a plain reader independent of
memsnap's), never from memsnap."""
import html.parser
import importlib.util
import json
import os
import re
import subprocess
import tempfile

from harness import FIXTURES, MEMSNAP, Memhog, fixture, memsnap, memsnap_json, unittest

# tests/fixtures/expected_rules.py: the rule sets written again from their upstream text.
_spec = importlib.util.spec_from_file_location("expected_rules",
                                               os.path.join(FIXTURES, "expected_rules.py"))
expected_rules = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(expected_rules)

HEADER = re.compile(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+)(?: +(.*))?$")
COUNTERS = {"Size": "size", "Rss": "rss", "Pss": "pss", "Shared_Clean": "shared_clean",
            "Shared_Dirty": "shared_dirty", "Private_Clean": "private_clean",
            "Private_Dirty": "private_dirty", "Swap": "swap", "SwapPss": "swap_pss"}


def read_smaps(pid):
    """Every mapping of /proc/PID/smaps: dict with start, end (hex text), perms, name and the
    counters in kB."""
    out = []
    with open(f"/proc/{pid}/smaps", "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
            m = HEADER.match(line)
            if m:
                out.append({"start": m.group(1), "end": m.group(2), "perms": m.group(3),
                            "name": m.group(5) or "", **{k: 0 for k in COUNTERS.values()}})
                continue
            key, _, rest = line.partition(":")
            if key in COUNTERS and out:
                out[-1][COUNTERS[key]] = int(rest.split()[0])
    return out


def within(value, expected, fraction=0.01):
    return abs(value - expected) <= fraction * expected


class MemSmapsLive(unittest.TestCase):
    def test_rows_add_up_to_the_kernels_mappings(self):
        with Memhog() as hog:
            hog.cmd("maps 200")
            path = hog.cmd("file 4")
            summary = memsnap_json("--mem-smaps", hog.pid)
            verbose = memsnap_json("--mem-smaps", hog.pid, "-v")
            kernel = read_smaps(hog.pid)  # memhog is idle, blocked on its stdin: nothing moves

        # -v: one row per mapping, in the kernel's order, every counter as the kernel says. The
        # Pss and Rss of pages shared with other processes (libc's) move as other processes
        # start and exit, so those are compared where nothing is shared.
        self.assertEqual(len(verbose["mappings"]), len(kernel))
        for row, k in zip(verbose["mappings"], kernel):
            shared = row["shared_clean"] + row["shared_dirty"] + k["shared_clean"] + k["shared_dirty"]
            keys = ["start", "end", "perms", "name", "size", "private_dirty", "swap"]
            if shared == 0:
                keys += COUNTERS.values()
            for key in keys:
                self.assertEqual(row[key], k[key], (key, k))

        # Summary: one row per name (and row of the table); counts and counters summed by name.
        by_name = {}
        for k in kernel:
            s = by_name.setdefault(k["name"], {"count": 0, **{c: 0 for c in COUNTERS.values()}})
            s["count"] += 1
            for c in COUNTERS.values():
                s[c] += k[c]
        got = {}
        for row in summary["mappings"]:
            s = got.setdefault(row["name"], {"count": 0, **{c: 0 for c in COUNTERS.values()}})
            s["count"] += row["count"]
            for c in COUNTERS.values():
                s[c] += row[c]
        self.assertEqual(got.keys(), by_name.keys())
        for name, want in by_name.items():
            have = got[name]
            for c in ("count", "size", "private_dirty", "swap"):
                self.assertEqual(have[c], want[c], (name, c))
            if want["shared_clean"] + want["shared_dirty"] + have["shared_clean"] + have["shared_dirty"] == 0:
                self.assertEqual(have, want, name)
        names = [r["name"] for r in summary["mappings"]]
        self.assertEqual(names, sorted(names, key=lambda n: n.encode("utf-8", "surrogateescape")))
        file_rows = [r for r in summary["mappings"] if r["name"] == path]
        self.assertEqual(len(file_rows), 1)
        self.assertEqual(file_rows[0]["count"], 1)
        self.assertEqual(file_rows[0]["category"], "file_other")
        self.assertEqual(file_rows[0]["pss"], 4 * 1024)  # 4 MiB touched, mapped by memhog only
        total_pss = sum(k["pss"] for k in kernel)
        # Pss of the pages memhog shares (libc's) moves when a process sharing them starts or
        # exits between the two reads (other tests run beside this one): 1 %, or 256 kB.
        self.assertLessEqual(abs(summary["summary"]["pss"] - total_pss), max(0.01 * total_pss, 256),
                             (summary["summary"], total_pss))
        self.assertEqual(summary["summary"]["count"], len(kernel))
        self.assertEqual(summary["summary"]["pss_total"],
                         summary["summary"]["pss"] + summary["summary"]["swap_pss"])
        # memhog's 200 one-page mappings: 100 writable ones touched (4 kB each), 100 read-only.
        small = [r for r in verbose["mappings"] if r["name"] == "" and r["size"] == 4]
        self.assertGreaterEqual(len([r for r in small if r["perms"] == "rw-p" and r["pss"] == 4]), 99)

    def test_table_and_csv(self):
        with Memhog() as hog:
            path = hog.cmd("file 2")
            table = memsnap("--mem-smaps", hog.pid)
            verbose = memsnap("--mem-smaps", hog.pid, "-v")
            csv = memsnap("--mem-smaps", hog.pid, "--format", "csv")
        self.assertEqual(table.returncode, 0, table.stderr)
        lines = table.stdout.splitlines()
        # hidumper's two header lines: the first half of the two-word titles, then the rest.
        self.assertEqual(lines[0].split(), ["Shared", "Shared", "Private", "Private"])
        self.assertEqual(lines[1].split(), ["Size", "Rss", "Pss", "Clean", "Dirty", "Clean",
                                            "Dirty", "Swap", "SwapPss", "Counts", "Category",
                                            "Name"])
        self.assertTrue(lines[-1].split()[-1] == "Summary")
        row = [l for l in lines if l.endswith(path)]
        self.assertEqual(len(row), 1)
        cells = row[0].split()
        self.assertEqual(cells[2], "2048")       # Pss: 2 MiB touched
        self.assertEqual(cells[9], "1")          # Counts
        self.assertEqual(cells[10:12], ["FilePage", "other"])
        # Every row's number columns start where the header's do (left-aligned, 12 wide).
        self.assertEqual(lines[1].index("Rss"), 12)
        self.assertEqual(row[0].index(cells[1], 12), 12)
        vlines = verbose.stdout.splitlines()
        self.assertEqual(vlines[1].split()[9:12], ["Perm", "Start", "End"])
        self.assertIn("[anon]", verbose.stdout)
        self.assertEqual(csv.returncode, 0, csv.stderr)
        header = csv.stdout.splitlines()[0]
        self.assertEqual(header, "count,category,name,size_kb,rss_kb,pss_kb,shared_clean_kb,"
                                 "shared_dirty_kb,private_clean_kb,private_dirty_kb,swap_kb,"
                                 "swap_pss_kb")
        self.assertIn(f"1,file_other,{path},2048,2048,2048,", csv.stdout)

    def test_hostile_names_are_escaped_in_tables_only(self):
        # The kernel prints a path's newline as \012 itself; a tab and an escape byte pass raw.
        with tempfile.TemporaryDirectory(prefix="ms\t\x1b[31m") as d:
            saved = os.environ.get("TMPDIR")
            os.environ["TMPDIR"] = d  # memhog's "file" creates its file there
            try:
                hog = Memhog()
            finally:
                if saved is None:
                    del os.environ["TMPDIR"]
                else:
                    os.environ["TMPDIR"] = saved
            with hog:
                path = hog.cmd("file 1")
                self.assertIn("\x1b", path)
                table = memsnap("--mem-smaps", hog.pid)
                js = memsnap_json("--mem-smaps", hog.pid, "-v")
        self.assertNotIn("\x1b", table.stdout)
        self.assertNotIn("\t", table.stdout)
        escaped = path.replace("\t", "\\t").replace("\x1b", "\\x1b")
        self.assertIn(escaped, table.stdout)
        self.assertIn(path, [r["name"] for r in js["mappings"]])

    def test_bad_pid(self):
        r = memsnap("--mem-smaps", "999999999")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertIn("999999999", r.stderr)
        r = memsnap("--mem-smaps")
        self.assertEqual(r.returncode, 2)


def read_smaps_file(path):
    """read_smaps() for a fixture file, with the inode (hidumper splits "other" by it)."""
    out = []
    with open(path, "rb") as f:
        for raw in f:
            line = raw.decode("utf-8", "surrogateescape").rstrip("\n")
            m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ (\d+) ?(.*)$", line)
            if m:
                out.append({"start": m.group(1), "end": m.group(2), "perms": m.group(3),
                            "inode": int(m.group(4)), "name": m.group(5).lstrip(" "),
                            **{k: 0 for k in COUNTERS.values()}})
                continue
            key, _, rest = line.partition(":")
            if key in COUNTERS and out:
                out[-1][COUNTERS[key]] = int(rest.split()[0])
    return out


# hiview's MemoryClass (c5bc8942 interfaces/inner_api/unified_collection/resource/memory.h:64-84),
# by the names hidumper prints (parse_smaps_info.h MEMORY_CLASS_VEC); "other" holds both of
# AnonPage other and FilePage other. hidumper --mem-smaps -v lists the classes in this order.
HIDUMPER_CLASSES = ["graph", "ark ts heap", "arkts-static heap", ".db", "dev", "dmabuf", "guard",
                    ".hap", "native heap", ".so", "stack", ".ttf", "jsvm heap", "arkweb-js heap",
                    "arkweb-pa heap", "kotlin heap", "rn-hermes heap", "dart heap", "other"]


def hidumper_mappings(path):
    """The mappings of a fixture smaps file, each with its hidumper row (expected_rules.py) and
    its name as a table prints it (blanks at the end lost)."""
    mappings = read_smaps_file(path)
    for m in mappings:
        m["row"] = expected_rules.hidumper(m["name"], m["inode"])
        m["name"] = m["name"].rstrip(" ")
    return mappings


def hidumper_class_rank(row):
    return HIDUMPER_CLASSES.index("other" if row.endswith(" other") else row)


def hidumper_smaps_table(mappings, verbose):
    """hidumper --mem-smaps [-v] as smaps_memory_info.cpp lays it out (90a6dbfa): every cell
    left-aligned, 12 wide (Start 18); the class column as wide as the longest class name (17),
    then the name after 18 (summary) or 12 (-v) blanks less the class column's excess over 15.
    memsnap's deliberate differences: a full cell (but the class) gets one blank after it, and
    no line ends in blanks (hidumper pads the name to 60)."""
    def cell(text, width):
        text = str(text)
        return text + " " * (width - len(text) if len(text) < width else 1)

    class_width = max(len(c) for c in HIDUMPER_CLASSES)
    pad = (15 + (12 if verbose else 18)) - class_width
    tops = ["", "", "", "Shared", "Shared", "Private", "Private", "", ""]
    bottoms = ["Size", "Rss", "Pss", "Clean", "Dirty", "Clean", "Dirty", "Swap", "SwapPss"]
    line1 = "".join(cell(t, 12) for t in tops)
    line2 = "".join(cell(b, 12) for b in bottoms)
    line2 += (cell("Perm", 12) + cell("Start", 18) + cell("End", 12)) if verbose else cell("Counts", 12)
    line2 += cell("Category", class_width) + "Name".rjust(pad + 4)
    lines = [line1.rstrip(), line2.rstrip()]
    keys = list(COUNTERS.values())
    total = {k: sum(m[k] for m in mappings) for k in keys}
    total["pss"] += total["swap_pss"]
    if verbose:
        rows = sorted(mappings, key=lambda m: hidumper_class_rank(m["row"]))  # stable
        for m in rows:
            line = "".join(cell(m[k], 12) for k in keys)
            line += cell(m["perms"], 12) + cell(m["start"], 18) + cell(m["end"], 12)
            line += m["row"].ljust(class_width) + " " * pad + (m["name"] or "[anon]")
            lines.append(line.rstrip())
        summary = "".join(cell(total[k], 12) for k in keys) + cell("", 12) + cell("", 18) + cell("", 12)
    else:
        by_name = {}
        for m in sorted(mappings, key=lambda m: hidumper_class_rank(m["row"])):
            g = by_name.setdefault(m["name"], {"row": m["row"], "count": 0, **{k: 0 for k in keys}})
            g["count"] += 1
            for k in keys:
                g[k] += m[k]
        for name in sorted(by_name, key=lambda n: n.encode("utf-8", "surrogateescape")):
            g = by_name[name]
            line = "".join(cell(g[k], 12) for k in keys) + cell(g["count"], 12)
            line += g["row"].ljust(class_width) + " " * pad + (name or "[anon]")
            lines.append(line.rstrip())
        summary = "".join(cell(total[k], 12) for k in keys) + cell(len(mappings), 12)
    lines.append((summary + " " * class_width + " " * pad + "Summary").rstrip())
    return lines


class MemSmapsRules(unittest.TestCase):
    """--mem-smaps under a rule set, on fixture trees (names this machine cannot make)."""

    def test_hidumper_layout_line_by_line(self):
        # Every mapping's class from expected_rules.py (hiview's rule text), the layout from
        # hidumper's smaps_memory_info.cpp, both written out in this file.
        for tree, pid in (("rule-names", "4242"), ("ohos-app", "1198")):
            mappings = hidumper_mappings(fixture(tree, pid, "smaps"))
            for verbose in (False, True):
                args = ["--mem-smaps", pid, "--proc-root", fixture(tree), "--rules", "hidumper"]
                r = memsnap(*args, *(["-v"] if verbose else []))
                self.assertEqual(r.returncode, 0, r.stderr)
                want = hidumper_smaps_table(mappings, verbose)
                got = r.stdout.splitlines()
                self.assertEqual(len(got), len(want), (tree, verbose))
                for g, w in zip(got, want):
                    self.assertEqual(g, w, (tree, verbose))

    def test_a_lone_smaps_file(self):
        # --smaps FILE (or '-'): the same table, worked out from the file as above, without a
        # tree around it; the JSON says the PID is unknown (0).
        tree, pid = "ohos-app", "1198"
        path = fixture(tree, pid, "smaps")
        mappings = hidumper_mappings(path)
        for verbose in (False, True):
            want = hidumper_smaps_table(mappings, verbose)
            v = ["-v"] if verbose else []
            r = memsnap("--mem-smaps", "--smaps", path, "--rules", "hidumper", *v)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.splitlines(), want, verbose)
            with open(path, "rb") as f:
                r = subprocess.run([MEMSNAP, "--mem-smaps", "--smaps", "-", "--rules", "hidumper", *v],
                                   stdin=f, capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
            self.assertEqual(r.stdout.splitlines(), want, verbose)
        j = memsnap_json("--mem-smaps", "--smaps", path, "-v")
        self.assertEqual(j["pid"], 0)
        self.assertEqual([(m["start"], m["pss"]) for m in j["mappings"]],
                         [(m["start"].lstrip("0") or "0", m["pss"]) for m in mappings])
        for bad in (["--smaps", path, pid], []):
            r = memsnap("--mem-smaps", *bad)
            self.assertEqual(r.returncode, 2, r.stderr)
            self.assertEqual(len(r.stderr.splitlines()), 1, r.stderr)

    def test_rows_follow_the_rule_set(self):
        # dumpsys names its rows its own way and gives a .so's unnamed bss the .so's row.
        tree, pid = fixture("rule-names"), "4242"
        for rules in ("memsnap", "hidumper", "dumpsys"):
            v = memsnap_json("--mem-smaps", pid, "-v", "--proc-root", tree, "--rules", rules)
            mem = memsnap_json("--mem", pid, "--proc-root", tree, "--rules", rules)
            self.assertEqual(v["rules"], rules)
            by_row = {}
            for m in v["mappings"]:
                by_row[m["category"]] = by_row.get(m["category"], 0) + m["pss"]
            want = {k: c["pss"] for k, c in mem["categories"].items() if c["pss"]}
            self.assertEqual({k: p for k, p in by_row.items() if p}, want, rules)

    def test_verbose_rows_are_final_after_the_whole_address_space(self):
        # A JVM's compressed-oops heap lies below 32 GiB, libjvm.so far above it: the heap's
        # row (java heap (inferred), README "Linux without names") is known only once libjvm.so
        # has been read. -v must print that row, as --mem counts it.
        def mapping(start, end, perms, inode, name, rss):
            size = (end - start) // 1024
            return (f"{start:08x}-{end:08x} {perms} 00000000 {'08:01' if inode else '00:00'} "
                    f"{inode}    {name}\nSize: {size} kB\nRss: {rss} kB\nPss: {rss} kB\n"
                    f"Private_Dirty: {rss} kB\n")
        smaps = (mapping(0x00400000, 0x00401000, "r-xp", 11, "/usr/lib/jvm/bin/java", 4)
                 + mapping(0x600000000, 0x640000000, "rw-p", 0, "", 65536)
                 + mapping(0x7f0000000000, 0x7f0000200000, "r-xp", 12,
                           "/usr/lib/jvm/lib/server/libjvm.so", 1024)
                 + mapping(0x7f0000400000, 0x7f0000500000, "r-xp", 13,
                           "/usr/lib/x86_64-linux-gnu/libc.so.6", 512))
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "77"))
            with open(os.path.join(d, "77", "smaps"), "w") as f:
                f.write(smaps)
            v = memsnap_json("--mem-smaps", "77", "-v", "--proc-root", d)
            s = memsnap_json("--mem-smaps", "77", "--proc-root", d)
            mem = memsnap_json("--mem", "77", "--proc-root", d)
        heap = [m for m in v["mappings"] if m["start"] == "600000000"]
        self.assertEqual(len(heap), 1)
        self.assertEqual(heap[0]["category"], "java_heap_inferred")
        self.assertEqual(mem["categories"]["java_heap_inferred"]["pss"], 65536)
        anon = [g for g in s["mappings"] if g["name"] == ""]
        self.assertEqual([(g["category"], g["pss"]) for g in anon], [("java_heap_inferred", 65536)])


def decode_records(m):
    """The "mappings" member of a snapshot, decoded from its documented format
    (formats/mapping_records.h): {(name, start): (category, pss + swap_pss)}."""
    unit, names, cats = m["unit"], list(m["names"]), m["categories"]
    for i, h in m.get("names_hex", {}).items():
        names[int(i)] = bytes.fromhex(h).decode("utf-8", "surrogateescape")
    out, prev_end = {}, 0
    for rec in m["records"].split(" ") if m["records"] else []:
        f = rec.split(",")
        gap = f[0]
        start = prev_end - int(gap[1:], 16) * unit if gap.startswith("-") else prev_end + int(gap, 16) * unit
        end = start + int(f[1], 16) * unit
        tail = [int(x) for x in f[5:8]] + [0, 0, 0]
        out[(names[int(f[3])], start)] = (cats[int(f[4])], tail[1] + tail[2])
        prev_end = end
    return out


class ReportHtml(html.parser.HTMLParser):
    """The rows of the report's "Mappings that grew most" tables."""

    def __init__(self):
        super().__init__()
        self.lists, self.rows, self._row, self._cell = {}, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "data-list" in a:
            self.lists[a["data-list"]] = {"delta": int(a["data-delta-kb"]), "rows": []}
            self._list = a["data-list"]
        elif tag == "tr" and a.get("class") == "mapping":
            self._row = {"kind": a["data-kind"], "category": a["data-category"],
                         "count": int(a["data-count"]), "delta": int(a["data-delta-kb"]), "cells": []}
        elif tag == "td" and self._row is not None:
            self._cell = ""

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self._row is not None and self._cell is not None:
            self._row["cells"].append(self._cell)
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.lists[self._list]["rows"].append(self._row)
            self._row = None


class ReportMappings(unittest.TestCase):
    def test_report_lists_the_mappings_that_grew_by_the_snapshots_numbers(self):
        with tempfile.TemporaryDirectory() as d, Memhog() as hog:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            s = os.path.join(d, "s.ndjson")
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "-o", a).returncode, 0)
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            path = hog.cmd("file 16")        # 16 MiB of a named file, touched
            hog.cmd("threadmalloc 32")       # a new glibc arena, 32 MiB of it touched
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "-o", b).returncode, 0)
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            out = os.path.join(d, "r.html")
            r = memsnap("report", a, b, "-o", out)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(out, encoding="utf-8") as f:
                page = f.read()
            rs = memsnap("report", s, "-o", os.path.join(d, "s.html"))
            self.assertEqual(rs.returncode, 0, rs.stderr)
            with open(os.path.join(d, "s.html"), encoding="utf-8") as f:
                series_page = f.read()
            with open(a) as f:
                snap_a = json.load(f)
            with open(b) as f:
                snap_b = json.load(f)
            with open(s) as f:
                s1, s2 = [json.loads(l) for l in f]
        for p, (sa, sb) in ((page, (snap_a, snap_b)), (series_page, (s1, s2))):
            before, after = decode_records(sa["mappings"]), decode_records(sb["mappings"])
            # What each mapping did, from the two snapshots' own records: new ones count whole,
            # vanished ones negative, the same (name, start) by their difference.
            delta = {k: v[1] - before.get(k, (None, 0))[1] for k, v in after.items()}
            for k, v in before.items():
                if k not in after:
                    delta[k] = -v[1]
            parsed = ReportHtml()
            parsed.feed(p)
            self.assertIn("total", parsed.lists)
            self.assertIn("native", parsed.lists)  # the arena is past native's threshold
            # The total list adds up every mapping's change.
            self.assertEqual(parsed.lists["total"]["delta"], sum(delta.values()))
            rows = parsed.lists["total"]["rows"]
            self.assertEqual(rows, sorted(rows, key=lambda r: -abs(r["delta"])))  # largest first
            # The file: one new mapping, exactly its Pss + SwapPss in the last snapshot.
            file_key = [k for k in after if k[0] == path]
            self.assertEqual(len(file_key), 1)
            file_rows = [r for r in rows if path in r["cells"][1]]
            self.assertEqual(len(file_rows), 1)
            self.assertEqual((file_rows[0]["kind"], file_rows[0]["count"]), ("new", 1))
            self.assertEqual(file_rows[0]["delta"], after[file_key[0]][1])
            self.assertTrue(within(file_rows[0]["delta"], 16 * 1024))
            # The arena: new, in native heap (inferred), what its mappings hold.
            arena = [r for r in parsed.lists["native"]["rows"] if "glibc arena" in r["cells"][1]]
            self.assertEqual(len(arena), 1)
            self.assertEqual((arena[0]["kind"], arena[0]["category"]), ("new", "native_heap_inferred"))
            arena_keys = [k for k in after if k not in before and after[k][0] == "native_heap_inferred"]
            self.assertEqual(arena[0]["delta"], sum(delta[k] for k in arena_keys))
            self.assertTrue(within(arena[0]["delta"], 32 * 1024))
            # The native list is what the native rows' mappings did, and nothing else.
            native_rows = ("native_heap", "native_heap_inferred")
            self.assertEqual(parsed.lists["native"]["delta"],
                             sum(v for k, v in delta.items()
                                 if (after.get(k) or before.get(k))[0] in native_rows))
        # The records agree with the snapshot's categories: every mapping is in one row.
        total_b = sum(c["pss"] + c["swap_pss"] for c in snap_b["categories"].values())
        self.assertEqual(sum(v[1] for v in decode_records(snap_b["mappings"]).values()), total_b)

    def test_report_without_mappings_says_so(self):
        with tempfile.TemporaryDirectory() as d, Memhog() as hog:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            self.assertEqual(memsnap("snapshot", hog.pid, "-o", a).returncode, 0)
            self.assertEqual(memsnap("snapshot", hog.pid, "-o", b).returncode, 0)
            r = memsnap("report", a, b)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("do not list their mappings", r.stdout)
        self.assertNotIn("data-list=", r.stdout)


class MappingDiffLive(unittest.TestCase):
    def test_growth_is_accounted_for_by_the_listed_mappings(self):
        with tempfile.TemporaryDirectory() as d, Memhog() as hog:
            a, b = os.path.join(d, "a.json"), os.path.join(d, "b.json")
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "-o", a).returncode, 0)
            path = hog.cmd("file 16")        # a named file mapping: 16 MiB touched
            hog.cmd("threadmalloc 32")       # a new glibc arena: 32 MiB in 64 KiB chunks
            hog.cmd("maps 400")              # 400 one-page mappings, 200 writable ones touched
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "-o", b).returncode, 0)
            r = memsnap("diff", a, b, "--format", "json")
            text = memsnap("diff", a, b)
        self.assertEqual(r.returncode, 1, r.stderr)  # native grew 32 MiB: past its threshold
        lists = {l["group"]: l for l in json.loads(r.stdout)["mappings"]["lists"]}
        self.assertIn("native", lists)
        expected = 16 * 1024 + 32 * 1024 + 200 * 4  # kB, what memhog grew
        total = lists["total"]
        self.assertTrue(within(total["pss_total_delta"], expected), (total["pss_total_delta"], expected))

        def line(lst, **want):
            found = [l for l in lst["lines"] if all(l[k] == v for k, v in want.items())]
            self.assertEqual(len(found), 1, (want, lst["lines"]))
            return found[0]

        f = line(total, kind="new", label=path)
        self.assertTrue(within(f["pss_total_delta"], 16 * 1024), f)
        self.assertEqual(f["max_bytes"], 16 << 20)
        arena = line(lists["native"], kind="new", label="glibc arena")
        self.assertEqual(arena["count"], 1)
        self.assertEqual(arena["max_bytes"], 64 << 20)
        self.assertTrue(within(arena["pss_total_delta"], 32 * 1024), arena)
        small = line(total, kind="new", label="[anon]", category="anon_other")
        self.assertGreaterEqual(small["count"], 399)
        self.assertTrue(within(small["pss_total_delta"], 800, 0.05), small)
        self.assertIn("new 64 MiB glibc arena", text.stdout)
        self.assertIn(f"new 16 MiB {path}", text.stdout)

    def test_series_first_against_last_sample_with_mappings(self):
        with tempfile.TemporaryDirectory() as d, Memhog() as hog:
            s = os.path.join(d, "s.ndjson")
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            self.assertEqual(memsnap("snapshot", hog.pid, "--append", s).returncode, 0)
            path = hog.cmd("file 8")
            with open(f"/proc/{hog.pid}/smaps") as f:
                smaps = f.read()  # for the message, should the file be missing from the diff
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            hog.cmd("file 8")  # grown after the last sample with mappings: not listed
            self.assertEqual(memsnap("snapshot", hog.pid, "--append", s).returncode, 0)
            r = memsnap("diff", s, "--format", "json")
            with open(s) as f:
                lines = f.read().splitlines()
        self.assertIn(r.returncode, (0, 1), r.stderr)
        m = json.loads(r.stdout)["mappings"]
        self.assertTrue(m["before"].endswith("s.ndjson:1"), m)
        self.assertTrue(m["after"].endswith("s.ndjson:3"), m)
        total = [l for l in m["lists"] if l["group"] == "total"][0]
        news = [l for l in total["lines"] if l["kind"] == "new" and l["label"].startswith("/")]
        at = smaps.find(path)
        self.assertEqual([l["label"] for l in news], [path],
                         (m, r.stderr, smaps[max(0, at - 100):at + 1200],
                          [json.loads(l).get("mappings", {}).get("names") for l in lines]))
        self.assertTrue(within(news[0]["pss_total_delta"], 8 * 1024))

    def test_sixty_thousand_mappings_stay_compact(self):
        with tempfile.TemporaryDirectory() as d, Memhog() as hog:
            hog.cmd("maps 60000")
            s = os.path.join(d, "s.ndjson")
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            self.assertEqual(memsnap("snapshot", hog.pid, "--mappings", "--append", s).returncode, 0)
            count = len(read_smaps(hog.pid))
            r = memsnap("diff", s, "--format", "json")
            with open(s, "rb") as f:
                lines = f.read().splitlines()
        self.assertGreaterEqual(count, 60000)
        for l in lines:
            # "well under a few MB": at most 2 MiB per line (measured: 0.72 MB).
            self.assertLess(len(l), 2 << 20)
        print(f"\n60 000-mapping snapshot line: {len(lines[0])} bytes for {count} mappings "
              f"({len(lines[0]) / count:.1f} bytes each)")
        self.assertIn(r.returncode, (0, 1), r.stderr)
        self.assertEqual(json.loads(r.stdout)["mappings"]["after_mappings"], count)


if __name__ == "__main__":
    unittest.main()
