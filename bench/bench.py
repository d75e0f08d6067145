#!/usr/bin/env python3
"""memsnap's benchmark (issue 8, DESIGN.md section 7). Run it through bench/run.sh.

Every time is a ratio to a floor measured in the same run, with the commands interleaved
round-robin (the machine is shared: absolute times drift, ratios taken side by side do not).
Each command's first run is an untimed warm-up that also checks it works.

    bench.py [--smoke] [--out FILE] [--reps N]

Environment: MEMSNAP_BIN, MEMHOG_BIN (required), BENCH_DATA (where generated inputs are cached).
--smoke: a few repetitions on a small process and small inputs, a few seconds; prints the table
and writes FILE only when --out is given. Any memsnap command that exists but fails makes the
smoke run exit 1 (that is what CI checks); timings are never asserted.
"""
import argparse
import datetime
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


class Failure(Exception):
    pass


def run_timed(cmd, shell=False):
    """Runs cmd with stdout/stderr to /dev/null; returns (exit code, wall s, cpu s, maxrss kB)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, shell=shell, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return p.returncode, wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss


def first_error(cmd, shell=False):
    p = subprocess.run(cmd, shell=shell, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    lines = p.stderr.strip().splitlines()
    return f"exit {p.returncode}: {lines[0] if lines else 'no message'}"


class Cmd:
    """One benchmarked command. `ok_codes`: exit codes that mean success (diff exits 1 on a
    leak verdict). `na`: why it is not measured (not built, not installed, failed)."""

    def __init__(self, label, cmd, shell=False, ok_codes=(0,), slow=False, na=None, ours=False):
        self.label, self.cmd, self.shell, self.ok_codes = label, cmd, shell, ok_codes
        self.slow, self.na, self.ours = slow, na, ours
        self.wall, self.cpu, self.maxrss = [], [], []

    def text(self):
        return self.cmd if self.shell else " ".join(self.cmd)

    def run(self, record=True):
        code, wall, cpu, rss = run_timed(self.cmd, self.shell)
        if code not in self.ok_codes:
            return first_error(self.cmd, self.shell)
        if record:
            self.wall.append(wall)
            self.cpu.append(cpu)
            self.maxrss.append(rss)
        return None


def measure(cmds, reps, slow_reps):
    """Warm-up (and check) each command, then `reps` rounds, rotating the order each round."""
    live = []
    for c in cmds:
        if c.na:
            continue
        err = c.run(record=False)
        if err:
            c.na = f"n/a (failed: {err})"
            if c.ours:
                raise Failure(f"{c.text()}: {err}")
        else:
            live.append(c)
    for r in range(reps):
        order = live[r % len(live):] + live[:r % len(live)] if live else []
        for c in order:
            if c.slow and r >= slow_reps:
                continue
            err = c.run()
            if err:
                raise Failure(f"{c.text()}: {err} (after it had worked)")


def have(tool):
    return shutil.which(tool) is not None


class Memhog:
    """tests/helpers/memhog.c holding `maps` unmergeable one-page mappings."""

    def __init__(self, binary, maps):
        self.p = subprocess.Popen([binary], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  text=True, bufsize=1)
        ready = self.p.stdout.readline().split()
        if len(ready) != 2 or ready[0] != "ready":
            raise Failure(f"memhog did not start: {ready}")
        self.pid = int(ready[1])
        self.p.stdin.write(f"maps {maps}\n")
        reply = self.p.stdout.readline().strip()
        if not reply.startswith("ok"):
            raise Failure(f"memhog maps {maps}: {reply}")
        with open(f"/proc/{self.pid}/maps") as f:
            self.mappings = sum(1 for _ in f)

    def command(self, line):
        self.p.stdin.write(line + "\n")
        return self.p.stdout.readline().strip()

    def stop(self):
        try:
            self.p.stdin.write("exit\n")
            self.p.stdin.close()
        except OSError:
            pass
        self.p.wait(timeout=10)


def target_pause(memsnap, memhog, maps, rounds, ms):
    """Issue 20, kindness to the target: while a reader loops over the target's smaps, one of
    the target's threads maps and unmaps a page again and again (memhog `mmaplat`), timing
    each pair. mmap and munmap take the mmap lock for writing, so they wait whenever a reader
    holds it. Returns table rows: per reader, the median over `rounds` windows of `ms` ms each
    (readers rotated per round) of the worst pair, the 99th percentile and the pairs over 1 ms."""
    hog = Memhog(memhog, maps)
    pid = str(hog.pid)
    readers = [
        ("no reader", None),
        ("cat /proc/PID/smaps", ["cat", f"/proc/{pid}/smaps"]),
        ("cat /proc/PID/smaps_rollup", ["cat", f"/proc/{pid}/smaps_rollup"]),
        ("memsnap --mem PID", [memsnap, "--mem", pid]),
        ("memsnap watch --light --count 1 PID", [memsnap, "watch", "--light", "--count", "1", pid]),
    ]
    got = {label: [] for label, _ in readers}
    try:
        for r in range(rounds):
            for label, argv in readers[r % len(readers):] + readers[:r % len(readers)]:
                stop = []
                reads = [0]

                def loop(argv=argv):
                    while not stop:
                        subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                        reads[0] += 1
                t = threading.Thread(target=loop) if argv else None
                if t:
                    t.start()
                    time.sleep(0.05)  # the reader is running before the window opens
                reply = hog.command(f"mmaplat {ms}").split()
                stop.append(True)
                if t:
                    t.join()
                if len(reply) != 6 or reply[0] != "ok":
                    raise Failure(f"memhog mmaplat: {' '.join(reply)}")
                pairs, worst, p99, _, over = (int(x) for x in reply[1:])
                got[label].append((worst, p99, over, pairs, reads[0]))
        watch_rows = watch_cost(memsnap, pid, 1 if rounds < 5 else 10)
    finally:
        hog.stop()
    rows = []
    for label, _ in readers:
        v = got[label]
        med = lambda i: statistics.median(x[i] for x in v)
        rows.append(f"| `{label}` | {med(4):.0f} | {med(3):.0f} | {med(0) / 1000:.2f} ms | "
                    f"{med(1):.0f} us | {med(2):.0f} |")
    return hog.mappings, rows, watch_rows


def watch_cost(memsnap, pid, seconds):
    """Issue 20: memsnap's CPU (user + system, from wait4) per tick of `watch` on one big idle
    process: every tick full, --light, and --budget 5% (a full read at the start, then only
    smaps_rollup looks while nothing moves). Ticks are counted from the interval and duration,
    start-up included."""
    rows = []
    interval_ms = 1000
    for label, extra in (("full smaps", []), ("--light", ["--light"]),
                         ("--budget 5%", ["--budget", "5%"])):
        cmd = [memsnap, "watch", pid, "--interval", f"{interval_ms}ms", "--duration",
               f"{seconds}s", "-o", os.devnull, *extra]
        code, wall, cpu, _ = run_timed(cmd)
        if code != 0:
            rows.append(f"| `watch {' '.join(extra) or '(full)'}` | n/a ({first_error(cmd)}) | | |")
            continue
        ticks = seconds * 1000 // interval_ms
        rows.append(f"| `memsnap watch PID --interval 1s --duration {seconds}s {' '.join(extra)}` "
                    f"({label}) | {ticks} | {1000 * cpu / ticks:.1f} ms | "
                    f"{100 * cpu / wall:.1f} % |")
    return rows


def subcommands(memsnap):
    out = subprocess.run([memsnap, "--help"], capture_output=True, text=True).stdout
    section = out.split("Subcommands:", 1)[1] if "Subcommands:" in out else ""
    return set(re.findall(r"^\s+([a-z][a-z-]*)\s", section, re.M))


def fmt_s(v):
    return f"{v:.4f}" if v < 10 else f"{v:.1f}"


def stats(values):
    return (min(values), statistics.median(values)) if values else (None, None)


def ratio_rows(title, cmds, floor, targets):
    """Markdown rows: time min/median, ratio (min/min, median/median), CPU ratio, target."""
    rows = []
    fw_min, _ = stats(floor.wall)
    fc_min, _ = stats(floor.cpu)
    for c in cmds:
        target = targets.get(c.label, "")
        if c.na or not c.wall:
            rows.append(f"| {title} | `{c.label}` | {c.na or 'n/a'} | | | | | {target} |")
            continue
        w_min, w_med = stats(c.wall)
        c_min, _ = stats(c.cpu)
        r_min = w_min / fw_min
        # Rounds run the commands back to back: the ratio within a round sees the same load.
        paired = statistics.median(a / b for a, b in zip(c.wall, floor.wall))
        cpu_r = f"{c_min / fc_min:.2f}x" if fc_min > 0 else "-"
        verdict = ""
        if target:
            limit = float(re.search(r"([0-9.]+)x", target).group(1))
            verdict = " (met)" if paired <= limit else " (NOT met)"
        rows.append(f"| {title} | `{c.label}` | {fmt_s(w_min)} | {fmt_s(w_med)} | "
                    f"{r_min:.2f}x | {paired:.2f}x | {cpu_r} | {target}{verdict} |")
    return rows


def callgrind_instructions(cmd):
    """Instructions (Ir) callgrind counts for cmd, or None."""
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        p = subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}"] + cmd,
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if p.returncode != 0 or not os.path.exists(out):
            return None
        with open(out) as f:
            for line in f:
                if line.startswith(("summary:", "totals:")):
                    return int(line.split()[1])
    return None


def perf_instructions_work():
    if not have("perf"):
        return False
    p = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u", "true"],
                       capture_output=True, text=True)
    return p.returncode == 0 and "not supported" not in p.stderr and "<not" not in p.stderr


def perf_instructions(cmd):
    p = subprocess.run(["perf", "stat", "-x,", "-e", "instructions:u"] + cmd,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    for line in p.stderr.splitlines():
        if "instructions" in line:
            try:
                return int(line.split(",")[0])
            except ValueError:
                return None
    return None


def peak_rss(cmd, ok_codes=(0,)):
    """Maximum resident set size in kB, from /usr/bin/time -v (GNU time) when installed, else
    from wait4()'s rusage (the same kernel counter)."""
    if os.access("/usr/bin/time", os.X_OK):
        p = subprocess.run(["/usr/bin/time", "-v"] + cmd, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr)
        if m and p.returncode in ok_codes:
            return int(m.group(1)), "/usr/bin/time -v"
    code, _, _, rss = run_timed(cmd)
    if code not in ok_codes:
        raise Failure(f"{' '.join(cmd)}: {first_error(cmd)}")
    return rss, "wait4 rusage"


def cached(path, generator, *args):
    """Runs a bench/gen_*.py generator unless `path` exists and is newer than the generator."""
    script = os.path.join(HERE, generator)
    if not os.path.exists(path) or os.path.getmtime(path) < os.path.getmtime(script):
        tmp = path + ".tmp"
        subprocess.run([sys.executable, script, *map(str, args), tmp], check=True)
        os.replace(tmp, path)
    return path


def git(*args):
    p = subprocess.run(["git", "-C", REPO, *args], capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else "unknown"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--smoke", action="store_true", help="a few seconds: small inputs, 3 reps")
    ap.add_argument("--out", help="write the Markdown results here (default without --smoke: "
                    "bench/RESULTS.md)")
    ap.add_argument("--reps", type=int, help="repetitions of each fast command")
    args = ap.parse_args()
    memsnap = os.environ.get("MEMSNAP_BIN") or sys.exit("bench.py: set MEMSNAP_BIN")
    memhog = os.environ.get("MEMHOG_BIN") or sys.exit("bench.py: set MEMHOG_BIN")
    smoke = args.smoke
    out = args.out or (None if smoke else os.path.join(HERE, "RESULTS.md"))
    reps = args.reps or (3 if smoke else 15)
    slow_reps = 1 if smoke else 5
    big_maps, small_maps = (300, 50) if smoke else (60000, 2000)
    parse_bytes = 1_000_000 if smoke else 40_000_000
    samples = 200 if smoke else 100_000
    data = os.environ.get("BENCH_DATA") or tempfile.mkdtemp(prefix="memsnap-bench-")
    os.makedirs(data, exist_ok=True)

    with open("/proc/sys/vm/max_map_count") as f:
        max_maps = int(f.read())
    notes = []
    if big_maps + 1000 > max_maps:
        big_maps = max_maps - 1000
        notes.append(f"vm.max_map_count is {max_maps}: the big process holds {big_maps} "
                     "mappings, not 60 000 (raise it with sysctl -w vm.max_map_count=70000)")

    load_start = os.getloadavg()[0]
    subs = subcommands(memsnap)
    def built(sub):
        return None if sub in subs else "n/a (not built)"

    def peer(tool):
        return None if have(tool) else f"n/a ({tool} not installed: scripts/setup.sh --bench)"

    smemstat_p = None
    if have("smemstat"):
        h = subprocess.run(["smemstat", "-h"], capture_output=True, text=True)
        smemstat_p = "-p proclist" in (h.stdout + h.stderr)
        if not smemstat_p:
            notes.append("this smemstat has no -p: it was timed over every process")

    rows = []
    peak = []
    print(f"memsnap benchmark{' (smoke)' if smoke else ''}: {reps} reps "
          f"({slow_reps} for pmap/smem/smemstat)", flush=True)

    # 1. One process: memsnap and its peers against cat smaps.
    hogs = []
    try:
        for maps in (big_maps, small_maps):
            hog = Memhog(memhog, maps)
            hogs.append(hog)
            pid = hog.pid
            cat = Cmd("cat /proc/PID/smaps", ["cat", f"/proc/{pid}/smaps"])
            cmds = [
                Cmd("memsnap --mem PID", [memsnap, "--mem", str(pid)], ours=True),
                Cmd("memsnap snapshot PID", [memsnap, "snapshot", str(pid)], ours=True,
                    na=built("snapshot")),
                Cmd("pmap -X PID", ["pmap", "-X", str(pid)], slow=True, na=peer("pmap")),
                # smem -P filters on the command name; memhog's is unique here.
                Cmd("smem -P '^NAME$'", ["smem", "-P", f"^{os.path.basename(memhog)}$"],
                    slow=True, na=peer("smem")),
                Cmd("smemstat -p PID" if smemstat_p else "smemstat",
                    ["smemstat", "-p", str(pid)] if smemstat_p else ["smemstat"],
                    slow=True, na=peer("smemstat")),
            ]
            print(f"  process with {hog.mappings} mappings (pid {pid})...", flush=True)
            measure([cat] + cmds, reps, slow_reps)
            title = f"{hog.mappings} mappings"
            rows += ratio_rows(title, [cat] + cmds, cat,
                               {"memsnap --mem PID": "<= 1.10x"} if maps == big_maps else {})
            if maps == big_maps:
                for label, cmd in (("memsnap --mem PID", [memsnap, "--mem", str(pid)]),
                                   ("memsnap snapshot PID", [memsnap, "snapshot", str(pid)])):
                    if label == "memsnap --mem PID" or not built("snapshot"):
                        kb, how = peak_rss(cmd)
                        peak.append((f"{label} ({hog.mappings} mappings)", kb, how))
            hog.stop()
    finally:
        for hog in hogs:
            if hog.p.poll() is None:
                hog.p.kill()
                hog.p.wait()

    # 1b. The pause a thread of the target sees while it is read (issue 20).
    print("  the target's mmap pause while it is read...", flush=True)
    pause_maps, pause_rows, watch_rows = target_pause(memsnap, memhog, big_maps, 2 if smoke else 5,
                                          200 if smoke else 2000)

    # 2. Parsing a captured smaps file.
    print("  parsing a generated smaps file...", flush=True)
    smaps = cached(os.path.join(data, f"gen-{parse_bytes}.smaps"), "gen_smaps.py", parse_bytes)
    tiny = cached(os.path.join(data, "gen-1.smaps"), "gen_smaps.py", 1)
    size = os.path.getsize(smaps)
    parse = Cmd("memsnap --mem --smaps FILE", [memsnap, "--mem", "--smaps", smaps], ours=True)
    start = Cmd("memsnap --mem --smaps ONE-MAPPING", [memsnap, "--mem", "--smaps", tiny],
                ours=True)
    catf = Cmd("cat FILE", ["cat", smaps])
    measure([parse, start, catf], reps, slow_reps)
    p_min, p_med = stats(parse.wall)
    s_min, _ = stats(start.wall)
    pc_min, _ = stats(parse.cpu)
    sc_min, _ = stats(start.cpu)
    mb = size / 1e6
    cpu_mbs = mb / max(pc_min - sc_min, 1e-9)
    parse_rows = [
        f"| file | {mb:.1f} MB ({size} bytes), bench/gen_smaps.py |",
        f"| `memsnap --mem --smaps FILE` wall min / median | {fmt_s(p_min)} s / {fmt_s(p_med)} s |",
        f"| `cat FILE` wall min | {fmt_s(min(catf.wall))} s |",
        f"| start-up (`--smaps` of a one-mapping file) wall min | {fmt_s(s_min)} s |",
        f"| MB/s end to end (size / wall min) | {mb / p_min:.0f} |",
        f"| MB/s wall (size / (wall min - start-up)) | {mb / max(p_min - s_min, 1e-9):.0f} |",
        f"| MB/s on one core (size / (CPU min - start-up CPU)) | {cpu_mbs:.0f} "
        f"(target >= 1000{' (met)' if cpu_mbs >= 1000 else ' (NOT met)'}) |",
    ]
    if perf_instructions_work():
        tool, count = "perf stat -e instructions:u", perf_instructions
    elif have("valgrind"):
        tool, count = "valgrind --tool=callgrind", callgrind_instructions
    else:
        tool, count = None, None
    if tool:
        big, small = count(parse.cmd), count(start.cmd)
        if big is not None and small is not None:
            parse_rows.append(f"| instructions per byte ({tool}, start-up subtracted) | "
                              f"{(big - small) / size:.2f} |")
        else:
            parse_rows.append(f"| instructions per byte | n/a ({tool} failed) |")
    else:
        parse_rows.append("| instructions per byte | n/a (no perf counters, no valgrind) |")
    kb, how = peak_rss(parse.cmd)
    peak.append((f"memsnap --mem --smaps FILE ({mb:.0f} MB)", kb, how))

    # 3. Every process: the machine's own (~70 here), then with 1 000 more (issue 20).
    print("  every process...", flush=True)
    rollup = Cmd("cat /proc/*/smaps_rollup", "cat /proc/*/smaps_rollup > /dev/null 2>&1",
                 shell=True, ok_codes=(0, 1))
    listing = Cmd("memsnap --mem", f"'{memsnap}' --mem > /dev/null", shell=True, ours=True)
    listing_1 = Cmd("memsnap --mem --jobs 1", f"'{memsnap}' --mem --jobs 1 > /dev/null",
                    shell=True, ours=True)
    try:
        subprocess.run([memsnap, "--mem"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       check=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired):
        listing.na = f"n/a ({first_error([memsnap, '--mem'])})"
        listing.ours = False
    if subprocess.run([memsnap, "--mem", "--jobs", "1"], stdout=subprocess.DEVNULL,
                      stderr=subprocess.DEVNULL).returncode != 0:
        listing_1.na = "n/a (no --jobs in this binary)"
        listing_1.ours = False
    smem_all = Cmd("smem", "smem > /dev/null", shell=True, slow=True, na=peer("smem"))
    nprocs = sum(1 for d in os.listdir("/proc") if d.isdigit())
    measure([rollup, listing_1, listing, smem_all], reps, slow_reps)
    rows += ratio_rows(f"every process (~{nprocs})", [rollup, listing_1, listing, smem_all],
                       rollup, {"memsnap --mem": "<= 1.20x"})

    watch_all_rows = []
    extra = 20 if smoke else 1000
    print(f"  every process, with {extra} more (sleep)...", flush=True)
    sleepers = []
    try:
        for _ in range(extra):
            sleepers.append(subprocess.Popen(["sleep", "3600"], stdin=subprocess.DEVNULL,
                                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        nprocs = sum(1 for d in os.listdir("/proc") if d.isdigit())
        groups = (
            ("cat /proc/*/smaps_rollup", "", "<= 0.60x"),
            ("cat /proc/*/smaps", " --categories", "<= 0.60x"),
        )
        for floor_cmd, flag, target in groups:
            floor = Cmd(floor_cmd, f"{floor_cmd} > /dev/null 2>&1", shell=True, ok_codes=(0, 1))
            one = Cmd(f"memsnap --mem{flag} --jobs 1", f"'{memsnap}' --mem{flag} --jobs 1 > /dev/null",
                      shell=True, ours=not listing_1.na, na=listing_1.na)
            many = Cmd(f"memsnap --mem{flag}", f"'{memsnap}' --mem{flag} > /dev/null", shell=True,
                       ours=True)
            measure([floor, one, many], reps, slow_reps)
            rows += ratio_rows(f"every process (~{nprocs}, {extra} sleep)", [floor, one, many],
                               floor, {f"memsnap --mem{flag}": target})
        # 4. watch of every process (issues 19, 20): CPU per tick against one cat of every
        # smaps_rollup. A run of N ticks minus a run of 1 tick, over N - 1: the steady ticks
        # (the first tick reads every process in full: its cost is the 1-tick run's).
        print("  watch --all, CPU per tick...", flush=True)
        n = 3 if smoke else 11
        floor = Cmd("cat /proc/*/smaps_rollup", "cat /proc/*/smaps_rollup > /dev/null 2>&1",
                    shell=True, ok_codes=(0, 1))
        variants = (("--light", " --light"), ("default (full when moved 1 MiB, every 60 ticks)", ""),
                    ("--full-every 1", " --full-every 1"))
        runs = []
        for label, flags in variants:
            for count in (1, n):
                runs.append(Cmd(f"watch --all{flags} --count {count}",
                                f"'{memsnap}' watch --all{flags} --interval 10ms --count {count} "
                                "-o /dev/null", shell=True, ours=True))
        measure([floor, *runs], max(1, reps // 2), 0)
        fc = min(floor.cpu)
        watch_all_rows.append(f"| `cat /proc/*/smaps_rollup` (~{nprocs} processes) | {fc * 1000:.1f} ms | "
                          "1.00x | |")
        for i, (label, flags) in enumerate(variants):
            one, many_ticks = runs[2 * i], runs[2 * i + 1]
            per_tick = (min(many_ticks.cpu) - min(one.cpu)) / (n - 1)
            target = "<= 1.00x" if flags == "" else ""
            verdict = (" (met)" if per_tick <= fc else " (NOT met)") if target else ""
            watch_all_rows.append(f"| `memsnap watch --all{flags}` {label}: per steady tick | "
                              f"{per_tick * 1000:.1f} ms | {per_tick / fc:.2f}x | {target}{verdict} |")
            if flags == "":
                watch_all_rows.append(f"| `memsnap watch --all` first tick (every process in full) | "
                                  f"{min(one.cpu) * 1000:.1f} ms | {min(one.cpu) / fc:.2f}x | |")
    finally:
        for p in sleepers:
            p.kill()
        for p in sleepers:
            p.wait()

    # 5. diff of a series.
    print(f"  diff of a {samples}-sample series...", flush=True)
    diff_rows = []
    if built("diff"):
        diff_rows.append(f"| `memsnap diff SERIES` ({samples} samples) | n/a (not built) | |")
    else:
        series = cached(os.path.join(data, f"series-{samples}.ndjson"), "gen_series.py", samples)
        d = Cmd("memsnap diff SERIES", [memsnap, "diff", series], ok_codes=(0, 1), ours=True)
        measure([d], 1 if smoke else 3, 0)
        mb_series = os.path.getsize(series) / 1e6
        w = min(d.wall)
        diff_rows.append(f"| `memsnap diff SERIES` ({samples} samples, {mb_series:.0f} MB, "
                         f"bench/gen_series.py) | {fmt_s(w)} s | < 2 s"
                         f"{' (met)' if w < 2 else ' (NOT met)'} |")
        kb, how = peak_rss(d.cmd, ok_codes=(0, 1))
        peak.append((f"memsnap diff SERIES ({samples} samples)", kb, how))

    # 6. plot of the same series (issue 18: 100 000 samples must draw quickly, thinned per pixel
    # column, in bounded memory). No target of its own: held to diff's (< 2 s, < 8 MiB).
    print(f"  plot of a {samples}-sample series...", flush=True)
    if built("plot"):
        diff_rows.append(f"| `memsnap plot SERIES` ({samples} samples) | n/a (not built) | |")
    else:
        svg = os.path.join(data, "plot.svg")
        pl = Cmd("memsnap plot SERIES", [memsnap, "plot", series, "-o", svg], ours=True)
        measure([pl], 1 if smoke else 3, 0)
        w = min(pl.wall)
        diff_rows.append(f"| `memsnap plot SERIES -o FILE.svg` ({samples} samples, "
                         f"{os.path.getsize(svg) / 1e3:.0f} kB of SVG) | {fmt_s(w)} s | < 2 s, as diff"
                         f"{' (met)' if w < 2 else ' (NOT met)'} |")
        kb, how = peak_rss(pl.cmd)
        peak.append((f"memsnap plot SERIES ({samples} samples)", kb, how))

    commit = git("rev-parse", "--short", "HEAD")
    dirty = " (with uncommitted changes)" if git("status", "--porcelain", "--", "src") else ""
    lines = [
        "# memsnap benchmark results",
        "",
        f"Date: {datetime.datetime.now().strftime('%Y-%m-%d %H:%M')}; commit {commit}{dirty}; "
        f"`bench/run.sh{' --smoke' if smoke else ''}` ({reps} repetitions, {slow_reps} for "
        f"pmap/smem/smemstat; kernel {os.uname().release}, {os.cpu_count()} CPUs shared with "
        f"other work: load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
        "the end).",
        "",
        "Times are wall seconds, min and median over the repetitions. Each round runs every "
        "command of a group back to back (in a rotating order); ratios are to the first row of "
        "the group: \"min\" is min to min, \"paired\" the median over the rounds of the ratio "
        "within a round (both commands under the same load), \"cpu\" min to min of the "
        "user+system CPU time. Targets: DESIGN.md section 7, judged on the paired ratio; "
        "parsing speed on CPU time (one core). See bench/README.md for how to read them.",
        "",
        "## One process, and every process",
        "",
        "| process | command | min s | median s | ratio (min) | ratio (paired) | cpu | target |",
        "|---|---|---|---|---|---|---|---|",
        *rows,
        "",
        "## watch of every process: CPU per tick (with the sleepers above)",
        "",
        "user+system CPU, min over the repetitions; a steady tick is (N ticks - 1 tick) / (N - 1).",
        "",
        "| command | CPU | ratio to cat | target |",
        "|---|---|---|---|",
        *watch_all_rows,
        "",
        "## Parsing a captured smaps file (one core)",
        "",
        "| | |",
        "|---|---|",
        *parse_rows,
        "",
        "## Peak RSS (target < 8 MiB)",
        "",
        "| command | peak RSS | measured with |",
        "|---|---|---|",
        *[f"| `{label}` | {kb} kB ({kb / 1024:.1f} MiB){' (met)' if kb < 8192 else ' (NOT met)'}"
          f" | {how} |" for label, kb, how in peak],
        "",
        f"## The target's pause while it is read ({pause_maps} mappings)",
        "",
        "A thread of the target maps and unmaps one page in a loop for a window of "
        f"{200 if smoke else 2000} ms while the reader runs again and again (memhog `mmaplat`); "
        "both calls take the target's mmap lock for writing. Medians over the windows; "
        "the worst pair is mostly scheduling noise on a loaded machine (compare with no reader), "
        "the 99th percentile and the count of pairs over 1 ms are the reader's.",
        "",
        "| reader | reads per window | mmap+munmap pairs | worst pair | 99th percentile | pairs over 1 ms |",
        "|---|---|---|---|---|---|",
        *pause_rows,
        "",
        f"## watch's cost per tick ({pause_maps} mappings, idle)",
        "",
        "| command | ticks | CPU per tick | CPU share of the wall time |",
        "|---|---|---|---|",
        *watch_rows,
        "",
        "## diff of a series",
        "",
        "| command | wall | target |",
        "|---|---|---|",
        *diff_rows,
    ]
    if notes:
        lines += ["", "Notes:", *[f"- {n}" for n in notes]]
    text = "\n".join(lines) + "\n"
    print()
    print(text)
    if out:
        with open(out, "w") as f:
            f.write(text)
        print(f"written to {out}")


if __name__ == "__main__":
    try:
        main()
    except Failure as e:
        print(f"bench.py: {e}", file=sys.stderr)
        sys.exit(1)
