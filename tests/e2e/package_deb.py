"""The Debian package (packaging/debian/cpack.cmake): `cpack -G DEB` in the build directory, then
its contents (dpkg-deb -c) against Debian's paths, its Depends against the libraries the binary
needs (objdump NEEDED, owner package from dpkg -S), lintian with no error, and the binary run
from a throwaway root (dpkg -x). Registered in tests/CMakeLists.txt as ctest test package.deb
(label `package`); lintian's warnings are printed in the test's output."""
import glob
import gzip
import os
import re
import shutil
import subprocess
import tempfile
import unittest

ROOT = os.environ.get("MEMSNAP_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(ROOT, "build"))
CPACK = os.environ.get("MEMSNAP_CPACK", "cpack")
VERSION = os.environ.get("MEMSNAP_VERSION", "")

# What a user of the package finds where, and the mode dpkg gives it.
EXPECTED = {
    "./usr/bin/memsnap": "-rwxr-xr-x",
    # serve's HTTP plugin (src/cli/http_server.h), private to memsnap.
    "./usr/lib/memsnap/memsnap-http.so": "-rw-r--r--",
    "./usr/share/man/man1/memsnap.1.gz": "-rw-r--r--",
    "./usr/share/bash-completion/completions/memsnap": "-rw-r--r--",
    "./usr/share/zsh/vendor-completions/_memsnap": "-rw-r--r--",
    "./usr/share/fish/vendor_completions.d/memsnap.fish": "-rw-r--r--",
    "./usr/share/doc/memsnap/changelog.gz": "-rw-r--r--",
    "./usr/share/doc/memsnap/copyright": "-rw-r--r--",
}


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if r.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} exited {r.returncode}:\n{r.stdout[-3000:]}{r.stderr[-3000:]}")
    return r.stdout


def need(tool, package):
    if shutil.which(tool) is None:
        raise AssertionError(f"{tool} is missing: run scripts/setup.sh (Debian package {package})")


class DebianPackage(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        need("dpkg-shlibdeps", "dpkg-dev")
        need("lintian", "lintian")
        cls.out = tempfile.mkdtemp(prefix="memsnap-deb-")
        run([CPACK, "-G", "DEB", "--config", os.path.join(BUILD, "CPackConfig.cmake"),
             "-B", cls.out])
        debs = glob.glob(os.path.join(cls.out, "*.deb"))
        if len(debs) != 1:
            raise AssertionError(f"cpack wrote {debs}, expected one .deb")
        cls.deb = debs[0]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.out, True)

    def field(self, name):
        return run(["dpkg-deb", "-f", self.deb, name]).strip()

    def test_contents_are_in_debian_paths_owned_by_root(self):
        listing = {}
        for line in run(["dpkg-deb", "-c", self.deb]).splitlines():
            # -rwxr-xr-x root/root   1234 2026-12-01 21:00 ./usr/bin/memsnap
            mode, owner, _size, _date, _time, path = line.split(None, 5)
            listing[path] = (mode, owner)
        for path, mode in EXPECTED.items():
            with self.subTest(path=path):
                self.assertIn(path, listing)
                self.assertEqual(listing[path], (mode, "root/root"))
        files = {p for p, (m, _) in listing.items() if not m.startswith("d")}
        self.assertEqual(files, set(EXPECTED), "no file the package does not need")

    def test_version_and_changelog_follow_the_project(self):
        self.assertEqual(self.field("Version"), VERSION)
        with open(os.path.join(ROOT, "packaging", "debian", "changelog")) as f:
            top = f.readline()
        self.assertRegex(top, rf"^memsnap \({re.escape(VERSION)}\) ")

    def test_depends_names_the_package_of_every_needed_library(self):
        depends = self.field("Depends")
        root = tempfile.mkdtemp(dir=self.out)
        run(["dpkg-deb", "-x", self.deb, root])
        needed = []
        for elf in ("usr/bin/memsnap", "usr/lib/memsnap/memsnap-http.so"):
            needed += re.findall(r"NEEDED\s+(\S+)", run(["objdump", "-p", os.path.join(root, elf)]))
        self.assertTrue(needed, "a dynamically linked binary needs at least libc")
        for lib in needed:
            # dpkg -S names the package that ships the library, independently of dpkg-shlibdeps.
            owners = run(["dpkg", "-S", f"*/{lib}"]).splitlines()
            pkgs = {line.split(":")[0] for line in owners if not line.startswith("diversion")}
            with self.subTest(lib=lib):
                self.assertTrue(any(re.search(rf"(^|, ){re.escape(p)} \(>= ", depends)
                                    for p in pkgs), f"{lib} ({pkgs}) not in Depends: {depends}")

    def test_lintian_finds_no_error(self):
        r = subprocess.run(["lintian", "--tag-display-limit", "0", self.deb], capture_output=True,
                           text=True, timeout=600)
        tags = [l for l in r.stdout.splitlines() if re.match(r"^[EWIP]: ", l)]
        print("lintian:\n  " + "\n  ".join(tags or ["(no tags)"]), flush=True)
        self.assertEqual([t for t in tags if t.startswith("E: ")], [], r.stderr)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)  # 1: errors; others: lintian failed

    def test_binary_runs_from_a_throwaway_root(self):
        root = tempfile.mkdtemp(dir=self.out)
        run(["dpkg-deb", "-x", self.deb, root])
        out = run([os.path.join(root, "usr/bin/memsnap"), "--version"])
        self.assertEqual(out.strip(), VERSION)
        # serve finds its plugin beside the binary's root (../lib/memsnap/), wherever that is.
        serve = subprocess.Popen([os.path.join(root, "usr/bin/memsnap"), "serve", "self",
                                  "--listen", "127.0.0.1:0"], stderr=subprocess.PIPE, text=True)
        try:
            line = serve.stderr.readline()
        finally:
            serve.terminate()
            serve.wait(timeout=30)
        self.assertIn("listening on http://127.0.0.1:", line)
        self.assertEqual(serve.returncode, 0)
        with gzip.open(os.path.join(root, "usr/share/man/man1/memsnap.1.gz"), "rt") as f:
            with open(os.path.join(ROOT, "man", "memsnap.1")) as src:
                self.assertEqual(f.read(), src.read(), "the man page is the source's, compressed")


if __name__ == "__main__":
    unittest.main()
