"""-DMEMSNAP_STATIC=ON yields one binary with no shared-library dependencies, to copy onto a
device: a second build of memsnap alone (MEMSNAP_TESTS=OFF) in <build>/static-build, reused when
it exists, then `ldd` must say it is not dynamic and it must run. Registered in
tests/CMakeLists.txt as ctest test slow.static_build (label `slow`, skipped by `ctest -LE slow`)."""
import os
import subprocess
import time
import unittest

ROOT = os.environ.get("MEMSNAP_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(ROOT, "build"))
CMAKE = os.environ.get("MEMSNAP_CMAKE", "cmake")
GENERATOR = os.environ.get("MEMSNAP_GENERATOR", "Ninja")


class StaticBuild(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = os.path.join(BUILD, "static-build")
        start = time.monotonic()
        steps = [
            [CMAKE, "-S", ROOT, "-B", cls.dir, "-G", GENERATOR, "-DMEMSNAP_STATIC=ON",
             "-DMEMSNAP_TESTS=OFF"],
            [CMAKE, "--build", cls.dir, "--target", "memsnap", "-j2"],
        ]
        if os.path.exists(os.path.join(cls.dir, "CMakeCache.txt")):
            steps = steps[1:]  # reuse: the build re-runs CMake itself when a CMake file changed
        for cmd in steps:
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=1500)
            if r.returncode != 0:
                raise AssertionError(f"{' '.join(cmd)} failed:\n{r.stdout[-4000:]}{r.stderr[-4000:]}")
        print(f"static build: {time.monotonic() - start:.1f}s", flush=True)
        cls.binary = os.path.join(cls.dir, "memsnap")

    def test_ldd_says_not_dynamic(self):
        r = subprocess.run(["ldd", self.binary], capture_output=True, text=True, timeout=60)
        self.assertIn("not a dynamic executable", r.stdout + r.stderr)
        with open(self.binary, "rb") as f:
            elf = f.read()
        self.assertNotIn(b"ld-linux", elf[:4096], "no program interpreter")

    def test_runs_mem_self(self):
        r = subprocess.run([self.binary, "--mem", "self"], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("native heap", r.stdout)
        self.assertRegex(r.stdout, r"(?m)^\s+Total\s+[1-9]")

    def test_runs_with_an_empty_environment(self):
        # On a device there is no locale, no HOME, nothing: it must not need them.
        r = subprocess.run([self.binary, "--mem", "self", "--format", "prom"], env={},
                           capture_output=True, text=True, timeout=60)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertIn("memsnap_category_pss_bytes{", r.stdout)

    def test_user_names_without_nss(self):
        # A static glibc cannot load NSS modules, and a device has none: hide this machine's (a
        # mount namespace with an empty directory over the library folder) and --user must still
        # find a name of /etc/passwd, as Python's pwd module reads it (glibc 2.34 and later
        # build their files backend in; an older or another libc would fail here).
        if os.geteuid() != 0 or subprocess.run(["unshare", "--mount", "true"]).returncode != 0:
            self.skipTest("needs root and unshare --mount")
        import json
        import pwd
        import tempfile
        user = pwd.getpwuid(0).pw_name
        libdir = os.path.dirname(os.path.realpath("/lib/x86_64-linux-gnu/libc.so.6"))
        with tempfile.TemporaryDirectory() as empty:
            script = (f"mount --bind {empty} {libdir} && "
                      f"exec {self.binary} --mem --user {user} --format json")
            r = subprocess.run(["unshare", "--mount", "sh", "-c", script], capture_output=True,
                               text=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        procs = json.loads(r.stdout)["processes"]
        self.assertTrue(procs)
        self.assertEqual({p["uid"] for p in procs}, {0})


if __name__ == "__main__":
    unittest.main()
