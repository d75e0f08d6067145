#!/usr/bin/env python3
"""Writes an NDJSON series of N memsnap.snapshot/1 lines to OUT, as `memsnap snapshot PID
--append OUT` would after N samples, for the `memsnap diff SERIES` benchmark.

Usage: gen_series.py N OUT

The fields are those src/formats/snapshot_json.cpp writes (categories keyed as in
src/model/category.cpp). One sample a second; native heap grows by 4 kB a sample, threads and
pipes slowly, everything else wanders a little, so diff has a trend and a verdict to compute.
The sequence is fixed (seeded).
"""
import json
import random
import sys

CATEGORIES = ["gl", "graph", "ark_ts_heap", "js_heap_inferred", "arkts_static_heap", "guard",
              "native_heap", "native_heap_inferred", "hap", "anon_other", "stack",
              "stack_inferred", "db", "so", "dev", "dmabuf", "ttf", "arkweb_pa_heap",
              "dalvik_heap", "file_other"]
FIELDS = ["pss", "rss", "size", "shared_clean", "shared_dirty", "private_clean", "private_dirty",
          "swap", "swap_pss"]


def usage(pss, shared):
    return {"pss": pss, "rss": pss + shared, "size": 2 * (pss + shared), "shared_clean": shared,
            "shared_dirty": 0, "private_clean": 0, "private_dirty": pss - shared // 2,
            "swap": 0, "swap_pss": 0}


def sample(i, rng, base):
    cats = {}
    for c in CATEGORIES:
        pss = base[c] + (4 * i if c == "native_heap" else rng.randrange(0, 64) * 4)
        cats[c] = usage(pss, min(base[c] // 4, pss))
    total = {f: sum(cats[c][f] for c in CATEGORIES) for f in FIELDS}
    total["pss_total"] = total["pss"] + total["swap_pss"]
    native = dict(cats["native_heap"], name="jemalloc heap")
    threads = 20 + i // 5000
    pipes = 10 + i // 2000
    return {
        "schema": "memsnap.snapshot/1", "unit": "kB", "time_ms": 1700000000000 + 1000 * i,
        "pid": 4242, "starttime": 123456, "name": "app", "uid": 1000,
        "categories": cats, "native_heap": [native], "total": total,
        "status": {"name": "app", "pid": 4242, "uid": 1000, "vm_peak": 900000 + 4 * i,
                   "vm_size": 900000 + 4 * i, "vm_hwm": total["rss"], "vm_rss": total["rss"],
                   "rss_anon": total["private_dirty"], "rss_file": total["shared_clean"],
                   "rss_shmem": 0, "vm_swap": 0, "threads": threads},
        "fd": {"num": 2 * pipes + 12, "by_type": {"pipe": 2 * pipes, "socket": 8, "file": 4},
               "top_fd_type": "pipe", "top_fd_num": 2 * pipes},
        "thread": {"num": threads, "by_name": {"worker-*": threads - 1, "app": 1}},
        "dma": {"total": 0, "mapped": 0, "unmapped": 0, "by_exporter": {}},
        "gpu": {"total": 0, "resident": 0, "mapped": 0},
        "system": {"total": 8000000, "free": 2000000, "available": 4000000},
        "js_runtime": "ark",
    }


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_series.py N OUT")
    n = int(sys.argv[1])
    rng = random.Random(8)
    base = {c: rng.randrange(0, 50000) * 4 for c in CATEGORIES}
    with open(sys.argv[2], "w") as out:
        for i in range(n):
            out.write(json.dumps(sample(i, rng, base), separators=(",", ":")) + "\n")


if __name__ == "__main__":
    main()
