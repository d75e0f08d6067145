"""The man page stays true to the binary: it renders without groff warnings, names every
subcommand, option, format and exit code that the code has (read from memsnap's own --help and
src/cli/common.h, so a new option fails here until it is documented), and --version prints the
version CMakeLists.txt declares."""
import os
import re
import subprocess

import cli_help
from harness import memsnap, unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MAN = os.path.join(ROOT, "man", "memsnap.1")


def render_man(width, warnings=False):
    """`man -l man/memsnap.1` at `width` columns in the C locale (plain ASCII hyphens)."""
    env = dict(os.environ, MANWIDTH=str(width), LC_ALL="C", MAN_KEEP_FORMATTING="")
    env.pop("MANPAGER", None)
    env.pop("PAGER", None)
    args = ["man"] + (["--warnings"] if warnings else []) + ["-l", MAN]
    return subprocess.run(args, capture_output=True, text=True, env=env, timeout=60)


def man_section(text, title):
    """The rendered text of one section (from its heading to the next heading)."""
    m = re.search(rf"^{re.escape(title)}\n(.*?)(?=^\S)", text, re.S | re.M)
    if not m:
        raise AssertionError(f"the man page has no {title} section")
    return m.group(1)


def project_version():
    with open(os.path.join(ROOT, "CMakeLists.txt")) as f:
        m = re.search(r"project\(\s*memsnap\s+VERSION\s+([0-9][0-9.]*)", f.read())
    if not m:
        raise AssertionError("no project(memsnap VERSION x.y.z) in CMakeLists.txt")
    return m.group(1)


class ManPage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        r = render_man(1000)
        if r.returncode != 0:
            raise AssertionError(f"man -l failed ({r.returncode}): {r.stderr} "
                                 "(man-db and groff-base come from scripts/setup.sh)")
        cls.text = r.stdout

    def test_renders_without_warnings(self):
        # The width users read it at; groff's warnings (bad requests, lines it cannot adjust,
        # unknown escapes) go to stderr.
        env = dict(os.environ, MANWIDTH="80")
        r = subprocess.run(["man", "--warnings", "-l", MAN], capture_output=True, text=True,
                           env=env, timeout=60)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(r.stderr, "")
        self.assertIn("EXAMPLES", r.stdout)

    def test_every_option_of_every_subcommand(self):
        missing = []
        for sub in [(), *[(s,) for s in cli_help.subcommands()]]:
            for opt in cli_help.options(*sub):
                if not re.search(rf"(?<![\w-]){re.escape(opt)}(?![\w-])", self.text):
                    missing.append(f"{' '.join(('memsnap',) + sub)} {opt}")
        self.assertFalse(missing, "options not in man/memsnap.1")
        self.assertIn("--mem", self.text)

    def test_every_subcommand_and_format(self):
        commands = man_section(self.text, "COMMANDS")
        for sub in cli_help.subcommands():
            self.assertRegex(commands, rf"(?m)^       (?:.*, )?{sub}\b", f"{sub} in COMMANDS")
        formats = man_section(self.text, "OUTPUT FORMATS")
        for sub in cli_help.subcommands():
            if "--format" not in cli_help.options(sub):
                continue  # capture writes a tarball: no formats
            for fmt in cli_help.choices("--format", sub):
                self.assertIn(fmt, formats, f"format {fmt} of {sub} in OUTPUT FORMATS")

    def test_every_exit_code(self):
        with open(os.path.join(ROOT, "src", "cli", "common.h")) as f:
            codes = sorted(set(int(n) for n in re.findall(r"kExit\w+\s*=\s*(\d+)", f.read())))
        self.assertGreaterEqual(len(codes), 6)
        documented = re.findall(r"(?m)^       (\d+)\s", man_section(self.text, "EXIT STATUS"))
        self.assertEqual(sorted(int(n) for n in documented), codes)

    def test_examples_have_the_sampling_loop(self):
        examples = man_section(self.text, "EXAMPLES")
        self.assertIn("while sleep 5; do memsnap snapshot $PID --append app.ndjson; done",
                      examples)
        self.assertIn("memsnap diff app.ndjson\n", examples)

    def test_version_in_header_and_footer(self):
        self.assertIn(f"memsnap {project_version()}", self.text.splitlines()[-1])


class Version(unittest.TestCase):
    def test_version_is_the_cmake_project_version(self):
        r = memsnap("--version")
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(r.stdout.strip(), project_version())



class TopLevelHelp(unittest.TestCase):
    def test_names_the_headline_spellings(self):
        # README's first spellings are `memsnap --mem PID` and `memsnap --smaps FILE`: the
        # top-level --help must name both, not only the subcommands.
        r = memsnap("--help")
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertRegex(r.stdout, r"(?m)^  memsnap --mem PID")
        self.assertRegex(r.stdout, r"(?m)^  memsnap --smaps FILE")



class UsageErrors(unittest.TestCase):
    # Command lines CLI11 refuses, and words of CLI11's own messages that must not reach a user.
    BAD = [["diff", "a", "b", "c"], ["diff"], ["--mem", "--top", "abc"], ["--mem", "--format", "xml"],
           ["mem", "--bogus"], ["snapshot"], ["snapshot", "1", "2"],
           ["watch", "self", "--count", "3", "--duration", "1s"], ["watch", "self", "--count"],
           ["--mem", "1", "--sort", "nope"], ["diff", "a", "--js-heap", "weird"]]
    RAW = ["required but received", "Run with --help", "not expected", "Could not convert",
           " is required", " not in {", " excludes "]

    def test_each_is_one_sentence_about_memsnaps_arguments(self):
        for args in self.BAD:
            with self.subTest(args=args):
                r = memsnap(*args)
                self.assertEqual(r.returncode, 2, r.stderr)
                lines = r.stderr.splitlines()
                self.assertEqual(len(lines), 1, r.stderr)
                sub = args[0] if args[0] in cli_help.subcommands() else "mem"
                prefix = f"memsnap {args[0]}: " if args[0] == sub else "memsnap"
                self.assertTrue(lines[0].startswith(prefix), lines[0])
                self.assertTrue(lines[0].endswith("--help` lists what it takes)"), lines[0])
                for raw in self.RAW:
                    self.assertNotIn(raw, lines[0])



class HelpText(unittest.TestCase):
    def test_every_help_is_printable_text(self):
        # CLI11 printed --rules' enum values as raw bytes (\x00-\x02) before the option took
        # the names themselves.
        for sub in [(), *[(s,) for s in cli_help.subcommands()]]:
            r = memsnap(*sub, "--help")
            bad = sorted({hex(ord(c)) for c in r.stdout if ord(c) < 32 and c != "\n"})
            self.assertEqual(bad, [], " ".join(("memsnap",) + sub))

    def test_rules_lists_its_names_and_refuses_another(self):
        for sub in [s for s in cli_help.subcommands() if "--rules" in cli_help.options(s)]:
            self.assertEqual(cli_help.choices("--rules", sub), ["memsnap", "hidumper", "dumpsys"], sub)
        r = memsnap("--mem", "self", "--rules", "nope")
        self.assertEqual(r.returncode, 2)
        self.assertIn("--rules takes memsnap, hidumper or dumpsys, not 'nope'", r.stderr)


if __name__ == "__main__":
    unittest.main()
