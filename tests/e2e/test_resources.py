"""Descriptors, threads, dmabuf and GPU memory: on a real process (memhog opens pipes, socket
pairs, an eventfd, an epoll fd and starts named threads; memsnap's counts must equal its
baseline, read first, plus what it was told to make, and what Python itself reads from /proc),
and on the hand-made tree tests/fixtures/gpu-dmabuf/ whose numbers are worked out by hand in
tests/fixtures/README.md (section gpu-dmabuf/)."""
import collections
import os
import shutil
import tempfile

from harness import Memhog, fixture, memsnap, memsnap_json, unittest

TREE = fixture("gpu-dmabuf")
PID = 7100


def python_fd_types(pid):
    """Counts /proc/PID/fd by the kernel's link prefixes, read by Python (not memsnap)."""
    counts = collections.Counter()
    for name in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{name}")
        except FileNotFoundError:
            continue
        counts[link.split(":")[0] if link.startswith(("pipe:", "socket:")) else link] += 1
    return counts


def section(text, title):
    """The "name:value" lines of a section under the table, from `title` to a blank line."""
    lines = text.splitlines()
    start = next(i for i, l in enumerate(lines) if l.startswith(title))
    out = {}
    for line in lines[start + 1:]:
        if not line.strip():
            break
        name, _, value = line.partition(":")
        out[name.strip()] = value
    return lines[start], out


class LiveProcess(unittest.TestCase):
    def test_counts_equal_what_the_helper_made(self):
        n = 7
        with Memhog() as hog:
            before = memsnap_json("--mem", hog.pid)
            hog.cmd(f"pipes {n}")
            hog.cmd(f"sockets {n}")
            hog.cmd("eventfd")
            hog.cmd("epoll")
            hog.cmd(f"threads {n} pool")
            after = memsnap_json("--mem", hog.pid)
            kernel = python_fd_types(hog.pid)
            with open(f"/proc/{hog.pid}/status") as f:
                threads = int(next(l for l in f if l.startswith("Threads:")).split()[1])
        b, a = before["fd"]["by_type"], after["fd"]["by_type"]
        self.assertEqual(a.get("pipe", 0), b.get("pipe", 0) + 2 * n)
        self.assertEqual(a.get("socket", 0), b.get("socket", 0) + 2 * n)
        self.assertEqual(a.get("eventfd", 0), b.get("eventfd", 0) + 1)
        self.assertEqual(a.get("eventpoll", 0), b.get("eventpoll", 0) + 1)
        self.assertEqual(after["fd"]["num"], before["fd"]["num"] + 4 * n + 2)
        self.assertEqual(after["fd"]["num"], sum(a.values()))
        # The same as Python's own readlink of /proc/PID/fd.
        self.assertEqual(after["fd"]["num"], sum(kernel.values()))
        self.assertEqual(a["pipe"], kernel["pipe"])
        self.assertEqual(a["socket"], kernel["socket"])
        self.assertEqual(a["eventfd"], kernel["anon_inode:[eventfd]"])
        self.assertEqual(a["eventpoll"], kernel["anon_inode:[eventpoll]"])
        top = max(a.values())
        self.assertEqual(after["fd"]["top_fd_num"], top)
        self.assertEqual(a[after["fd"]["top_fd_type"]], top)
        # Threads: memhog names them pool-0 ... pool-6.
        self.assertEqual(after["thread"]["num"], before["thread"]["num"] + n)
        self.assertEqual(after["thread"]["num"], threads)
        for i in range(n):
            self.assertEqual(after["thread"]["by_name"].get(f"pool-{i}"), 1)
        self.assertEqual(sum(after["thread"]["by_name"].values()), after["thread"]["num"])
        # No GPU or dmabuf on this machine: zero, and the GL and Graph rows too.
        self.assertEqual(after["dma"]["total"], 0)
        self.assertEqual(after["gpu"]["total"], 0)
        self.assertEqual(after["categories"]["gl"]["pss"], 0)
        self.assertEqual(after["categories"]["graph"]["pss"], 0)

    def test_table_sections_and_fds_listing(self):
        with Memhog() as hog:
            hog.cmd("pipes 3")
            hog.cmd("threads 2 tbl")
            r = memsnap("--mem", hog.pid, "--fds")
            snap = memsnap_json("--mem", hog.pid)
        self.assertEqual(r.returncode, 0, r.stderr)
        head, types = section(r.stdout, "fd: ")
        self.assertEqual(head, f"fd: {snap['fd']['num']}")
        self.assertEqual({k: int(v) for k, v in types.items()}, snap["fd"]["by_type"])
        counts = [int(v) for v in types.values()]
        self.assertEqual(counts, sorted(counts, reverse=True), "largest first")
        head, names = section(r.stdout, "threads: ")
        self.assertEqual(head, f"threads: {snap['thread']['num']}")
        # memhog names them tbl-0 and tbl-1: a numbered pool, one row as in the verdicts.
        self.assertEqual(names["tbl-*"], "2")
        self.assertNotIn("tbl-0", names)
        self.assertIn("DMA:", r.stdout)
        fds = [l.split() for l in r.stdout.split("\nfds:\n", 1)[1].splitlines()]
        self.assertEqual(len(fds), snap["fd"]["num"])
        self.assertEqual(sum(1 for f in fds if f[1] == "pipe"), snap["fd"]["by_type"]["pipe"])

    def test_fds_in_the_json(self):
        with Memhog() as hog:
            hog.cmd("pipes 3")
            snap = memsnap_json("--mem", hog.pid, "--fds")
            # The kernel's own list, read here: every fd number and its link.
            fd_dir = f"/proc/{hog.pid}/fd"
            links = {int(n): os.readlink(os.path.join(fd_dir, n)) for n in os.listdir(fd_dir)}
        self.assertEqual({f["fd"]: f["target"] for f in snap["fds"]}, links)
        self.assertEqual(len(snap["fds"]), snap["fd"]["num"])
        # pipe type as the kernel names the link (memhog's 3 pipes and its stdio pipes).
        self.assertEqual(sum(1 for f in snap["fds"] if f["type"] == "pipe"),
                         sum(1 for t in links.values() if t.startswith("pipe:")))

    def test_fds_usage_errors(self):
        for args in (["--mem", "--fds"], ["--mem", "self", "--fds", "--format", "csv"],
                     ["--smaps", "-", "--fds"]):
            r = memsnap(*args, input="")
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("--fds", r.stderr)


class GpuDmabufFixture(unittest.TestCase):
    """Expected numbers: tests/fixtures/README.md, section gpu-dmabuf/ (worked out by hand)."""

    def test_snapshot_fields(self):
        s = memsnap_json("--mem", PID, "--proc-root", TREE)
        self.assertEqual(s["fd"], {
            "num": 19,
            "by_type": {"device": 5, "dmabuf": 3, "pipe": 2, "socket": 1, "eventfd": 1,
                        "eventpoll": 1, "file": 1, "sync_file": 1, "inotify": 1, "timerfd": 1,
                        "signalfd": 1, "other": 1},
            "top_fd_type": "device", "top_fd_num": 5})
        self.assertEqual(s["thread"], {"num": 4, "by_name": {"RenderThread": 2,
                                                             "com.example.gfx": 1,
                                                             "hwuiTask0": 1}})
        self.assertEqual(s["dma"], {"total": 6656, "mapped": 4608, "unmapped": 2048,
                                    "by_exporter": {"qcom,system": 4096, "system": 2048,
                                                    "unknown": 512}})
        self.assertEqual(s["gpu"], {"total": 6144, "resident": 2048, "mapped": 192})
        self.assertEqual(s["system"], {"total": 7823456, "free": 512000, "available": 3100000})
        cats = s["categories"]
        self.assertEqual((cats["gl"]["pss"], cats["gl"]["private_dirty"]), (6144, 6144))
        self.assertEqual((cats["graph"]["pss"], cats["graph"]["private_dirty"]), (2048, 2048))
        self.assertEqual((cats["dev"]["pss"], cats["dev"]["private_dirty"]), (192, 192))
        self.assertEqual((cats["dmabuf"]["pss"], cats["dmabuf"]["shared_dirty"],
                          cats["dmabuf"]["private_dirty"]), (3072, 5120, 512))
        self.assertEqual(s["total"]["pss_total"], 12628)

    def test_table_rows_and_sections(self):
        r = memsnap("--mem", PID, "--proc-root", TREE)
        self.assertEqual(r.returncode, 0, r.stderr)
        rows = {l[:17].strip(): l[17:].split() for l in r.stdout.splitlines()
                if len(l[17:].split()) == 10}
        self.assertEqual(rows["GL"][:7], ["6144", "0", "0", "0", "6144", "0", "0"])
        self.assertEqual(rows["Graph"][:7], ["2048", "0", "0", "0", "2048", "0", "0"])
        self.assertEqual(rows["Total"][0], "12628")
        _, dma = section(r.stdout, "DMA:")
        self.assertEqual(dma, {"Dma": "6656 kB (mapped 4608 kB, unmapped 2048 kB)",
                               "qcom,system": "4096 kB", "system": "2048 kB",
                               "unknown": "512 kB"})
        _, gpu = section(r.stdout, "GPU:")
        self.assertEqual(gpu, {"GL": "6144 kB (resident 2048 kB)", "mapped": "192 kB"})
        head, threads = section(r.stdout, "threads: ")
        self.assertEqual(head, "threads: 4")
        self.assertEqual(list(threads.items())[0], ("RenderThread", "2"))

    def test_fds_listing_is_the_links(self):
        r = memsnap("--mem", PID, "--proc-root", TREE, "--fds")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.split("\nfds:\n", 1)[1].splitlines()
        fd_dir = os.path.join(TREE, str(PID), "fd")
        want = sorted((int(n), os.readlink(os.path.join(fd_dir, n))) for n in os.listdir(fd_dir))
        got = [(int(l.split(None, 2)[0]), l.split(None, 2)[2]) for l in lines]
        self.assertEqual(got, want)

    def copy(self):
        d = tempfile.mkdtemp(prefix="memsnap-gpu-")
        self.addCleanup(shutil.rmtree, d, True)
        shutil.copytree(TREE, os.path.join(d, "t"), symlinks=True)
        return os.path.join(d, "t")

    def test_malformed_fdinfo_names_file_and_line(self):
        tree = self.copy()
        path = os.path.join(tree, str(PID), "fdinfo", "14")
        with open(path) as f:
            bad_line = len(f.readlines()) + 1
        with open(path, "a") as f:
            f.write("drm-total-gtt:\t12 parsecs\n")
        r = memsnap("--mem", PID, "--proc-root", tree)
        self.assertEqual(r.returncode, 5, r.stderr)
        self.assertEqual(r.stderr, f"memsnap: {path}:{bad_line}: drm-total-gtt: expected a "
                                   "number of bytes, KiB or MiB, got '12 parsecs'\n")
        self.assertEqual(r.stdout, "")

    def test_vanished_descriptor_and_thread_are_skipped(self):
        # fd 11 closed after readdir: its fdinfo is gone (its buffer 5002 is no longer held);
        # thread 7103 exited: its task/ entry has no comm left.
        tree = self.copy()
        os.remove(os.path.join(tree, str(PID), "fdinfo", "11"))
        os.remove(os.path.join(tree, str(PID), "task", "7103", "comm"))
        s = memsnap_json("--mem", PID, "--proc-root", tree)
        self.assertEqual(s["dma"]["unmapped"], 0)
        self.assertEqual(s["categories"]["graph"]["pss"], 0)
        self.assertEqual(s["dma"]["mapped"], 4608)
        self.assertEqual(s["thread"]["num"], 3)
        self.assertNotIn("hwuiTask0", s["thread"]["by_name"])

    def test_tree_without_fd_or_task_has_empty_parts(self):
        tree = self.copy()
        shutil.rmtree(os.path.join(tree, str(PID), "fd"))
        shutil.rmtree(os.path.join(tree, str(PID), "task"))
        s = memsnap_json("--mem", PID, "--proc-root", tree)
        self.assertEqual(s["fd"]["num"], 0)
        self.assertEqual(s["thread"]["num"], 0)
        # Mapped dmabufs and GPU device mappings still come from smaps.
        self.assertEqual(s["dma"]["mapped"], 4096 + 512)
        self.assertEqual(s["gpu"]["mapped"], 192)
        self.assertEqual(s["gpu"]["total"], 0)


if __name__ == "__main__":
    unittest.main()
