"""Shell completions (completions/) loaded into the real shells and driven as a user's TAB would:
bash through bash-completion's _init_completion with COMP_WORDS/COMP_CWORD, fish with
`complete -C`, zsh on a pseudo-terminal. What each must offer comes from memsnap's own --help
(cli_help.py), so an option or format added to the code but not to a completion fails here."""
import os
import pty
import re
import select
import shutil
import subprocess
import time

import cli_help
from harness import Memhog, unittest

COMPLETIONS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "completions")
BASH_COMPLETION = "/usr/share/bash-completion/bash_completion"
SETUP_HINT = "run scripts/setup.sh (it installs the Debian packages bash-completion, zsh and fish)"


def bash_complete(*words):
    """What the bash completion offers for the command line `words` (the last word is the one
    being completed, "" for a TAB after a space): COMPREPLY, and `complete -p memsnap`."""
    script = f"""
source {BASH_COMPLETION}
source {os.path.join(COMPLETIONS, "memsnap.bash")}
complete -p memsnap
COMP_WORDS=("$@")
COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
COMP_LINE="${{COMP_WORDS[*]}}"
COMP_POINT=${{#COMP_LINE}}
COMPREPLY=()
_memsnap memsnap "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
printf '%s\\n' "${{COMPREPLY[@]}}"
"""
    r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script, "bash", *words],
                       capture_output=True, text=True, timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"bash completion failed: {r.stderr}")
    lines = r.stdout.splitlines()
    return lines[0], [w for w in lines[1:] if w]


def fish_complete(line):
    """What fish offers for `line` (complete -C), without descriptions."""
    script = f"source {os.path.join(COMPLETIONS, 'memsnap.fish')}; complete -C {shquote(line)}"
    r = subprocess.run(["fish", "--no-config", "-c", script], capture_output=True, text=True,
                       timeout=30)
    if r.returncode != 0:
        raise AssertionError(f"fish completion failed: {r.stderr}")
    return [l.split("\t")[0] for l in r.stdout.splitlines()]


def shquote(s):
    return "'" + s.replace("\\", "\\\\").replace("'", "\\'") + "'"


class Bash(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not os.path.exists(BASH_COMPLETION):
            raise AssertionError(f"{BASH_COMPLETION} is missing: {SETUP_HINT}")

    def test_registered_for_memsnap(self):
        spec, _ = bash_complete("memsnap", "")
        self.assertEqual(spec, "complete -F _memsnap memsnap")

    def test_subcommand_prefix(self):
        self.assertEqual(bash_complete("memsnap", "sn")[1], ["snapshot"])
        self.assertEqual(sorted(bash_complete("memsnap", "")[1]), sorted(cli_help.subcommands()))

    def test_format_names(self):
        # memsnap --format <TAB> is mem's; each subcommand offers exactly its own formats.
        self.assertEqual(sorted(bash_complete("memsnap", "--format", "")[1]),
                         sorted(cli_help.choices("--format", "mem")))
        self.assertEqual(bash_complete("memsnap", "--format", "c")[1], ["csv"])
        for sub in cli_help.subcommands():
            if "--format" not in cli_help.options(sub):
                continue  # capture writes a tarball: no formats
            with self.subTest(sub=sub):
                got = bash_complete("memsnap", sub, "--format", "")[1]
                self.assertEqual(sorted(got), sorted(cli_help.choices("--format", sub)))

    def test_every_option_of_every_subcommand(self):
        for sub in cli_help.subcommands():
            with self.subTest(sub=sub):
                offered = set(bash_complete("memsnap", sub, "-")[1])
                missing = set(cli_help.options(sub)) - offered - {"-h"}
                self.assertFalse(missing, f"`memsnap {sub} -<TAB>` does not offer {missing}")
        offered = set(bash_complete("memsnap", "-")[1])
        self.assertFalse(set(cli_help.long_options()) - offered)
        # memsnap --smaps FILE works without a subcommand: mem's options are offered there too.
        self.assertFalse(set(cli_help.long_options("mem")) - offered)
        self.assertIn("--mem", offered)

    def test_js_heap_rules(self):
        self.assertEqual(sorted(bash_complete("memsnap", "diff", "--js-heap", "")[1]),
                         sorted(cli_help.choices("--js-heap", "diff")))

    def test_pid_and_process_name(self):
        with Memhog() as hog:
            hog.cmd("comm mscompletest")
            pids = bash_complete("memsnap", "--mem", str(hog.pid))[1]
            self.assertIn(str(hog.pid), pids)
            self.assertEqual(bash_complete("memsnap", "snapshot", "mscomplete")[1], ["mscompletest"])
            self.assertEqual(bash_complete("memsnap", "mem", "sel")[1], ["self"])

    def test_process_name_with_a_double_quote(self):
        # compgen -W unquotes its word list: one such name used to make every name vanish.
        with Memhog() as odd, Memhog() as plain:
            odd.cmd('comm ms"quote')
            plain.cmd("comm msplainq")
            got = bash_complete("memsnap", "--mem", "ms")[1]
            self.assertIn("msplainq", got)
            self.assertIn('ms\\"quote', got, "offered quoted, as bash's printf %q writes it")
            self.assertIn(str(odd.pid), bash_complete("memsnap", "--mem", str(odd.pid))[1])


class Fish(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if shutil.which("fish") is None:
            raise AssertionError(f"fish is missing: {SETUP_HINT}")

    def test_syntax(self):
        r = subprocess.run(["fish", "--no-execute", os.path.join(COMPLETIONS, "memsnap.fish")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_subcommand_and_formats(self):
        self.assertEqual(fish_complete("memsnap sn"), ["snapshot"])
        self.assertEqual(sorted(fish_complete("memsnap --format ")),
                         sorted(cli_help.choices("--format", "mem")))
        for sub in cli_help.subcommands():
            if "--format" not in cli_help.options(sub):
                continue  # capture writes a tarball: no formats
            with self.subTest(sub=sub):
                self.assertEqual(sorted(fish_complete(f"memsnap {sub} x --format ")),
                                 sorted(cli_help.choices("--format", sub)))

    def test_every_option_of_every_subcommand(self):
        for sub in cli_help.subcommands():
            with self.subTest(sub=sub):
                offered = set(fish_complete(f"memsnap {sub} --"))
                missing = set(cli_help.long_options(sub)) - offered
                self.assertFalse(missing, f"fish `memsnap {sub} --<TAB>` lacks {missing}")
        offered = set(fish_complete("memsnap --"))
        self.assertFalse((set(cli_help.long_options()) | {"--mem"}) - offered)

    def test_pid_and_process_name(self):
        with Memhog() as hog:
            hog.cmd("comm msfishtest")
            self.assertIn(str(hog.pid), fish_complete(f"memsnap --mem {hog.pid}"))
            self.assertEqual(fish_complete("memsnap snapshot msfish"), ["msfishtest"])


ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r|\x08")


class Zsh(unittest.TestCase):
    """zsh's completion system only runs inside its line editor, so the test types into an
    interactive zsh on a pseudo-terminal and reads the screen."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("zsh") is None:
            raise AssertionError(f"zsh is missing: {SETUP_HINT}")

    def test_syntax(self):
        r = subprocess.run(["zsh", "-n", os.path.join(COMPLETIONS, "_memsnap")],
                           capture_output=True, text=True, timeout=30)
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def type_tab(self, line, expect):
        """Types `line` and TAB into a fresh interactive zsh with completions/ on its fpath;
        returns the screen text once every string of `expect` is on it (or after 20 s)."""
        pid, fd = pty.fork()
        if pid == 0:
            os.execvpe("zsh", ["zsh", "-f", "-i"],
                       {"PATH": os.environ["PATH"], "TERM": "xterm", "HOME": "/nonexistent"})
        screen = ""
        try:
            os.write(fd, (f"PS1='%% '; fpath=({COMPLETIONS} $fpath); autoload -Uz compinit; "
                          "compinit -u -D; setopt nobeep; print READY\n").encode())
            self.read_until(fd, lambda text: "\nREADY" in text)
            os.write(fd, (line + "\t").encode())
            screen = self.read_until(fd, lambda text: all(e in text for e in expect))
        finally:
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            os.close(fd)
        return screen

    @staticmethod
    def read_until(fd, done, timeout=20):
        """Reads the terminal until done(text without escape codes) or `timeout` seconds."""
        screen, deadline = "", time.monotonic() + timeout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    screen += os.read(fd, 65536).decode(errors="replace")
                except OSError:
                    break
                if done(ANSI.sub("", screen)):
                    break
        return ANSI.sub("", screen)

    def test_subcommand_prefix(self):
        screen = self.type_tab("memsnap sn", ["memsnap snapshot"])
        self.assertIn("memsnap snapshot", screen)

    def test_format_names(self):
        formats = cli_help.choices("--format", "mem")
        screen = self.type_tab("memsnap --format ", formats)
        for f in formats:
            self.assertIn(f, screen)

    def test_format_names_follow_the_subcommand(self):
        # Right after the subcommand, --format is the subcommand's: diff refuses prom, watch
        # writes ndjson and csv only (the values come from each subcommand's --help).
        # Only the subcommands that take --format (capture, plot and report write one format).
        with_format = [s for s in cli_help.subcommands() if "--format" in cli_help.options(s)]
        every = set().union(*(cli_help.choices("--format", s) for s in with_format))
        for sub in ("diff", "watch", "snapshot"):
            with self.subTest(sub=sub):
                formats = cli_help.choices("--format", sub)
                screen = self.type_tab(f"memsnap {sub} --format ", formats)
                offered = screen.split(f"memsnap {sub} --format", 1)[1]
                for f in formats:
                    self.assertIn(f, offered)
                for f in every - set(formats):
                    self.assertNotRegex(offered, rf"\b{f}\b", f"memsnap {sub} --format offers {f}")

    def test_every_option_is_in_the_file(self):
        with open(os.path.join(COMPLETIONS, "_memsnap")) as f:
            text = f.read()
        for sub in [(), *[(s,) for s in cli_help.subcommands()]]:
            for opt in cli_help.long_options(*sub):
                self.assertIn(opt, text, f"completions/_memsnap lacks {opt} of memsnap {sub}")


if __name__ == "__main__":
    unittest.main()
