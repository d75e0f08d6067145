"""Prints the README's table of shape-inference accuracy: each scenario of test_infer.py run
`--runs` times (default 5) on this machine, the error of memsnap's growth against the
process's own accounting (worst and median). Not a test (ctest runs test_*.py only).

    cd tests/e2e && MEMSNAP_BIN=../../build/memsnap MEMHOG_BIN=../../build/memhog \
        python3 measure_infer.py --runs 5"""
import argparse
import statistics

from harness import Memhog, memsnap_json
from test_infer import MIB_KB, NATIVE, node_growth, rss


def node_js(mib):
    m0, m1, a, b = node_growth(f"js {mib}")
    want = (m1["heapTotal"] - m0["heapTotal"]) / 1024
    return rss(b, "js_heap_inferred") - rss(a, "js_heap_inferred"), want


def node_buffers(command):
    m0, m1, a, b = node_growth(command)
    want = (m1["arrayBuffers"] - m0["arrayBuffers"]) / 1024
    return rss(b, *NATIVE) - rss(a, *NATIVE), want


def memhog_native(command):
    with Memhog() as hog:
        a = memsnap_json("--mem", hog.pid)
        hog.cmd(command)
        b = memsnap_json("--mem", hog.pid)
    return rss(b, *NATIVE) - rss(a, *NATIVE), 50 * MIB_KB


SCENARIOS = [
    ("node: 50 MiB of small JS objects", "js heap (inferred)", "heapTotal", lambda: node_js(50)),
    ("node: 100 MiB of small JS objects", "js heap (inferred)", "heapTotal", lambda: node_js(100)),
    ("node: 200 MiB of small JS objects", "js heap (inferred)", "heapTotal", lambda: node_js(200)),
    ("node: 100 MiB of 64 KiB Buffers", "native heap + (inferred)", "arrayBuffers",
     lambda: node_buffers("buf64k 100")),
    ("node: 100 MiB of 1 MiB Buffers", "native heap + (inferred)", "arrayBuffers",
     lambda: node_buffers("buf1m 100")),
    ("memhog threadmalloc 50 (glibc arena)", "native heap + (inferred)", "50 MiB",
     lambda: memhog_native("threadmalloc 50")),
    ("memhog bigmalloc 50 (1 MiB mallocs)", "native heap + (inferred)", "50 MiB",
     lambda: memhog_native("bigmalloc 50")),
]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    runs = ap.parse_args().runs
    print("| scenario | memsnap row (Rss growth) | against | median error | worst error |")
    print("|---|---|---|---|---|")
    for name, row, against, run in SCENARIOS:
        errors = []
        for _ in range(runs):
            got, want = run()
            errors.append((got - want) / want * 100)
        worst = max(errors, key=abs)
        print(f"| {name} | {row} | {against} | {statistics.median(errors):+.1f} % | "
              f"{worst:+.1f} % |")


if __name__ == "__main__":
    main()
