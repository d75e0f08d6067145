"""pyhog: a CPython process that grows its objects on command, for the runtime-attribution tests
(tests/e2e/test_runtimes.py). Prints "ready PID"; then per stdin line:
  grow N   keeps about N MiB more of small objects alive (tuples of an int and a short str, all
           under pymalloc's 512-byte limit, so they live in pymalloc's arenas)
  exit     exits 0 (EOF too)
and answers every command with "ok BLOCKS ARENAS": pymalloc's own count, from
sys._debugmallocstats(): bytes in allocated blocks, and arenas allocated now."""
import os
import re
import sys
import tempfile

keep = []


def pymalloc_stats():
    # _debugmallocstats() writes to the C stderr: point fd 2 at a file while it runs.
    with tempfile.TemporaryFile(mode="w+") as f:
        saved = os.dup(2)
        os.dup2(f.fileno(), 2)
        try:
            sys._debugmallocstats()
        finally:
            os.dup2(saved, 2)
            os.close(saved)
        f.seek(0)
        text = f.read()
    blocks = int(re.search(r"# bytes in allocated blocks\s*=\s*([\d,]+)", text)[1].replace(",", ""))
    arenas = int(re.search(r"# arenas allocated current\s*=\s*([\d,]+)", text)[1].replace(",", ""))
    return blocks, arenas


print("ready", os.getpid(), flush=True)
for line in sys.stdin:
    w = line.split()
    if not w or w[0] == "exit":
        break
    if w[0] == "grow":
        target = int(w[1]) * 1024 * 1024
        # A 2-tuple is 56 bytes, a small int 28, a 1-8 character str 50-57: ~140 bytes a row.
        for i in range(target // 140):
            keep.append((i, str(i)))
    elif w[0] != "stat":
        print("err unknown command", w[0], flush=True)
        continue
    print("ok %d %d" % pymalloc_stats(), flush=True)
