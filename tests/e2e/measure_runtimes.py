"""Prints the README's table of runtime- and allocator-aware attribution: each scenario of
test_runtimes.py run `--runs` times (default 3): the true cause, the row memsnap put the growth
in, and the error of the row's Rss growth against the runtime's own count (median and worst);
what `diff` says of them is measure_verdicts.py's. Then two measurements for the verdict's wording:
- V8's own malloc'd bookkeeping: native heap growth (named + inferred Rss) per MiB of JS heap
  growth (heapTotal) when node grows only JS objects;
- where node's 64 KiB Buffers land (named [heap] or inferred mappings), run by run.
Not a test (ctest runs test_*.py only).

    cd tests/e2e && MEMSNAP_BIN=../../build/memsnap MEMHOG_BIN=../../build/memhog \
        MEMSNAP_BUILD_DIR=../../build python3 measure_runtimes.py --runs 3"""
import argparse
import shutil
import statistics

from runtimes import (MIB_KB, NATIVE, Run, allocator_lib, go_hog, java_hog, memhog,
                      python_hog)


def java(gc, mib):
    def go():
        with java_hog(gc) as hog:
            run = Run(hog, f"grow {mib}")
        used = (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024
        return run, run.grew("java_heap_inferred"), used
    return go


def gohog():
    with go_hog() as hog:
        run = Run(hog, "grow 200")
    return run, run.grew("go_heap_inferred"), (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024


def allocator(name):
    def go():
        with memhog(allocator_lib(name)) as hog:
            run = Run(hog, "malloc 200", stat=None)
        return run, run.grew(*NATIVE), 200 * MIB_KB
    return go


def glibc_full():
    with memhog() as hog:
        run = Run(hog, "threadsmall 200", stat=None)
    return run, run.grew(*NATIVE), 200 * MIB_KB


def own_mmaps():
    with memhog() as hog:
        run = Run(hog, ["mmap 10"] * 10, stat=None)
    return run, run.grew("anon_other"), 100 * MIB_KB


def python():
    with python_hog() as hog:
        run = Run(hog, "grow 100")
    return run, run.grew(*NATIVE), (int(run.after_reply[0]) - int(run.before_reply[0])) / 1024


SCENARIOS = [
    ("JVM G1, 200 MiB of byte[]", "Java heap", "java heap (inferred)", "live heap (used)",
     java("-XX:+UseG1GC", 200)),
    ("JVM Parallel GC, 100 MiB", "Java heap", "java heap (inferred)", "live heap (used)",
     java("-XX:+UseParallelGC", 100)),
    ("JVM Serial GC, 100 MiB", "Java heap", "java heap (inferred)", "live heap (used)",
     java("-XX:+UseSerialGC", 100)),
    ("Go, 200 MiB of []byte", "Go heap", "go heap (inferred)", "HeapInuse", gohog),
    ("C under jemalloc, 200 MiB malloc", "jemalloc", "native heap + (inferred)", "bytes asked",
     allocator("jemalloc")),
    ("C under tcmalloc, 200 MiB malloc", "tcmalloc", "native heap + (inferred)", "bytes asked",
     allocator("tcmalloc")),
    ("C under mimalloc, 200 MiB malloc", "mimalloc", "native heap + (inferred)", "bytes asked",
     allocator("mimalloc")),
    ("glibc arenas filled whole, 200 MiB", "glibc malloc", "native heap + (inferred)",
     "bytes asked", glibc_full),
    ("own mmaps, 10 x 10 MiB", "program's mmap", "AnonPage other", "bytes mapped", own_mmaps),
    ("python3.11, 100 MiB of tuples", "pymalloc", "native heap + (inferred)",
     "pymalloc blocks", python),
]


def v8_bookkeeping(runs):
    from test_infer import node_growth, rss
    ratios = []
    for mib in (50, 100, 200):
        for _ in range(runs):
            m0, m1, a, b = node_growth(f"js {mib}")
            js_mib = (m1["heapTotal"] - m0["heapTotal"]) / 2**20
            native_mib = (rss(b, *NATIVE) - rss(a, *NATIVE)) / 1024
            ratios.append((mib, js_mib, native_mib, native_mib / js_mib))
    return ratios


def buffer_landing(runs):
    from test_infer import node_growth, rss
    out = []
    for _ in range(runs):
        m0, m1, a, b = node_growth("buf64k 100")
        out.append((rss(b, "native_heap") - rss(a, "native_heap"),
                    rss(b, "native_heap_inferred") - rss(a, "native_heap_inferred")))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    runs = ap.parse_args().runs
    print("| scenario | true cause | memsnap row (Rss growth) | against | median error | "
          "worst error |")
    print("|---|---|---|---|---|---|")
    for name, cause, row, against, run_once in SCENARIOS:
        errors = []
        for _ in range(runs):
            _, got, want = run_once()
            errors.append((got - want) / want * 100)
        worst = max(errors, key=abs)
        print(f"| {name} | {cause} | {row} | {against} | {statistics.median(errors):+.1f} % | "
              f"{worst:+.1f} % |")
    if shutil.which("node"):
        ratios = v8_bookkeeping(runs)
        print("\nV8 bookkeeping (native heap Rss growth per MiB of heapTotal growth, JS objects "
              "only):")
        for mib, js, native, r in ratios:
            print(f"  js {mib} MiB: heapTotal +{js:.1f} MiB, native +{native:.1f} MiB, "
                  f"ratio {r:.3f}")
        rs = [r for *_, r in ratios]
        print(f"  median {statistics.median(rs):.3f}, min {min(rs):.3f}, max {max(rs):.3f}")
        print("\nnode 100 MiB of 64 KiB Buffers: growth in kB (named native heap, inferred):")
        for named, inferred in buffer_landing(runs):
            print(f"  named +{named}, inferred +{inferred}")


if __name__ == "__main__":
    main()
