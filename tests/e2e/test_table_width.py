"""`memsnap --mem PID`'s table fitted to a width (issue 21): on a real process (memhog with a
grown brk heap, an inferred arena and named threads), captured once so every run reads the same
numbers, run under a pseudo-terminal (python's pty module) at several widths, with $COLUMNS and
with --columns N. No line is longer than the width, and every number left equals the full
layout's number for the same row and column; --columns all, a pipe and --rules hidumper keep
the full layout byte for byte."""
import fcntl
import os
import pty
import re
import shutil
import struct
import subprocess
import tempfile
import termios

from harness import MEMSNAP, Memhog, memsnap, unittest

# The headers of the fitted layout (man page, --columns): abbreviation -> hidumper's header.
FULL_HEADERS = ["Pss Total", "Shared Clean", "Shared Dirty", "Private Clean", "Private Dirty",
                "Swap Total", "SwapPss Total", "Heap Size", "Heap Alloc", "Heap Free"]
ABBREVIATED = {"Pss Tot": "Pss Total", "Shr Cln": "Shared Clean", "Shr Drt": "Shared Dirty",
               "Prv Cln": "Private Clean", "Prv Drt": "Private Dirty", "Swap Tot": "Swap Total",
               "Swap Pss": "SwapPss Total"}
WIDTHS = [40, 56, 72, 80, 100, 130, 200]


def run_in_pty(args, columns, env=None):
    """memsnap `args` with standard output on a pseudo-terminal `columns` wide; (rc, text)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))
    p = subprocess.Popen([MEMSNAP, *map(str, args)], stdin=subprocess.DEVNULL, stdout=slave,
                         stderr=subprocess.PIPE, env=env)
    os.close(slave)
    out = b""
    while True:
        try:
            chunk = os.read(master, 65536)
        except OSError:  # EIO: the child closed its end
            break
        if not chunk:
            break
        out += chunk
    p.wait(timeout=60)
    os.close(master)
    return p.returncode, out.decode().replace("\r\n", "\n")  # the tty's ONLCR


def parse_table(text):
    """{row name: {full header: cell}} of a --mem PID table in either layout: the header's
    columns end where their words end (cells and words are right-aligned); rows are the lines
    under the header to the first blank line, and the native heap sub-rows."""
    lines = text.split("\n")
    top = next(i for i, l in enumerate(lines) if l.startswith("-") and "[memory]" in l) + 2
    header = []
    while not lines[top + len(header)].strip().startswith("-"):  # the line under the header
        header.append(lines[top + len(header)])
    ends = [m.end() for m in re.finditer(r"\S+", header[0])]
    names = []
    for e in ends:
        words = []
        for h in header[:2]:
            m = re.search(r"(\S+)$", h[:e])
            if m and m.end() == e:
                words.append(m.group(1))
        key = " ".join(words)
        names.append(ABBREVIATED.get(key, key))
    rows = {}
    body = lines[top + len(header) + 1:]

    def take(line):
        tokens = line.split()
        cells, name = tokens[-len(names):], " ".join(tokens[:-len(names)])
        rows[name] = dict(zip(names, cells))

    i = 0
    while body[i].strip():
        if not set(body[i].strip()) <= {"-"}:
            take(body[i])
        i += 1
    if "native heap:" in body:
        j = body.index("native heap:") + 1
        while j < len(body) and body[j].strip():
            take(body[j])
            j += 1
    return names, rows


class TableWidth(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="memsnap-width-")
        cls.cap = os.path.join(cls.dir, "cap.tar")
        with Memhog() as hog:
            hog.cmd("brk 24")
            hog.cmd("threadmalloc 8")  # a 64 MiB non-main arena: native heap (inferred)
            hog.cmd("threads 3 worker")
            r = memsnap("capture", hog.pid, "-o", cls.cap)
            if r.returncode != 0:
                raise AssertionError(f"capture exited {r.returncode}: {r.stderr}")
            cls.pid = hog.pid
        cls.args = ["--proc-root", cls.cap, "--mem", cls.pid]
        cls.full = memsnap(*cls.args).stdout  # a pipe, no --columns: the full layout
        cls.env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir, ignore_errors=True)

    def check_fitted(self, text, width):
        for line in text.split("\n"):
            self.assertLessEqual(len(line), width, f"width {width}: {line!r}\n{text}")
        names, rows = parse_table(text)
        full_names, full_rows = parse_table(self.full)
        self.assertEqual(full_names, FULL_HEADERS)
        self.assertIn("Pss Total", names)
        self.assertEqual(set(rows), set(full_rows))  # every row, Total and native sub-rows
        for name, cells in rows.items():
            for column, cell in cells.items():
                self.assertEqual(cell, full_rows[name][column], f"width {width}, {name}, {column}")
        # Nothing of the table itself is lost but columns: the sections under it are the same.
        self.assertEqual(text[text.index("\nfd: "):], self.full[self.full.index("\nfd: "):])
        return names

    def test_full_layout_is_hidumpers_in_a_pipe(self):
        full_names, rows = parse_table(self.full)
        self.assertEqual(full_names, FULL_HEADERS)
        self.assertIn("native heap (inferred)", rows)
        self.assertEqual(max(len(l) for l in self.full.split("\n")), 22 + 150)
        # A pipe keeps that layout whatever $COLUMNS says; --columns all anywhere.
        env = dict(self.env, COLUMNS="60")
        piped = subprocess.run([MEMSNAP, *map(str, self.args)], env=env, capture_output=True, text=True)
        self.assertEqual(piped.stdout, self.full)
        for width in (40, 80):
            rc, text = run_in_pty([*self.args, "--columns", "all"], width, self.env)
            self.assertEqual((rc, text), (0, self.full))

    def test_fits_the_terminal_at_every_width(self):
        seen = {}
        for width in WIDTHS:
            rc, text = run_in_pty(self.args, width, self.env)
            self.assertEqual(rc, 0, text)
            seen[width] = self.check_fitted(text, width)
            # $COLUMNS, --columns fit in a pipe and --columns N give the same table.
            env = dict(self.env, COLUMNS=str(width))
            fit = subprocess.run([MEMSNAP, *map(str, self.args), "--columns", "fit"], env=env,
                                 capture_output=True, text=True)
            self.assertEqual(fit.stdout, text)
            self.assertEqual(memsnap(*self.args, "--columns", width).stdout, text)
        # The Heap columns (never known on Linux) go first, at any width; then columns only go.
        self.assertNotIn("Heap Size", seen[200])
        self.assertEqual(seen[200], FULL_HEADERS[:7])
        self.assertEqual(seen[40][0], "Pss Total")
        for narrow, wide in zip(WIDTHS, WIDTHS[1:]):
            self.assertLessEqual(set(seen[narrow]), set(seen[wide]))

    def test_hidumper_rules_keep_hidumpers_layout(self):
        piped = memsnap(*self.args, "--rules", "hidumper").stdout
        self.assertGreater(max(len(l) for l in piped.split("\n")), 160)
        for width in (40, 100):
            rc, text = run_in_pty([*self.args, "--rules", "hidumper"], width, self.env)
            self.assertEqual((rc, text), (0, piped))

    def test_human_sizes_fit_too(self):
        rc, text = run_in_pty([*self.args, "--human"], 72, self.env)
        self.assertEqual(rc, 0)
        self.assertLessEqual(max(len(l) for l in text.split("\n")), 72, text)
        self.assertIn("MiB", text)

    def test_bad_width(self):
        r = memsnap(*self.args, "--columns", "10")
        self.assertEqual(r.returncode, 2)
        self.assertEqual(len(r.stderr.strip().split("\n")), 1, r.stderr)
        self.assertIn("--columns", r.stderr)


if __name__ == "__main__":
    unittest.main()
