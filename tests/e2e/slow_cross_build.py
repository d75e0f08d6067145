"""Static memsnap for arm64 and armhf, built with Debian's cross toolchains (cmake/toolchain-*.cmake,
the targets' libarchive.a and libz.a from Debian multiarch: scripts/setup.sh --cross), run under
qemu-user on the fixture trees, a tarball of one, hostile inputs, and on a capture of a real
process taken here by the native build: its exit status, standard output and standard error must
be byte for byte the native build's. armhf is the point: 32-bit size_t, long and time_t, and a
kernel (the host's, under qemu) with 64-bit addresses, inodes and directory offsets.

Registered in tests/CMakeLists.txt as ctest test cross.arm (label `cross`; scripts/test.sh skips
it; `scripts/test.sh --cross` runs it, not yet .ci/run). Each build lives in <build>/cross-<arch> and is reused when it exists; the
compiler goes through ccache when there is one."""
import json
import os
import shutil
import struct
import subprocess
import tarfile
import tempfile
import time
import unittest

from harness import FIXTURES, MEMSNAP, Memhog

ROOT = os.environ.get("MEMSNAP_SOURCE_DIR",
                      os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
BUILD = os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(ROOT, "build"))
CMAKE = os.environ.get("MEMSNAP_CMAKE", "cmake")
GENERATOR = os.environ.get("MEMSNAP_GENERATOR", "Ninja")

# toolchain file suffix -> (qemu-user binary, ELF e_machine, ELF class, `uname -m` under qemu)
TARGETS = {
    "aarch64": ("qemu-aarch64-static", 183, 2, "aarch64"),  # EM_AARCH64, ELFCLASS64
    "armhf": ("qemu-arm-static", 40, 1, "armv7l"),          # EM_ARM, ELFCLASS32
}
# MEMSNAP_CROSS_TARGETS="aarch64" checks one target only (by hand, while working on one).
TARGETS = {a: TARGETS[a] for a in os.environ.get("MEMSNAP_CROSS_TARGETS", " ".join(TARGETS)).split()}
PT_DYNAMIC, PT_INTERP = 2, 3


def build(arch):
    d = os.path.join(BUILD, f"cross-{arch}")
    configure = [CMAKE, "-S", ROOT, "-B", d, "-G", GENERATOR,
                 f"-DCMAKE_TOOLCHAIN_FILE={ROOT}/cmake/toolchain-{arch}.cmake",
                 "-DMEMSNAP_STATIC=ON", "-DMEMSNAP_TESTS=OFF", "-DMEMSNAP_WERROR=ON",
                 "-DCMAKE_BUILD_TYPE=Release"]
    if shutil.which("ccache"):
        configure += ["-DCMAKE_CXX_COMPILER_LAUNCHER=ccache", "-DCMAKE_C_COMPILER_LAUNCHER=ccache"]
    steps = [configure, [CMAKE, "--build", d, "--target", "memsnap", "-j2"]]
    if os.path.exists(os.path.join(d, "CMakeCache.txt")):
        steps = steps[1:]  # reuse: the build re-runs CMake itself when a CMake file changed
    for cmd in steps:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=3000)
        if r.returncode != 0:
            raise AssertionError(f"{' '.join(cmd)} failed:\n{r.stdout[-4000:]}{r.stderr[-4000:]}")
    return os.path.join(d, "memsnap")


def elf_program_headers(path):
    """(class, e_machine, [p_type...]) of an ELF file, from its header (the ELF spec's layout)."""
    with open(path, "rb") as f:
        head = f.read(64)
        if head[:4] != b"\x7fELF" or head[5] != 1:
            raise AssertionError(f"{path}: not a little-endian ELF file")
        cls = head[4]
        machine = struct.unpack_from("<H", head, 18)[0]
        if cls == 2:
            phoff, = struct.unpack_from("<Q", head, 32)
            phentsize, phnum = struct.unpack_from("<HH", head, 54)
        else:
            phoff, = struct.unpack_from("<I", head, 28)
            phentsize, phnum = struct.unpack_from("<HH", head, 42)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
    types = [struct.unpack_from("<I", table, i * phentsize)[0] for i in range(phnum)]
    return cls, machine, types


def process_dirs(tree):
    return sorted((p for p in os.listdir(tree)
                   if p.isdigit() and os.path.isfile(os.path.join(tree, p, "smaps"))), key=int)


def fixture_cases():
    """Argument lists over every fixture tree: each process's table under the three rule sets,
    with and without inference, Prometheus text and the mapping view; the listing, with
    categories. (A process's JSON carries the read time: test_fixture_snapshots_...)"""
    cases = []
    for name in sorted(os.listdir(FIXTURES)):
        tree = os.path.join(FIXTURES, name)
        if not os.path.isfile(os.path.join(tree, "meminfo")):
            continue
        for pid in process_dirs(tree):
            cases += [["--mem", pid, "--proc-root", tree],
                      ["--mem", pid, "--proc-root", tree, "--no-infer"],
                      ["--mem", pid, "--proc-root", tree, "--rules", "hidumper"],
                      ["--mem", pid, "--proc-root", tree, "--rules", "dumpsys"],
                      ["--mem", pid, "--proc-root", tree, "--format", "prom"],
                      ["--mem-smaps", pid, "--proc-root", tree, "-v"]]
        cases += [["--mem", "--proc-root", tree],
                  ["--mem", "--proc-root", tree, "--categories", "--format", "json"]]
    return cases


def without_read_time(out):
    """A snapshot of a directory tree carries the time memsnap read it (`time_ms`, no manifest):
    the two runs read at different moments. Everything else must be equal."""
    snap = json.loads(out)
    snap.pop("time_ms")
    return snap


class CrossBuild(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="memsnap-cross-")
        cls.binaries = {}
        for arch, (qemu, *_rest) in TARGETS.items():
            if shutil.which(qemu) is None:
                raise AssertionError(f"{qemu} is missing: run scripts/setup.sh --cross")
            start = time.monotonic()
            cls.binaries[arch] = build(arch)
            print(f"cross build {arch}: {time.monotonic() - start:.1f}s", flush=True)
        # Captures of a real grown process, taken here by the native build: two, 1 s apart,
        # with growth between them, so diff has an interval and a verdict to agree on.
        with Memhog() as hog:
            hog.cmd("brk 16")
            hog.cmd("pipes 3")
            hog.cmd("threads 2 crossworker")
            cls.pid = hog.pid
            cls.capture = os.path.join(cls.tmp, "cap.tar.gz")
            cls.capture2 = os.path.join(cls.tmp, "cap2.tar")
            cls.capture_native(hog.pid, cls.capture)
            time.sleep(1)
            hog.cmd("mmap 64")
            cls.capture_native(hog.pid, cls.capture2)
            # And one taken by each cross binary, under qemu, of the same live process.
            cls.cross_captures = {}
            for arch, (qemu, *_rest) in TARGETS.items():
                p = os.path.join(cls.tmp, f"cap-{arch}.tar")
                r = subprocess.run([qemu, cls.binaries[arch], "capture", str(hog.pid), "-o", p],
                                   capture_output=True, text=True, timeout=300)
                if r.returncode != 0:
                    raise AssertionError(f"{arch} capture failed: {r.stderr}")
                cls.cross_captures[arch] = p

    @classmethod
    def capture_native(cls, pid, path):
        r = subprocess.run([MEMSNAP, "capture", str(pid), "-o", path],
                           capture_output=True, text=True, timeout=120)
        if r.returncode != 0:
            raise AssertionError(f"capture failed: {r.stderr}")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, True)

    def run_both(self, arch, args, normalize=None):
        """Runs the native and the cross binary with `args`; asserts the same exit status, output
        and errors. `normalize` maps standard output before comparing (it must then parse)."""
        qemu = TARGETS[arch][0]
        native = subprocess.run([MEMSNAP, *args], capture_output=True, timeout=120)
        cross = subprocess.run([qemu, self.binaries[arch], *args], capture_output=True,
                               timeout=300)
        if normalize is not None and native.returncode == 0 and cross.returncode == 0:
            self.assertEqual(normalize(cross.stdout), normalize(native.stdout), args)
            self.assertEqual((cross.returncode, cross.stderr),
                             (native.returncode, native.stderr), args)
        else:
            self.assertEqual((cross.returncode, cross.stdout.decode(errors="replace"),
                              cross.stderr.decode(errors="replace")),
                             (native.returncode, native.stdout.decode(errors="replace"),
                              native.stderr.decode(errors="replace")), args)
        return native

    def test_static_elf_for_the_target(self):
        for arch, (_qemu, machine, elf_class, _uname) in TARGETS.items():
            cls, m, types = elf_program_headers(self.binaries[arch])
            self.assertEqual((cls, m), (elf_class, machine), arch)
            self.assertIn(1, types, f"{arch}: a PT_LOAD segment")
            self.assertNotIn(PT_INTERP, types, f"{arch}: no program interpreter")
            self.assertNotIn(PT_DYNAMIC, types, f"{arch}: no dynamic section")

    def test_fixture_trees_byte_for_byte(self):
        cases = fixture_cases()
        self.assertGreater(len(cases), 40)
        for arch in TARGETS:
            for args in cases:
                with self.subTest(arch=arch, args=args):
                    self.run_both(arch, args)

    def test_fixture_snapshots_equal_but_the_read_time(self):
        for arch in TARGETS:
            for name in ("android-app", "ohos-app", "gpu-dmabuf", "linux-real"):
                tree = os.path.join(FIXTURES, name)
                for pid in process_dirs(tree):
                    with self.subTest(arch=arch, tree=name):
                        self.run_both(arch, ["snapshot", pid, "--proc-root", tree],
                                      without_read_time)
                        self.run_both(arch, ["--mem", pid, "--proc-root", tree, "--format",
                                             "json"], without_read_time)

    def test_a_tarball_of_a_fixture_tree(self):
        # The OpenHarmony tree as a .tar.gz (libarchive's gzip and tar readers on the target).
        tgz = os.path.join(self.tmp, "ohos.tar.gz")
        with tarfile.open(tgz, "w:gz") as t:
            t.add(os.path.join(FIXTURES, "ohos-app"), arcname=".")
        for arch in TARGETS:
            for args in (["--mem", "1198", "--proc-root", tgz],
                         ["--mem", "1198", "--proc-root", tgz, "--rules", "hidumper"],
                         ["--mem", "--proc-root", tgz]):
                with self.subTest(arch=arch, args=args):
                    self.run_both(arch, args)

    def test_lone_smaps_and_bad_input_alike(self):
        # A lone smaps labelled with a time past 2038 (time_t is 32 bits on armhf); hostile
        # smaps (numbers past 64 bits, cut mid-number), a cut archive, a missing PID: the same
        # output, or one-line error and exit status, on every target.
        cut = os.path.join(self.tmp, "cut.tar")
        with open(self.capture2, "rb") as f:
            data = f.read()
        with open(cut, "wb") as f:
            f.write(data[:len(data) // 2])
        cases = [["--mem", "--smaps", os.path.join(FIXTURES, "fuzz-regressions", "smaps", n),
                  "--time", "2026-12-01T10:00:00Z"]
                 for n in sorted(os.listdir(os.path.join(FIXTURES, "fuzz-regressions", "smaps")))]
        cases += [["--mem", "--smaps", os.path.join(FIXTURES, "linux-real", "6603", "smaps"),
                   "--time", "2040-02-30T12:00:00.250Z", "--pid", "6603", "--format", "json"],
                  ["--mem", str(self.pid), "--proc-root", cut],
                  ["--mem", "999999", "--proc-root", self.capture]]
        for arch in TARGETS:
            for args in cases:
                with self.subTest(arch=arch, args=args):
                    self.run_both(arch, args)

    def test_a_chart_and_a_report_past_2038(self):
        # Six snapshots of a fixture smaps dated 2040 (a 32-bit time_t ends in January 2038):
        # the chart's and the report's wall clock must be the native build's, in UTC and in a
        # zone with an offset.
        smaps = os.path.join(FIXTURES, "linux-real", "6603", "smaps")
        series = os.path.join(self.tmp, "2040.ndjson")
        with open(series, "w") as f:
            for i in range(6):
                snap = subprocess.run(
                    [MEMSNAP, "--mem", "--smaps", smaps, "--pid", "6603", "--format", "json",
                     "--time", f"2040-03-01T10:00:{i * 5:02}Z"],
                    capture_output=True, check=True, timeout=60, text=True).stdout
                f.write(json.dumps(json.loads(snap)) + "\n")  # one line each: a series
        for arch in TARGETS:
            for tz in ("UTC", "Asia/Kolkata"):
                os.environ["TZ"] = tz
                try:
                    for args in (["plot", series, "-o", "-"], ["report", series, "-o", "-"]):
                        with self.subTest(arch=arch, tz=tz, args=args):
                            out = self.run_both(arch, args).stdout.decode()
                            self.assertIn("2040-03-01", out)
                finally:
                    del os.environ["TZ"]

    def test_a_capture_taken_here_byte_for_byte(self):
        pid = str(self.pid)
        snaps = {}
        for i, cap in enumerate((self.capture, self.capture2)):
            snaps[cap] = os.path.join(self.tmp, f"snap{i}.json")
            with open(snaps[cap], "wb") as f:
                f.write(subprocess.run([MEMSNAP, "snapshot", pid, "--proc-root", cap],
                                       capture_output=True, check=True, timeout=60).stdout)
        for arch in TARGETS:
            for args in (["--mem", pid, "--proc-root", self.capture],
                         ["--mem", pid, "--proc-root", self.capture, "--format", "json"],
                         ["--mem", pid, "--proc-root", self.capture, "--fds"],
                         ["--mem-smaps", pid, "--proc-root", self.capture2],
                         ["snapshot", pid, "--proc-root", self.capture],
                         ["snapshot", pid, "--proc-root", self.capture2, "--mappings"],
                         ["--mem", "--proc-root", self.capture2],
                         ["diff", snaps[self.capture], snaps[self.capture2]],
                         ["diff", snaps[self.capture], snaps[self.capture2], "--format", "json"]):
                with self.subTest(arch=arch, args=args):
                    self.run_both(arch, args)
            snap = json.loads(self.run_both(arch, ["snapshot", pid, "--proc-root",
                                                   self.capture]).stdout)
            self.assertEqual(snap["time_source"], "capture manifest")
            self.assertGreater(snap["total"]["pss"], 16 * 1024)

    def test_the_cross_binary_captures_under_qemu(self):
        for arch, (_qemu, _m, _c, uname) in TARGETS.items():
            p = self.cross_captures[arch]
            r = subprocess.run([MEMSNAP, "snapshot", str(self.pid), "--proc-root", p],
                               capture_output=True, text=True, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            snap = json.loads(r.stdout)
            self.assertEqual(snap["name"], "memhog")
            self.assertEqual(snap["thread"]["by_name"].get("crossworker-0"), 1)
            with tarfile.open(p) as t:
                manifest = json.load(t.extractfile("memsnap-capture.json"))
            self.assertEqual(manifest["machine"], uname, arch)


if __name__ == "__main__":
    unittest.main()
