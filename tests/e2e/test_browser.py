"""The chart and the report of a real watched leak, opened in headless Chromium (Debian's
`chromium`, started here) and driven over the DevTools protocol by Node (cdp_page.js): the page
loads with no console error and no network request, the DOM holds one path per group and the
verdict text, a hostile process name stays text. Screenshots are kept as artifacts in the build
folder (test-artifacts/)."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import urllib.request

from harness import memsnap, unittest
from test_plot import HOSTILE, watch_leak, xmllint

HERE = os.path.dirname(os.path.abspath(__file__))
ARTIFACTS = os.path.join(os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(HERE, "..", "..", "build")),
                         "test-artifacts")
# The verdict groups (src/diff/groups.h) and the total: one chart path each.
GROUPS = ["total", "native", "js", "graphics", "anon", "file", "shared", "fd", "thread"]

# What the page holds, read from its DOM (an SVG document has no body: textContent of the root).
QUERY = """(() => {
  const paths = [...document.querySelectorAll('path.series')].map(p => p.getAttribute('data-key'));
  const verdicts = {};
  for (const t of document.querySelectorAll('text.verdict')) verdicts[t.getAttribute('data-key')] = t.textContent;
  const rows = {};
  for (const r of document.querySelectorAll('tr[data-group]')) rows[r.getAttribute('data-group')] = r.querySelector('td.verdict').textContent;
  // Each label's box as the browser lays the text out (user units of the SVG).
  const boxes = [...document.querySelectorAll('text.verdict')].map(t => {
    const b = t.getBBox();
    return {key: t.getAttribute('data-key'), x: b.x, y: b.y, w: b.width, h: b.height};
  });
  return {paths, verdicts, rows, boxes, title: document.title || (document.querySelector('title') || {}).textContent,
          text: document.documentElement.textContent, scripts: document.querySelectorAll('script').length};
})()"""


class Browser(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        for tool in ("chromium", "node", "xmllint"):
            if shutil.which(tool) is None:
                raise AssertionError(f"{tool} is missing: run scripts/setup.sh")
        cls.dir = tempfile.mkdtemp(prefix="memsnap-browser-")
        os.makedirs(ARTIFACTS, exist_ok=True)
        series = watch_leak(cls.dir, comm=HOSTILE)
        cls.svg = os.path.join(cls.dir, "chart.svg")
        cls.html = os.path.join(cls.dir, "report.html")
        for args in (("plot", series, "-o", cls.svg), ("report", series, "-o", cls.html)):
            r = memsnap(*args)
            if r.returncode != 0:
                raise AssertionError(f"memsnap {args[0]} exited {r.returncode}: {r.stderr}")
        profile = os.path.join(cls.dir, "profile")
        cls.chromium = subprocess.Popen(
            ["chromium", "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update",
             "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        port_file = os.path.join(profile, "DevToolsActivePort")
        deadline = time.time() + 60
        while True:  # Chromium writes its port, then a newline and the browser's path
            if os.path.exists(port_file):
                with open(port_file) as f:
                    text = f.read()
                if "\n" in text:
                    cls.port = int(text.split()[0])
                    break
            if time.time() > deadline or cls.chromium.poll() is not None:
                cls.tearDownClass()
                raise AssertionError("chromium did not open its DevTools port")
            time.sleep(0.1)

    @classmethod
    def tearDownClass(cls):
        if getattr(cls, "chromium", None) and cls.chromium.poll() is None:
            cls.chromium.terminate()
            try:
                cls.chromium.wait(timeout=20)
            except subprocess.TimeoutExpired:
                cls.chromium.kill()
                cls.chromium.wait()
        shutil.rmtree(cls.dir, ignore_errors=True)

    def open_page(self, path, shot_name):
        """Loads `path` in a fresh tab; returns what cdp_page.js saw."""
        new_tab = urllib.request.Request(f"http://127.0.0.1:{self.port}/json/new?about:blank",
                                         method="PUT")
        with urllib.request.urlopen(new_tab, timeout=30) as r:
            target = json.load(r)
        shot = os.path.join(ARTIFACTS, shot_name)
        url = "file://" + path
        r = subprocess.run(["node", "--experimental-websocket", os.path.join(HERE, "cdp_page.js"),
                            target["webSocketDebuggerUrl"], url, shot, QUERY],
                           capture_output=True, text=True, timeout=90)
        self.assertEqual(r.returncode, 0, r.stderr)
        seen = json.loads(r.stdout)
        self.assertGreater(seen["screenshot_bytes"], 1000)
        self.assertEqual(seen["console_errors"], [])
        self.assertEqual(seen["exceptions"], [])
        # The only request is the page itself: no script, font, image or style from anywhere.
        self.assertEqual([u for u in seen["requests"] if u != url], [])
        return seen["dom"]

    def check_chart(self, dom):
        self.assertEqual(sorted(dom["paths"]), sorted(GROUPS))  # one path per group
        self.assertIn("leak: steady growth", dom["verdicts"]["native"])
        self.assertIn("no leak", dom["verdicts"]["fd"])
        # The labels beside the lines' ends: here file, anon, js, graphics and shared all end
        # within 1 px of 0 (and fd, thread at 3 and 1), yet no two boxes intersect.
        boxes = dom["boxes"]
        self.assertEqual(len(boxes), len(GROUPS))
        for i, a in enumerate(boxes):
            self.assertGreater(a["h"], 8)  # real text, laid out
            for b in boxes[i + 1:]:
                apart = (a["x"] + a["w"] <= b["x"] or b["x"] + b["w"] <= a["x"] or
                         a["y"] + a["h"] <= b["y"] or b["y"] + b["h"] <= a["y"])
                self.assertTrue(apart, f"labels {a['key']} and {b['key']} overlap: {a} {b}")
        # The hostile name is text, not markup: it reads back whole and made no element.
        self.assertIn(HOSTILE, dom["title"])
        self.assertEqual(dom["scripts"], 0)

    def test_chart_in_chromium(self):
        self.assertEqual(xmllint(self.svg).returncode, 0)
        self.check_chart(self.open_page(self.svg, "chart.png"))

    def test_report_in_chromium(self):
        dom = self.open_page(self.html, "report.png")
        self.check_chart(dom)
        self.assertEqual(dom["rows"]["native"], "leak: steady growth")
        self.assertIn("likely native leak", dom["text"])
        self.assertIn("First sample", dom["text"])
        self.assertIn("native heap", dom["text"])  # the hidumper table's row


if __name__ == "__main__":
    unittest.main()
