"""`memsnap capture` and tarballs as --proc-root, on real processes (tests/helpers/memhog.c).

Expected numbers come from elsewhere than the code under test: the same capture unpacked by
tar(1) and read as a directory tree (the tarball source must give the very same bytes), a live
read of the same idle process (its counters do not move between the two reads, within a few
pages), the clock around the capture, and sums of the kernel's own Pss lines done here."""
import io
import json
import os
import shutil
import socket
import subprocess
import tarfile
import tempfile
import time

from harness import Memhog, PrivateMemhogs, memsnap, unittest

MIB_KB = 1024


class Scratch(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="memsnap-capture-")
        self.addCleanup(shutil.rmtree, self.dir, True)

    def path(self, name):
        return os.path.join(self.dir, name)

    def ok(self, *args):
        r = memsnap(*args)
        self.assertEqual(r.returncode, 0, f"memsnap {args}: {r.stderr}")
        return r

    def quiet_memhog(self):
        """A memhog on private copies of its files (harness.PrivateMemhogs): its idle Pss does
        not move between two reads when other processes start or exit (with the system's libc
        one more memhog moved its .so row by 108 kB and its total by 65-123 kB)."""
        os.mkdir(self.path("private"))
        return Memhog(PrivateMemhogs(self.path("private")).argv())

    def capture(self, name, *args):
        p = self.path(name)
        self.ok("capture", *args, "-o", p)
        return p

    def gzip(self, path):
        out = path + ".gz"
        subprocess.run(f"gzip -c '{path}' > '{out}'", shell=True, check=True)
        return out

    def snapshot(self, pid, root):
        return json.loads(self.ok("snapshot", pid, "--proc-root", root).stdout)


def manifest_of(tar_path):
    with tarfile.open(tar_path) as t:
        return json.load(t.extractfile("memsnap-capture.json"))


class CaptureOfARealProcess(Scratch):
    def test_tarball_reads_like_the_live_process_and_like_its_unpacked_tree(self):
        with self.quiet_memhog() as hog:
            name = hog.name
            hog.cmd("brk 32")
            hog.cmd("mmap 16")
            hog.cmd("pipes 5")
            hog.cmd("threads 3 worker")
            live = json.loads(self.ok("snapshot", hog.pid).stdout)
            before_ms = time.time() * 1000
            cap = self.capture("cap.tar", hog.pid)
            after_ms = time.time() * 1000
            gz = self.capture("cap.tar.gz", hog.pid)
        with open(gz, "rb") as f:
            self.assertEqual(f.read(2), b"\x1f\x8b", "a .tar.gz name is compressed")
        snap = self.snapshot(hog.pid, cap)
        # The capture's time and host, not the time it was analysed.
        self.assertGreaterEqual(snap["time_ms"], before_ms - 1)
        self.assertLessEqual(snap["time_ms"], after_ms + 1)
        self.assertEqual(snap["time_source"], "capture manifest")
        self.assertEqual(snap["host"], socket.gethostname())
        # The same numbers as a live read a moment earlier: memhog is idle between the two.
        self.assertEqual(snap["name"], name)
        self.assertEqual(snap["starttime"], live["starttime"])
        for key, live_row in live["categories"].items():
            self.assertLessEqual(abs(snap["categories"][key]["pss"] - live_row["pss"]), 64,
                                 f"{key}: {snap['categories'][key]} vs live {live_row}")
        self.assertLessEqual(abs(snap["total"]["pss"] - live["total"]["pss"]), 128)
        self.assertGreaterEqual(snap["total"]["pss"], 48 * MIB_KB)
        self.assertEqual(snap["fd"], live["fd"])
        self.assertEqual(snap["thread"], live["thread"])
        self.assertEqual(snap["thread"]["by_name"].get("worker-0"), 1)
        self.assertEqual(snap["status"]["vm_size"], live["status"]["vm_size"])
        # Unpacked by tar(1), the same files as a directory give the same table byte for byte,
        # and the .tar.gz the same as the .tar.
        tree = self.path("tree")
        os.mkdir(tree)
        subprocess.run(["tar", "-xf", cap, "-C", tree], check=True)
        from_tree = self.ok("--mem", hog.pid, "--proc-root", tree).stdout
        self.assertEqual(self.ok("--mem", hog.pid, "--proc-root", cap).stdout, from_tree)
        self.assertEqual(self.ok("--mem", hog.pid, "--proc-root", self.gzip(cap)).stdout,
                         from_tree)
        self.assertIn(name, from_tree)
        # Exactly the files memsnap reads: never pagemap, mem, environ, ...
        with tarfile.open(cap) as t:
            names = set(t.getnames())
        allowed = {"stat", "status", "comm", "cmdline", "cgroup", "smaps"}
        for n in names:
            parts = n.split("/")
            if len(parts) == 1:
                self.assertIn(n, {"meminfo", "memsnap-capture.json", str(hog.pid)}, n)
            elif len(parts) == 2:
                self.assertIn(parts[1], allowed | {"fd", "task"}, n)
        self.assertFalse(any(n.endswith(("pagemap", "/mem", "environ")) for n in names))
        m = manifest_of(cap)
        self.assertEqual(m["schema"], "memsnap.capture/1")
        self.assertEqual(m["host"], socket.gethostname())
        self.assertEqual(m["kernel"], os.uname().release)
        self.assertEqual(m["skipped"], [])
        # `rules` names the set a reader gets without --rules: the snapshot's own.
        self.assertEqual(m["rules"], snap["rules"])
        smaps_time = m["files"][f"{hog.pid}/smaps"]
        self.assertEqual(snap["time_ms"], smaps_time["wall_ms"])
        # One process is read in one go: its first to last file within a second.
        times = [v["monotonic_ns"] for k, v in m["files"].items() if k.startswith(f"{hog.pid}/")]
        self.assertLess(max(times) - min(times), 1e9)

    def test_light_capture_holds_smaps_rollup(self):
        with self.quiet_memhog() as hog:
            hog.cmd("brk 16")
            cap = self.capture("light.tar", hog.pid, "--light")
            with open(f"/proc/{hog.pid}/smaps_rollup") as f:
                live_pss = next(int(l.split()[1]) for l in f if l.startswith("Pss:"))
        with tarfile.open(cap) as t:
            names = t.getnames()
            text = t.extractfile(f"{hog.pid}/smaps_rollup").read().decode()
        self.assertNotIn(f"{hog.pid}/smaps", names)
        pss = next(int(l.split()[1]) for l in text.splitlines() if l.startswith("Pss:"))
        self.assertLessEqual(abs(pss - live_pss), 64)

    def test_two_captures_of_a_leak_diff_over_the_real_interval(self):
        with Memhog() as hog:
            a_cap = self.capture("a.tar", hog.pid)
            hog.cmd("brk 64")
            time.sleep(1.5)
            b_cap = self.capture("b.tar", hog.pid)
        a, b = self.path("a.json"), self.path("b.json")
        self.ok("snapshot", hog.pid, "--proc-root", a_cap, "-o", a)
        self.ok("snapshot", hog.pid, "--proc-root", b_cap, "-o", b)
        r = memsnap("diff", a, b, "--format", "json")
        self.assertEqual(r.returncode, 1, r.stderr)
        d = json.loads(r.stdout)
        expected = (manifest_of(b_cap)["files"][f"{hog.pid}/smaps"]["wall_ms"] -
                    manifest_of(a_cap)["files"][f"{hog.pid}/smaps"]["wall_ms"])
        self.assertEqual(d["elapsed_ms"], expected)
        self.assertGreaterEqual(d["elapsed_ms"], 1500)
        self.assertEqual([v["group"] for v in d["verdicts"]], ["native"])
        self.assertLessEqual(abs(d["groups"]["native"]["delta"] - 64 * MIB_KB), 0.05 * 64 * MIB_KB)

    def test_all_processes_and_the_ones_that_could_not_be_read(self):
        with Memhog() as hog:
            cap = self.capture("all.tar.gz", "--all")
            listing = self.ok("--mem", "--proc-root", cap).stdout
        self.assertIn("memhog", listing)
        m = manifest_of(cap)
        with tarfile.open(cap) as t:
            names = set(t.getnames())
        self.assertIn(f"{hog.pid}/smaps", names)
        # Every numeric process directory is either captured or listed as skipped.
        pids = {int(n) for n in names if n.isdigit()}
        for s in m["skipped"]:
            self.assertNotIn(s["pid"], pids)
            self.assertTrue(s["reason"] and s["error"], s)

    def test_all_on_two_threads_writes_the_same_archive_in_pid_order(self):
        sleepers = [subprocess.Popen(["sleep", "120"]) for _ in range(24)]
        try:
            with Memhog() as hog:
                hog.cmd("brk 16")
                one = self.capture("one.tar", "--all", "--jobs", "1")
                two = self.capture("two.tar", "--all", "--jobs", "2")
                stable = {s.pid for s in sleepers} | {hog.pid}
        finally:
            for s in sleepers:
                s.kill()
                s.wait()

        def pid_of(name):
            head = name.split("/")[0]
            return int(head) if head.isdigit() else None

        members = {}
        for cap in (one, two):
            with tarfile.open(cap) as t:
                members[cap] = t.getnames()
            # Processes come in PID order: each PID first appears after every smaller one.
            order = [p for p in dict.fromkeys(map(pid_of, members[cap])) if p is not None]
            self.assertEqual(order, sorted(order), cap)
        # The processes that lived through both captures: the very same members, in the same
        # order, whether read on one thread or two.
        kept = {cap: [n for n in names if pid_of(n) in stable] for cap, names in members.items()}
        self.assertEqual(kept[one], kept[two])
        for pid in stable:
            self.assertIn(f"{pid}/smaps", kept[two])
        # memhog's brk heap (idle between the two captures) reads the same from both.
        rows = [json.loads(self.ok("snapshot", str(hog.pid), "--proc-root", cap).stdout)
                for cap in (one, two)]
        a, b = (r["categories"]["native_heap"]["pss"] for r in rows)
        self.assertGreaterEqual(a, 16 * MIB_KB)
        self.assertLessEqual(abs(a - b), 64)

    def test_a_gone_pid_and_usage_errors(self):
        r = memsnap("capture", "999999999", "-o", self.path("x.tar"))
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertFalse(os.path.exists(self.path("x.tar")))
        self.assertEqual(memsnap("capture", "-o", self.path("x.tar")).returncode, 2)
        self.assertEqual(memsnap("capture", "1", "--all", "-o", self.path("x.tar")).returncode, 2)
        self.assertEqual(os.listdir(self.dir), [])

    def test_capture_to_stdout(self):
        with Memhog() as hog:
            r = subprocess.run([os.environ.get("MEMSNAP_BIN", "memsnap"), "capture", str(hog.pid),
                                "-o", "-"], capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        with tarfile.open(fileobj=io.BytesIO(r.stdout)) as t:
            self.assertIn(f"{hog.pid}/smaps", t.getnames())


def smemcap_header(name, mode, size, mtime, type_code):
    """One 512-byte header exactly as smemcap 1.5's writeheader() writes it: version-7 fields
    with sprintf("%08o"/"%012o"), the checksum over a header whose checksum field is eight
    spaces followed by the type printed with "%1d" (so the character '0' becomes "48" at bytes
    156-157), then "%06o" and a NUL over the checksum field."""
    h = bytearray(512)

    def put(off, text):
        b = text.encode() + b"\0"
        h[off:off + len(b)] = b

    put(0, name)
    put(100, "%08o" % mode)
    put(108, "%08o" % 0)
    put(116, "%08o" % 0)
    put(124, "%012o" % size)
    put(136, "%08o" % mtime)
    put(148, "        %1d" % type_code)
    checksum = sum(h)
    h[148:155] = ("%06o" % checksum).encode() + b"\0"
    return bytes(h)


def smemcap_member(path, data, mtime=0):
    blocks = data + b"\0" * (-len(data) % 512)
    return smemcap_header(path, 0o100444, len(data), mtime, ord("0")) + blocks


class SmemcapTarballs(Scratch):
    """smemcap is not in Debian 12's `smem` package (it ships the smem script only), so these
    tests write its archives byte for byte as its C source does (smemcap_header above) from this
    machine's live /proc: meminfo, version, then per process a directory header and its smaps,
    cmdline and stat, with no end-of-archive blocks."""

    def write_smemcap(self, pids, path):
        out = bytearray()
        for f in ("meminfo", "version"):
            with open(f"/proc/{f}", "rb") as src:
                out += smemcap_member(f, src.read())
        smaps = {}
        for pid in pids:
            out += smemcap_header(str(pid), 0o40555, 0, 0, 5)
            for f in ("smaps", "cmdline", "stat"):
                with open(f"/proc/{pid}/{f}", "rb") as src:
                    data = src.read()
                if f == "smaps":
                    smaps[pid] = data
                out += smemcap_member(f"{pid}/{f}", data)
        with open(path, "wb") as f:
            f.write(out)
        return smaps

    def test_smemcap_pss_equals_the_sum_of_its_pss_lines(self):
        with Memhog() as hog:
            hog.cmd("brk 24")
            smaps = self.write_smemcap([hog.pid, os.getpid()], self.path("smem.tar"))
        for pid, data in smaps.items():
            expected = sum(int(l.split()[1]) for l in data.decode().splitlines()
                           if l.startswith("Pss:"))
            r = memsnap("--mem", pid, "--proc-root", self.path("smem.tar"), "--format", "json")
            self.assertEqual(r.returncode, 0, r.stderr)
            snap = json.loads(r.stdout)
            snap = snap[0] if isinstance(snap, list) else snap
            self.assertEqual(snap["total"]["pss"], expected)
            self.assertEqual(snap["time_source"], "archive mtime")
        # The listing reads it too (no status in smemcap: rows come from smaps).
        gz = self.gzip(self.path("smem.tar"))
        r = memsnap("--mem", hog.pid, "--proc-root", gz, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)
        snap = json.loads(r.stdout)
        snap = snap[0] if isinstance(snap, list) else snap
        self.assertEqual(snap["total"]["pss"], sum(int(l.split()[1]) for l in
                                                   smaps[hog.pid].decode().splitlines()
                                                   if l.startswith("Pss:")))

    def test_truncated_smemcap(self):
        self.write_smemcap([os.getpid()], self.path("smem.tar"))
        with open(self.path("smem.tar"), "rb") as f:
            data = f.read()
        with open(self.path("cut.tar"), "wb") as f:
            f.write(data[:len(data) - 700])
        r = memsnap("--mem", os.getpid(), "--proc-root", self.path("cut.tar"))
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertIn("cut.tar", r.stderr)
        self.assertIn("truncated", r.stderr)


class HostileTarballs(Scratch):
    """Each archive is malformed in one way: exit 5, one line naming the archive and the member,
    and nothing written anywhere (the scratch directory holds only the archive afterwards)."""

    def build(self, name, members):
        """members: (TarInfo, bytes or None). Returns the archive's path."""
        p = self.path(name)
        with tarfile.open(p, "w", format=tarfile.PAX_FORMAT) as t:
            for info, data in members:
                t.addfile(info, io.BytesIO(data) if data is not None else None)
        return p

    @staticmethod
    def file(name, data=b"x\n"):
        i = tarfile.TarInfo(name)
        i.size = len(data)
        return i, data

    @staticmethod
    def link(name, target):
        i = tarfile.TarInfo(name)
        i.type = tarfile.SYMTYPE
        i.linkname = target
        return i, None

    def valid_members(self):
        with open("/proc/self/smaps", "rb") as f:
            smaps = f.read()
        return [self.file("1/stat", b"1 (x) S 0 1 1 0 -1 4194560 0 0 0 0 0 0 0 0 20 0 1 0 5 0 0\n"),
                self.file("1/smaps", smaps)]

    def assert_rejected(self, path, *expected):
        before = sorted(os.listdir(self.dir))
        r = memsnap("--mem", "1", "--proc-root", path)
        self.assertEqual(r.returncode, 5, (r.stdout, r.stderr))
        self.assertEqual(len(r.stderr.strip().splitlines()), 1, r.stderr)
        self.assertIn(os.path.basename(path), r.stderr)
        for e in expected:
            self.assertIn(e, r.stderr)
        self.assertEqual(sorted(os.listdir(self.dir)), before, "nothing is extracted")
        self.assertFalse(os.path.exists("/tmp/memsnap-hostile-escape"))

    def test_dot_dot_and_absolute_paths(self):
        self.assert_rejected(self.build("dotdot.tar", self.valid_members() +
                                        [self.file("1/../../memsnap-hostile-escape")]),
                             "1/../../memsnap-hostile-escape", "'..'")
        self.assert_rejected(self.build("abs.tar", self.valid_members() +
                                        [self.file("/tmp/memsnap-hostile-escape")]),
                             "/tmp/memsnap-hostile-escape", "absolute")

    def test_symlinks_leading_outside(self):
        self.assert_rejected(self.build("abslink.tar", self.valid_members()[:1] +
                                        [self.link("1/smaps", "/proc/self/smaps")]),
                             "'1/smaps'", "outside")
        self.assert_rejected(self.build("uplink.tar", self.valid_members()[:1] +
                                        [self.link("1/smaps", "../../etc/passwd")]),
                             "'1/smaps'", "outside")
        # A descriptor's link is text, never followed: any target is fine there.
        ok = self.build("fdlink.tar", self.valid_members() + [self.link("1/fd/3", "/etc/passwd")])
        r = memsnap("--mem", "1", "--proc-root", ok, "--format", "json")
        self.assertEqual(r.returncode, 0, r.stderr)

    def test_duplicates(self):
        m = self.valid_members()
        self.assert_rejected(self.build("dup.tar", m + [m[1]]), "'1/smaps'", "duplicate")
        self.assert_rejected(self.build("dup2.tar", m + [self.file("./1//smaps")]), "duplicate")

    def test_truncated_and_corrupt(self):
        good = self.build("good.tar", self.valid_members())
        with open(good, "rb") as f:
            data = f.read()
        cut = self.path("cut.tar")
        with open(cut, "wb") as f:
            f.write(data[:3000])
        self.assert_rejected(cut, "'1/smaps'", "truncated")
        bad = bytearray(data)
        second = 1024 if bad[512:1024] != b"\0" * 512 else 1536
        # Find the second member's header: the first member (pax header + stat) is small.
        with tarfile.open(good) as t:
            offsets = [m.offset for m in t.getmembers()]
        bad[offsets[1] + 20] ^= 0xFF
        corrupt = self.path("corrupt.tar")
        with open(corrupt, "wb") as f:
            f.write(bytes(bad))
        del second
        self.assert_rejected(corrupt, "after member '1/stat'")
        gz_cut = self.path("cut.tar.gz")
        subprocess.run(f"gzip -c {good} | head -c 400 > {gz_cut}", shell=True, check=True)
        self.assert_rejected(gz_cut, "cut.tar.gz")
        junk = self.path("junk.tar")
        with open(junk, "wb") as f:
            f.write(b"this is not an archive\n" * 40)
        self.assert_rejected(junk, "junk.tar")

    def test_oversized_member(self):
        # A header that claims 300 MiB: refused from the header alone, before any data.
        info = tarfile.TarInfo("1/smaps")
        info.size = 300 << 20
        header = info.tobuf(format=tarfile.USTAR_FORMAT)
        p = self.path("huge.tar")
        with open(p, "wb") as f:
            f.write(header + b"\0" * 4096)
        self.assert_rejected(p, "'1/smaps'", "larger than")

    def test_devices_and_fifos_have_no_place(self):
        i = tarfile.TarInfo("1/smaps")
        i.type = tarfile.FIFOTYPE
        self.assert_rejected(self.build("fifo.tar", self.valid_members()[:1] + [(i, None)]),
                             "'1/smaps'")


class LoneSmapsFile(Scratch):
    def test_time_from_mtime_or_time_and_unknown_pid(self):
        p = self.path("app.smaps")
        shutil.copyfile("/proc/self/smaps", p)
        os.utime(p, (1700000000.25, 1700000000.25))
        snap = json.loads(self.ok("--smaps", p, "--format", "json").stdout)
        snap = snap[0] if isinstance(snap, list) else snap
        self.assertEqual(snap["time_ms"], 1700000000250)
        self.assertEqual(snap["time_source"], "file mtime")
        table = self.ok("--smaps", p).stdout
        self.assertNotIn("pid 0 ()", table)
        snap = json.loads(self.ok("--smaps", p, "--format", "json", "--time",
                                  "2026-12-01T10:00:00Z", "--pid", "42", "--name", "app").stdout)
        snap = snap[0] if isinstance(snap, list) else snap
        self.assertEqual(snap["time_ms"], 1796119200000)  # date -d 2026-12-01T10:00:00Z +%s
        self.assertEqual(snap["time_source"], "--time")
        self.assertEqual((snap["pid"], snap["name"]), (42, "app"))
        self.assertEqual(memsnap("--smaps", p, "--time", "yesterday").returncode, 2)


if __name__ == "__main__":
    unittest.main()
