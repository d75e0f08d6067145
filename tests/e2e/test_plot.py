"""`memsnap plot` and `diff --plot` on a real watched leak: a well-formed SVG (xmllint), one
path per group, the verdict beside its line, hostile process names escaped."""
import datetime
import json
import os
import re
import shutil
import subprocess
import tempfile
import time

from harness import MEMSNAP, Memhog, memsnap, unittest

HOSTILE = "</script>&\"'<"  # 13 chars: fits comm's 15


def xmllint(path):
    return subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)


def watch_leak(directory, comm=None, seconds=3.0):
    """Watches memhog at 100 ms while it grows its brk heap by 4 MiB every 200 ms (a steady
    native leak of about 56 MiB); returns the series path."""
    out = os.path.join(directory, "leak.ndjson")
    with Memhog() as hog:
        if comm:
            hog.cmd("comm " + comm)
        w = subprocess.Popen([MEMSNAP, "watch", str(hog.pid), "--interval", "100ms", "--duration",
                              f"{seconds}s", "-o", out], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        stop = time.time() + seconds - 0.2
        while time.time() < stop:
            hog.cmd("brk 4")
            time.sleep(0.2)
        _, err = w.communicate(timeout=30)
        if w.returncode != 1:  # 1: the leak crossed a threshold during the watch
            raise AssertionError(f"watch exited {w.returncode}: {err}")
    return out


class Plot(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="memsnap-plot-")
        cls.series = watch_leak(cls.dir, comm=HOSTILE)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def plot(self, *args):
        svg = os.path.join(self.dir, "chart.svg")
        r = memsnap("plot", self.series, "-o", svg, *args)
        self.assertEqual(r.returncode, 0, r.stderr)
        lint = xmllint(svg)
        self.assertEqual(lint.returncode, 0, lint.stderr)
        with open(svg, encoding="utf-8") as f:
            return f.read()

    def test_chart_of_a_leak_names_it_beside_its_line(self):
        svg = self.plot()
        for key in ("native", "js", "graphics", "total", "fd", "thread"):
            self.assertEqual(svg.count(f'class="series" data-key="{key}"'), 1, key)
        # diff judges the same series a native leak; the chart says so beside the native line.
        d = memsnap("diff", self.series, "--format", "json")
        self.assertEqual(d.returncode, 1, d.stderr)
        verdict = re.search(r'class="verdict" data-key="native"[^>]*>([^<]*)<', svg).group(1)
        self.assertIn("leak: steady growth", verdict)
        self.assertIn('class="trend" data-key="native"', svg)  # flagged: its fitted trend
        self.assertIn('class="threshold" data-key="native"', svg)
        self.assertNotIn('class="trend" data-key="fd"', svg)  # not flagged: no trend line

    def test_hostile_name_is_escaped(self):
        svg = self.plot()
        self.assertNotIn("</script>", svg)
        self.assertIn("&lt;/script&gt;&amp;&quot;&#39;&lt;", svg)

    def test_groups_and_window(self):
        svg = self.plot("--groups", "native,fd")
        self.assertEqual(re.findall(r'class="series" data-key="(\w+)"', svg), ["native", "fd"])
        with open(self.series) as f:
            n = sum(1 for line in f if line.strip())
        full = self.plot()
        self.assertIn(f">{n} samples over", full)
        # Samples 1 s to 2 s after the first, counted from the series' own time_ms (under load
        # watch skips ticks, so the count is read, not assumed).
        with open(self.series) as f:
            times = [json.loads(line)["time_ms"] for line in f if line.strip()]
        expected = sum(1 for t in times if 1000 <= t - times[0] <= 2000)
        part = self.plot("--since", "1s", "--until", "2s")
        self.assertEqual(int(re.search(r">(\d+) samples over", part).group(1)), expected)

    def test_a_series_cut_in_two_files_draws_as_one(self):
        # plot A B draws every sample of both (the first file's points are its series' own, a
        # later file's are added as they are read): the same chart as the whole file, also when
        # --since leaves none of the first file and when --until leaves none of the second.
        with open(self.series) as f:
            lines = [line for line in f if line.strip()]
        half = len(lines) // 2
        parts = []
        for i, chunk in enumerate((lines[:half], lines[half:])):
            parts.append(os.path.join(self.dir, f"part{i}.ndjson"))
            with open(parts[-1], "w") as f:
                f.writelines(chunk)
        t0 = json.loads(lines[0])["time_ms"]
        second = (json.loads(lines[half])["time_ms"] - t0) / 1000
        for window in ((), ("--since", f"{second - 0.01:.2f}s"), ("--until", f"{second - 0.05:.2f}s")):
            whole = memsnap("plot", self.series, *window)
            cut = memsnap("plot", *parts, *window)
            self.assertEqual(whole.returncode, 0, whole.stderr)
            self.assertEqual(cut.returncode, 0, cut.stderr)
            self.assertEqual(cut.stdout, whole.stdout, window)

    def test_wall_clock_is_local_time_and_names_its_zone(self):
        # A POSIX TZ string needs no tzdata: "IST-5:30" is 5 h 30 min east of UTC, named IST,
        # with no summer time. The expected labels are worked out here from the series' own
        # time_ms by adding 5:30 to UTC (datetime arithmetic, not the C library's localtime).
        with open(self.series) as f:
            t0 = json.loads(f.readline())["time_ms"]
        ist = datetime.datetime.fromtimestamp(t0 // 1000, datetime.timezone.utc) + datetime.timedelta(hours=5, minutes=30)
        for tz in ("IST-5:30", "XYZ+3"):  # +3 in POSIX is 3 h *west* of UTC
            env = dict(os.environ, TZ=tz)
            svg = subprocess.run([MEMSNAP, "plot", self.series], env=env, capture_output=True, text=True,
                                 timeout=60).stdout
            html = subprocess.run([MEMSNAP, "report", self.series], env=env, capture_output=True, text=True,
                                  timeout=60).stdout
            if tz.startswith("IST"):
                local, zone = ist, "UTC+05:30 (IST)"
            else:
                local, zone = ist - datetime.timedelta(hours=8, minutes=30), "UTC-03:00 (XYZ)"
            stamp = local.strftime("%Y-%m-%d %H:%M:%S") + " " + zone
            self.assertIn(f"from {stamp};", svg)  # the subtitle
            # The first tick's wall clock (the series is 3 s long: ticks in seconds) and the
            # axis' note of the zone.
            first_tick = re.search(r'<text x="72.0" y="\d+" text-anchor="middle" fill="#666666" font-size="10">([^<]*)<', svg)
            self.assertEqual(first_tick.group(1), local.strftime("%H:%M:%S"))
            self.assertIn(f"under it the wall clock, {zone}</text>", svg)
            self.assertIn(stamp, html)  # the report's first sample

    def test_stack_tops_at_the_total(self):
        svg = self.plot("--stack")
        layers = re.findall(r'<path class="series layer" data-key="(\w+)" data-hatch="([\w-]+)" '
                            r'd="([^"]*)" fill="url\(#([\w-]+)\)"', svg)
        tops = dict(re.findall(r'<path class="layer-top" data-key="(\w+)" d="([^"]*)"', svg))
        self.assertEqual([k for k, *_ in layers], ["native", "js", "graphics", "anon", "file", "shared"])

        def points(d):
            return [(float(x), float(y)) for x, y in re.findall(r"[ML]([0-9.]+) ([0-9.]+)", d)]
        # Each layer is the area between its top and the top of the one under it (the bottom
        # one: the zero line), so the stack has no gap and no overlap.
        below = None
        for key, _, d, _ in layers:
            top = points(tops[key])
            base = points(tops[below]) if below else None
            if base:
                self.assertEqual(points(d), top + base[::-1], key)
            below = key
        # The last layer's top is the total line, point for point.
        total_d = re.search(r'class="series" data-key="total" d="([^"]*)"', svg).group(1)
        self.assertEqual(points(tops["shared"]), points(total_d))
        # ...and the total the series holds: read through the axis (two grid ticks and the unit
        # of the memory panel), each sample's Pss + SwapPss summed here over its categories.
        panel = svg[svg.index('data-panel="memory"'):svg.index('data-panel="counts"')]
        ticks = [(float(v), float(y) - 4) for y, v in
                 re.findall(r'<text x="66" y="([0-9.]+)" text-anchor="end" fill="#333333">([0-9.]+)<', panel)]
        unit = {"KiB": 1, "MiB": 1024, "GiB": 1024 * 1024}[re.search(r">Pss \((\w+)\)<", panel).group(1)]
        (v0, y0), (v1, y1) = ticks[0], ticks[-1]
        kb_of = lambda y: (v0 + (y - y0) * (v1 - v0) / (y1 - y0)) * unit
        with open(self.series) as f:
            totals = [sum(c["pss"] + c["swap_pss"] for c in json.loads(line)["categories"].values())
                      for line in f if line.strip()]
        top = points(tops["shared"])
        kb_per_px = abs((v1 - v0) * unit / (y1 - y0))
        for got, want in ((top[0][1], totals[0]), (top[-1][1], totals[-1]),
                          (min(y for _, y in top), max(totals))):
            self.assertAlmostEqual(kb_of(got), want, delta=0.15 * kb_per_px)  # y and the ticks are printed to 0.1 px
        # Told apart without colour: a hatch of its own per layer, each a pattern in the SVG.
        self.assertEqual(len({h for _, h, _, _ in layers}), len(layers))
        for _, _, _, pattern in layers:
            self.assertIn(f'<pattern id="{pattern}"', svg)
        self.assertIn("leak: steady growth", re.search(r'class="verdict" data-key="native"[^>]*>([^<]*)<', svg).group(1))
        # A group's threshold and trend measure it from zero: not drawn on a stack.
        self.assertNotIn('class="threshold" data-key="native"', svg)
        self.assertEqual(memsnap("plot", self.series, "--stack", "--categories").returncode, 2)

    def test_categories(self):
        svg = self.plot("--categories", "native_heap,so")
        self.assertEqual(re.findall(r'class="series" data-key="(\w+)"', svg),
                         ["native_heap", "so", "fd", "thread"])
        svg = self.plot("--categories")
        self.assertIn('data-key="native_heap"', svg)

    def test_diff_plot_writes_the_same_chart(self):
        svg = os.path.join(self.dir, "diff.svg")
        r = memsnap("diff", self.series, "--plot", svg)
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(xmllint(svg).returncode, 0)
        with open(svg) as f:
            self.assertEqual(f.read(), self.plot())

    def test_stdout_and_bad_input(self):
        r = memsnap("plot", self.series)
        self.assertEqual(r.returncode, 0)
        self.assertTrue(r.stdout.startswith("<svg "))
        bad = os.path.join(self.dir, "bad.ndjson")
        with open(bad, "w") as f:
            f.write("not json at all\n")
        r = memsnap("plot", bad)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("bad.ndjson", r.stderr)
        self.assertEqual(memsnap("plot", self.series, "--width", "10").returncode, 2)
        self.assertEqual(memsnap("plot", self.series, "--groups", "nope").returncode, 2)
        # A missing file: exit 6, as diff says for one (a file, not a process: issue 22 item 11).
        self.assertEqual(memsnap("plot", os.path.join(self.dir, "missing")).returncode, 6)


    def test_report_of_a_series_and_of_two_snapshots(self):
        html = os.path.join(self.dir, "report.html")
        r = memsnap("report", self.series, "-o", html)
        self.assertEqual(r.returncode, 0, r.stderr)
        with open(html, encoding="utf-8") as f:
            page = f.read()
        # The name never closes an element: the only "</script" would be the name's, escaped.
        self.assertNotIn("</script", page)
        self.assertNotIn("<script", page)
        self.assertIn("&lt;/script&gt;&amp;&quot;&#39;&lt;", page)
        self.assertIn('<tr class="flagged" data-group="native">', page)
        self.assertIn("leak: steady growth", page)
        self.assertNotIn("http://", page.replace("http://www.w3.org/2000/svg", ""))
        self.assertNotIn("https://", page)
        # Two lines of the series as A and B: first against last, too few for a trend.
        with open(self.series) as f:
            n = sum(1 for line in f if line.strip())
        r = memsnap("report", f"{self.series}:1", f"{self.series}:{n}")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn('<tr class="flagged" data-group="native">', r.stdout)
        self.assertIn("past threshold", r.stdout)
        self.assertEqual(memsnap("report", f"{self.series}:1").returncode, 2)


    def test_watch_redraws_the_chart(self):
        svg = os.path.join(self.dir, "watch.svg")
        with Memhog() as hog:
            r = memsnap("watch", hog.pid, "--interval", "100ms", "--count", "15", "-o",
                        os.path.join(self.dir, "w.ndjson"), "--plot", svg)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(xmllint(svg).returncode, 0)
        with open(svg) as f:
            text = f.read()
        # The last redraw, at the end, holds every sample the watch wrote.
        self.assertIn(">15 samples over", text)
        self.assertEqual(text.count('class="series" data-key="native"'), 1)
        # No temporary file left beside it.
        self.assertEqual([n for n in os.listdir(self.dir) if n.startswith("watch.svg")], ["watch.svg"])


if __name__ == "__main__":
    unittest.main()
