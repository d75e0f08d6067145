"""`cmake --install` into a temporary prefix puts each file where its reader looks by default:
the binary in bin/, the man page in share/man/man1/, and the completions where bash-completion,
zsh and fish find them (checked by loading them the way each shell does, not by path alone)."""
import filecmp
import os
import shutil
import subprocess
import tempfile

from harness import unittest

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
BUILD = os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(ROOT, "build"))
CMAKE = os.environ.get("MEMSNAP_CMAKE", "cmake")

INSTALLED = {
    "bin/memsnap": None,
    "lib/memsnap/memsnap-http.so": None,  # serve's HTTP plugin
    "share/man/man1/memsnap.1": "man/memsnap.1",
    "share/bash-completion/completions/memsnap": "completions/memsnap.bash",
    "share/zsh/site-functions/_memsnap": "completions/_memsnap",
    "share/fish/vendor_completions.d/memsnap.fish": "completions/memsnap.fish",
}


class Install(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.prefix = tempfile.mkdtemp(prefix="memsnap-install-")
        r = subprocess.run([CMAKE, "--install", BUILD, "--prefix", cls.prefix],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"cmake --install failed: {r.stdout}{r.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.prefix, True)

    def path(self, rel):
        return os.path.join(self.prefix, rel)

    def test_every_file_is_installed_as_is(self):
        for rel, source in INSTALLED.items():
            with self.subTest(file=rel):
                self.assertTrue(os.path.isfile(self.path(rel)), rel)
                if source:
                    self.assertTrue(filecmp.cmp(self.path(rel), os.path.join(ROOT, source),
                                                shallow=False))

    def test_installed_binary_runs(self):
        binary = self.path("bin/memsnap")
        self.assertTrue(os.access(binary, os.X_OK))
        r = subprocess.run([binary, "--mem", "self", "--format", "csv"], capture_output=True,
                           text=True, timeout=60)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertTrue(r.stdout.startswith("pid,name,category,"))
        # serve loads its plugin from the install, not from the build tree.
        serve = subprocess.Popen([binary, "serve", "self", "--listen", "127.0.0.1:0"],
                                 stderr=subprocess.PIPE, text=True)
        try:
            line = serve.stderr.readline()
        finally:
            serve.terminate()
            serve.wait(timeout=30)
        self.assertIn("listening on http://127.0.0.1:", line)

    def test_bash_completion_loads_on_demand(self):
        # bash-completion looks up completions/<command> under $XDG_DATA_DIRS the first time
        # a command is completed: the installed file must be found there by name.
        script = ("source /usr/share/bash-completion/bash_completion; "
                  "_completion_loader memsnap; complete -p memsnap")
        env = dict(os.environ, XDG_DATA_DIRS=self.path("share"), BASH_COMPLETION_USER_DIR="/nonexistent")
        r = subprocess.run(["bash", "--norc", "--noprofile", "-c", script], capture_output=True,
                           text=True, env=env, timeout=30)
        self.assertEqual(r.stdout.strip(), "complete -F _memsnap memsnap", r.stderr)

    def test_fish_finds_vendor_completion(self):
        if shutil.which("fish") is None:
            raise AssertionError("fish is missing: run scripts/setup.sh")
        # fish loads a command's completions from vendor_completions.d under $XDG_DATA_DIRS,
        # and only for a command it finds on PATH.
        env = dict(os.environ, XDG_DATA_DIRS=self.path("share"), XDG_CONFIG_HOME="/nonexistent",
                   PATH=self.path("bin") + os.pathsep + os.environ["PATH"])
        r = subprocess.run(["fish", "-c", "complete -C 'memsnap sn'"], cwd=self.prefix,
                           capture_output=True, text=True, env=env, timeout=30)
        self.assertEqual(r.stdout.split("\t")[0].strip(), "snapshot", r.stderr)

    def test_zsh_reads_site_functions_of_the_default_prefix(self):
        if shutil.which("zsh") is None:
            raise AssertionError("zsh is missing: run scripts/setup.sh")
        r = subprocess.run(["zsh", "-f", "-c", "print -l $fpath"], capture_output=True,
                           text=True, timeout=30)
        # CMake's default prefix is /usr/local; a distribution package installs under /usr.
        self.assertTrue({"/usr/local/share/zsh/site-functions", "/usr/share/zsh/site-functions"}
                        & set(r.stdout.split()), r.stdout)

    def test_man_finds_the_page_under_the_prefix(self):
        env = dict(os.environ, MANPATH=self.path("share/man"), MANWIDTH="80", LC_ALL="C")
        r = subprocess.run(["man", "memsnap"], capture_output=True, text=True, env=env,
                           timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("MEMSNAP(1)", r.stdout)


if __name__ == "__main__":
    unittest.main()
