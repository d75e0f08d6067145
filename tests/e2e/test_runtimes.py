"""Runtime- and allocator-aware attribution on real processes (src/model/shape_rules.cpp, the
layout rules; src/model/runtime.cpp): each helper grows memory of one kind, and the row memsnap
gives the growth is checked against the runtime's own count of it.

- JVM (tests/helpers/JavaHog.java, G1, Parallel and Serial GC): java heap (inferred) grows by
  at least 90 % of the live heap's growth (Runtime.totalMemory() - freeMemory() after a full
  GC) and by at most the committed heap (totalMemory()) plus 15 % for the GC's tables: Rss
  counts the pages the collector has touched, garbage included, which no Java API reports. With
  -Xms = -Xmx and -XX:+AlwaysPreTouch every committed page is touched: the row is the heap's
  size within 5 % + 16 MiB. The snapshot says runtime java.
- Go (tests/helpers/gohog): go heap (inferred) within 15 % of runtime.ReadMemStats HeapInuse.
- memhog under LD_PRELOAD jemalloc / tcmalloc / mimalloc mallocing 200 MiB (bytes asked): native
  heap + native heap (inferred) within 10 %; the snapshot names the allocator.
- memhog filling glibc arenas to their full 64 MiB (1000-byte mallocs on a thread): native within
  10 % of the 200 MiB asked.
- memhog's own anonymous mmaps of 2 MiB multiples: no runtime claims them, so they stay
  AnonPage other (the verdict's unattributed group) and native does not grow, unless the
  kernel merged them with a neighbour (harness.MmapRuns, a documented miss).
- CPython (tests/helpers/pyhog.py): native within 15 % of pymalloc's bytes in allocated blocks.
Every leak is judged by `memsnap diff` too: exit 1 (a threshold crossed).
The README's table comes from these scenarios (measure_runtimes.py prints it)."""
import os
import shutil

from harness import MmapRuns, unittest
from runtimes import (MIB_KB, NATIVE, Run, allocator_lib, go_binary, go_hog, java_classpath,
                      java_hog, memhog, python_hog)


def near(test, got, want, bound, what):
    test.assertLess(abs(got - want), bound * want,
                    f"{what}: memsnap {got} kB, the runtime's own count {want:.0f} kB")


@unittest.skipUnless(shutil.which("javac") and shutil.which("java"), "no JDK")
class Java(unittest.TestCase):
    def check(self, gc, mib):
        with java_hog(gc) as hog:
            run = Run(hog, f"grow {mib}")
        used = (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024
        committed = int(run.after_reply[1]) / 1024
        self.assertGreater(used, 0.9 * mib * MIB_KB)  # the helper did grow its heap
        self.assertEqual(run.b["runtime"], "java")
        self.assertEqual(run.b["allocator"], "glibc")
        got = run.grew("java_heap_inferred")
        self.assertGreater(got, 0.9 * used, f"{gc}: java heap +{got} kB, live heap +{used} kB")
        self.assertLess(got, 1.15 * committed, f"{gc}: java heap +{got} kB, committed {committed}")
        self.assertLess(run.grew("anon_other"), 0.05 * used)
        self.assertLess(run.grew(*NATIVE), 0.05 * used)
        self.assertEqual(run.b["categories"]["js_heap_inferred"]["rss"], 0)
        self.assertEqual(run.diff.returncode, 1, run.diff.stdout)

    def test_g1_heap(self):
        self.check("-XX:+UseG1GC", 200)

    def test_parallel_heap(self):
        self.check("-XX:+UseParallelGC", 100)

    def test_serial_heap(self):
        self.check("-XX:+UseSerialGC", 100)

    def test_pretouched_heap_is_all_java_heap(self):
        with java_hog("-XX:+AlwaysPreTouch", "-Xms256m", "-Xmx256m") as hog:
            run = Run(hog, "grow 10")
        self.assertEqual(int(run.after_reply[1]), 256 << 20)  # committed: the whole heap
        rss = run.b["categories"]["java_heap_inferred"]["rss"]
        self.assertLess(abs(rss - 256 * MIB_KB), 0.05 * 256 * MIB_KB + 16 * MIB_KB, rss)


@unittest.skipUnless(shutil.which("go"), "no Go toolchain")
class Go(unittest.TestCase):
    def test_heap_arenas_are_the_go_heap(self):
        with go_hog() as hog:
            run = Run(hog, "grow 200")
        inuse = (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024
        self.assertGreater(inuse, 190 * MIB_KB)
        self.assertEqual(run.b["runtime"], "go")
        self.assertEqual(run.b["allocator"], "")  # a static Go binary has no malloc
        near(self, run.grew("go_heap_inferred"), inuse, 0.15, "go heap")
        self.assertLess(run.grew(*NATIVE), 0.05 * inuse)
        self.assertLess(run.grew("anon_other"), 0.10 * inuse)
        self.assertEqual(run.diff.returncode, 1, run.diff.stdout)


class Allocators(unittest.TestCase):
    def check(self, name):
        lib = allocator_lib(name)
        if lib is None:
            self.skipTest(f"{name} is not installed")
        with memhog(lib) as hog:
            run = Run(hog, "malloc 200", stat=None)
        asked = 200 * MIB_KB
        self.assertEqual(run.b["allocator"], name)
        near(self, run.grew(*NATIVE), asked, 0.10, f"{name} native heap")
        self.assertLess(run.grew("anon_other"), 0.05 * asked)
        self.assertEqual(run.diff.returncode, 1, run.diff.stdout)

    def test_jemalloc(self):
        self.check("jemalloc")

    def test_tcmalloc(self):
        self.check("tcmalloc")

    def test_mimalloc(self):
        self.check("mimalloc")


class Glibc(unittest.TestCase):
    def test_full_arenas_are_native_heap(self):
        # 1000-byte chunks fill each 64 MiB arena heap whole: no ---p reservation is left.
        with memhog() as hog:
            run = Run(hog, "threadsmall 200", stat=None)
        self.assertEqual(run.b["allocator"], "glibc")
        self.assertEqual(run.b["runtime"], "")
        near(self, run.grew(*NATIVE), 200 * MIB_KB, 0.10, "full arenas")
        self.assertLess(run.grew("anon_other"), 0.05 * 200 * MIB_KB)
        self.assertEqual(run.diff.returncode, 1, run.diff.stdout)

    def test_own_2_mib_mmaps_stay_unattributed(self):
        # 10 x 10 MiB: whole 2 MiB units (the kernel aligns them to 2 MiB), never 64 MiB ones.
        # The kernel places each below the last and merges them into one mapping; which rows
        # that mapping belongs in comes from its shape (harness.MmapRuns).
        with memhog() as hog:
            run = Run(hog, ["mmap 10"] * 10, stat=None)
            runs = MmapRuns(hog.pid, [int(r[0], 16) for r in run.replies], 10 << 20)
        self.assertGreaterEqual(runs.round_kb + runs.merged_kb, 100 * MIB_KB, runs)
        # A merged run holds its neighbour's few pages too, which were AnonPage other before.
        self.assertLess(abs(run.grew(*NATIVE) - runs.merged_kb), 1024, runs)
        self.assertLess(abs(run.grew("anon_other") - runs.round_kb), 0.05 * 100 * MIB_KB, runs)
        # (The verdict on AnonPage other growth is src/diff's: its "other" group.)


@unittest.skipUnless(os.path.exists("/usr/bin/python3"), "no Debian python3")
class Python(unittest.TestCase):
    def test_objects_live_in_native_heap(self):
        with python_hog() as hog:
            run = Run(hog, "grow 100")
        blocks = (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024
        self.assertGreater(blocks, 90 * MIB_KB)
        self.assertEqual(run.b["runtime"], "python")
        near(self, run.grew(*NATIVE), blocks, 0.15, "python objects")
        self.assertLess(run.grew("anon_other"), 0.05 * blocks)
        self.assertEqual(run.b["categories"]["js_heap_inferred"]["rss"], 0)
        self.assertEqual(run.diff.returncode, 1, run.diff.stdout)


if __name__ == "__main__":
    unittest.main()
