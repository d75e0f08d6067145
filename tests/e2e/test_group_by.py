"""`--group-by program|user|cgroup`: the listing summed per group, as ps_mem and smem -u sum
it, an address space shared by several processes (CLONE_VM) counted once; the groups of a
many-process stream ranked by diff; serve's per-group series.

Expected numbers come from the kernel's own files, read here by Python: each process's
smaps_rollup Pss + SwapPss (live), or the members of a capture tarball (the very bytes memsnap
reads), added up per group by this file's own code."""
import csv
import io
import json
import os
import pwd
import subprocess
import sys
import tarfile
import tempfile

from harness import MEMSNAP, Memhog, fixture, memsnap, memsnap_json, read_tsv, unittest

sys.path.insert(0, os.path.dirname(__file__))
from test_formats import promtool_check  # noqa: E402
from test_hostile import named_process, stop  # noqa: E402


def total_pss(pid):
    """Pss + SwapPss (kB) of /proc/PID/smaps_rollup: hidumper's Total Pss."""
    values = {}
    with open(f"/proc/{pid}/smaps_rollup") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].endswith(":"):
                values[parts[0][:-1]] = int(parts[1])
    return values["Pss"] + values.get("SwapPss", 0)


def own_cgroup():
    with open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].rstrip("\n")
    return None


class Hogs:
    """Three memhogs renamed to one name of their own (other tests' memhogs run beside these),
    grown by 8, 16 and 24 MiB; the first also starts a CLONE_VM child (memhog clonevm)."""

    def __init__(self):
        self.name = f"gb{os.getpid() % 100000}"
        self.hogs = []
        try:
            for mib in (8, 16, 24):
                hog = Memhog()
                self.hogs.append(hog)
                hog.cmd(f"comm {self.name}")
                hog.cmd(f"brk {mib}")
            # The child takes its parent's comm at clone time: one more member of the group.
            self.child = int(self.hogs[0].cmd("clonevm"))
        except BaseException:
            self.close()
            raise
        self.pids = sorted([h.pid for h in self.hogs] + [self.child])

    def close(self):
        for h in self.hogs:
            h.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def group(listing, key):
    found = [g for g in listing["groups"] if g["group"] == key]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} groups named {key!r}: {[g['group'] for g in listing['groups']]}")
    return found[0]


class LiveGroups(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hogs = Hogs()

    @classmethod
    def tearDownClass(cls):
        cls.hogs.close()

    def expected_total(self):
        # The child shares hogs[0]'s address space: its rollup is hogs[0]'s, counted once.
        return sum(total_pss(h.pid) for h in self.hogs.hogs)

    def check_program_group(self, g):
        self.assertEqual(g["processes"], 4)
        self.assertEqual(g["pids"], self.hogs.pids)
        self.assertEqual(g["shared_address_space"], 1)
        own = self.expected_total()
        # Shared library pages' Pss moves as other processes map and unmap them.
        self.assertLessEqual(abs(g["pss"] + g["swap_pss"] - own), 0.02 * own + 64, (g, own))
        # Counting the child again would add hogs[0]'s 8 MiB and more: past that bound.
        self.assertGreater(total_pss(self.hogs.child), 2 * (0.02 * own + 64))

    def test_program_group_is_the_sum_of_its_processes_each_address_space_once(self):
        listing = memsnap_json("--mem", "--group-by", "program")
        self.assertEqual(listing["group_by"], "program")
        self.assertNotIn("processes", listing)
        self.check_program_group(group(listing, self.hogs.name))
        totals = [g["pss"] + g["swap_pss"] for g in listing["groups"]]
        self.assertEqual(totals, sorted(totals, reverse=True))
        self.assertEqual(listing["system"]["total"] > 0, True)

    def test_program_group_with_categories_reads_full_smaps(self):
        listing = memsnap_json("--mem", "--group-by", "program", "--categories")
        g = group(listing, self.hogs.name)
        self.check_program_group(g)
        self.assertIn("native_heap", g)
        self.assertIn("total_pss_by_category", listing)

    def test_user_group_holds_the_hogs_under_this_users_name(self):
        listing = memsnap_json("--mem", "--group-by", "user")
        me = pwd.getpwuid(os.getuid()).pw_name
        g = group(listing, me)
        self.assertEqual(g["uid"], os.getuid())
        self.assertTrue(set(self.hogs.pids) <= set(g["pids"]), g["pids"])
        self.assertEqual(len(g["pids"]), g["processes"])
        others = [x for x in listing["groups"] if x is not g and set(x["pids"]) & set(self.hogs.pids)]
        self.assertEqual(others, [])

    def test_cgroup_group_is_the_one_of_proc_self_cgroup(self):
        mine = own_cgroup()
        if mine is None:
            self.skipTest("no cgroup v2 line in /proc/self/cgroup")
        listing = memsnap_json("--mem", "--group-by", "cgroup")
        g = group(listing, mine)
        self.assertTrue(set(self.hogs.pids) <= set(g["pids"]), (mine, g["pids"]))
        keys = [x["group"] for x in listing["groups"]]
        self.assertEqual(len(keys), len(set(keys)))

    def test_table_csv_and_prometheus(self):
        r = memsnap("--mem", "--group-by", "program")
        self.assertEqual(r.returncode, 0, r.stderr)
        lines = r.stdout.splitlines()
        self.assertEqual(lines[0].split()[0], "Procs")
        self.assertEqual(lines[0].split()[-1], "Program")
        row = [line for line in lines if line.split()[-1:] == [self.hogs.name]]
        self.assertEqual(len(row), 1, r.stdout)
        self.assertEqual(row[0].split()[0], "4")
        self.assertIn("1 process shares the address space of another process of its group", r.stdout)
        self.assertRegex(r.stdout, r"\n\d+ processes in \d+ programs listed")
        self.assertIn("System (/proc/meminfo):", r.stdout)
        # CSV keeps a name's bytes as they are (test_hostile), and a live listing may hold a
        # process named with bytes that are not UTF-8 (test_hostile's, run beside this one).
        r = subprocess.run([MEMSNAP, "--mem", "--group-by", "program", "--format", "csv"],
                           capture_output=True, timeout=60)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = r.stdout.decode("utf-8", "replace")
        rows = {x["program"]: x for x in csv.DictReader(io.StringIO(out))}
        self.assertEqual(rows[self.hogs.name]["processes"], "4")
        self.assertEqual(rows[self.hogs.name]["shared_address_space"], "1")
        r = memsnap("--mem", "--group-by", "user", "--format", "prom")
        self.assertEqual(r.returncode, 0, r.stderr)
        promtool_check(self, r.stdout)
        me = pwd.getpwuid(os.getuid()).pw_name
        self.assertIn(f'memsnap_process_group_processes{{group_by="user",group="{me}"}}', r.stdout)
        self.assertNotIn("memsnap_process_pss_bytes", r.stdout)
        self.assertIn("memsnap_system_memory_total_bytes", r.stdout)

    def test_names_that_differ_in_bytes_that_are_not_utf8_stay_two_series(self):
        # Prometheus label values are UTF-8: both names read "dup\uFFFD" there, so without
        # their bytes as a label (group_hex) the exposition held one series twice.
        procs = [named_process(b"dup\xff"), named_process(b"dup\xfe")]
        try:
            r = subprocess.run([MEMSNAP, "--mem", "--group-by", "program", "--format", "prom"],
                               capture_output=True, text=True, timeout=60)
        finally:
            for p in procs:
                stop(p)
        self.assertEqual(r.returncode, 0, r.stderr)
        promtool_check(self, r.stdout)
        mine = [l for l in r.stdout.splitlines()
                if l.startswith("memsnap_process_group_processes{") and 'group="dup\ufffd"' in l]
        self.assertEqual(sorted(mine), sorted([
            'memsnap_process_group_processes{group_by="program",group="dup\ufffd",group_hex="647570ff"} 1',
            'memsnap_process_group_processes{group_by="program",group="dup\ufffd",group_hex="647570fe"} 1']))
        samples = [l.rsplit(" ", 1)[0] for l in r.stdout.splitlines() if l and not l.startswith("#")]
        self.assertEqual(len(samples), len(set(samples)), "a series twice")

    def test_top_and_sort_apply_to_groups(self):
        top = memsnap_json("--mem", "--group-by", "program", "--sort", "threads", "--top", "2")
        self.assertEqual(len(top["groups"]), 2)
        self.assertGreaterEqual(top["groups"][0]["threads"], top["groups"][1]["threads"])


class ChangingSharedAddressSpace(unittest.TestCase):
    """A CLONE_VM pair whose address space changes all the time (memhog's mmaplat maps and
    unmaps a page in a loop): the two processes' totals, read one after the other, seldom
    agree, yet they are one address space, counted once (kcmp on the live /proc)."""

    def test_counted_once_while_it_changes(self):
        with Memhog() as hog:
            name = f"cs{os.getpid() % 100000}"
            hog.cmd(f"comm {name}")
            hog.cmd("brk 8")
            child = int(hog.cmd("clonevm"))
            hog.proc.stdin.write("mmaplat 8000\n")  # the reply comes when the loop ends
            hog.proc.stdin.flush()
            try:
                differed = 0
                for _ in range(12):
                    listing = memsnap_json("--mem", "--group-by", "program")
                    g = group(listing, name)
                    self.assertEqual(g["pids"], sorted([hog.pid, child]))
                    self.assertEqual(g["shared_address_space"], 1, g)
                    # VmSize moves with each page mapped: the pair's own status, read one
                    # after the other, differs about half the time (told to the log).
                    differed += self.vm_size(hog.pid) != self.vm_size(child)
                print(f"\nthe pair's VmSize differed in {differed} of 12 reads", flush=True)
            finally:
                reply = hog.proc.stdout.readline()
                self.assertTrue(reply.startswith("ok"), reply)

    def test_forked_copies_stay_two(self):
        # A fork copies its parent's layout: the same span, and counters that match while both
        # sleep. They are two address spaces all the same, which kcmp tells.
        name = f"fk{os.getpid() % 100000}"
        code = (f"import os, sys, time\nopen('/proc/self/comm', 'w').write('{name}')\n"
                "child = os.fork()\nif child: print(child, flush=True)\ntime.sleep(30)\n")
        p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
        child = None
        try:
            child = int(p.stdout.readline())
            g = group(memsnap_json("--mem", "--group-by", "program"), name)
            self.assertEqual(g["pids"], sorted([p.pid, child]))
            self.assertEqual(g["shared_address_space"], 0, g)
        finally:
            p.kill()
            p.wait()
            if child is not None:
                try:
                    os.kill(child, 9)
                except ProcessLookupError:
                    pass

    @staticmethod
    def vm_size(pid):
        with open(f"/proc/{pid}/status") as f:
            return next(line for line in f if line.startswith("VmSize:"))


class FixtureGroups(unittest.TestCase):
    """tests/fixtures/all-procs (its README): 1198 (uid 20010042) and 5650 (uid 10123) listed,
    the others skipped; expected totals are the awk sums in the source trees' expected-rows.tsv."""

    def test_user_and_cgroup_groups_of_a_tree(self):
        tree = fixture("all-procs")
        total = {pid: read_tsv(fixture(src, "expected-rows.tsv"))["total"]
                 for pid, src in ((1198, "ohos-app"), (5650, "android-app"))}
        by_user = memsnap_json("--mem", "--proc-root", tree, "--group-by", "user")
        got = {g["group"]: (g["pids"], g["pss"], g["swap_pss"]) for g in by_user["groups"]}
        self.assertEqual(got, {"20010042": ([1198], total[1198]["pss"], total[1198]["swap_pss"]),
                               "10123": ([5650], total[5650]["pss"], total[5650]["swap_pss"])})
        self.assertEqual(len(by_user["skipped"]), 3)
        # No cgroup file in the tree: one group, said to be unknown, holding both.
        by_cgroup = memsnap_json("--mem", "--proc-root", tree, "--group-by", "cgroup")
        self.assertEqual([(g["group"], g["pids"], g["pss"]) for g in by_cgroup["groups"]],
                         [("(unknown)", [1198, 5650], total[1198]["pss"] + total[5650]["pss"])])


class CapturedGroups(unittest.TestCase):
    """A capture tarball of every process, grouped by memsnap and by this file's own sums of
    its members: the same bytes, so the numbers must be equal, not close."""

    @staticmethod
    def python_groups(cap, by):
        files = {}
        with tarfile.open(cap) as t:
            for m in t.getmembers():
                parts = m.name.split("/")
                if len(parts) == 2 and parts[0].isdigit() and m.isfile() and parts[1] in (
                        "status", "smaps_rollup", "cgroup"):
                    # A name that is not UTF-8 (test_hostile's process, run beside this one) is
                    # in memsnap's JSON with U+FFFD for each bad byte, as "replace" decodes it.
                    files.setdefault(int(parts[0]), {})[parts[1]] = t.extractfile(m).read().decode(
                        "utf-8", "replace")
        groups = {}
        for pid in sorted(files):
            f = files[pid]
            rollup = f.get("smaps_rollup", "")
            lines = rollup.splitlines()
            kv = {}
            for line in lines[1:]:
                p = line.split()
                if len(p) >= 2:
                    kv[p[0].rstrip(":")] = int(p[1])
            if "Rss" not in kv or "status" not in f:
                continue  # a kernel thread or a zombie: no address space
            status = dict(line.split(":", 1) for line in f["status"].splitlines() if ":" in line)
            if by == "program":
                key = status["Name"].strip()
            elif by == "user":
                key = status["Uid"].split()[0]  # a capture's UID, not this machine's name
            else:
                key = next((line[3:] for line in f.get("cgroup", "").splitlines()
                            if line.startswith("0::")), "(unknown)")
            # Two processes share an address space when their rollup's range, Rss and Swap (not
            # Pss or the shared/private split, which other processes move) and status' mm-wide
            # sizes are the same: memsnap's documented rule.
            mm = (lines[0] if lines else "", kv.get("Rss"), kv.get("Swap"), tuple(status.get(k, "").strip() for k in (
                "VmPeak", "VmSize", "VmHWM", "VmRSS", "RssAnon", "RssFile", "RssShmem", "VmSwap")))
            g = groups.setdefault(key, {"processes": 0, "total_pss": 0, "shared": 0, "mms": set()})
            g["processes"] += 1
            if mm in g["mms"]:
                g["shared"] += 1
            else:
                g["mms"].add(mm)
                g["total_pss"] += kv["Pss"] + kv.get("SwapPss", 0)
        return {k: (g["processes"], g["total_pss"], g["shared"]) for k, g in groups.items()}

    def test_capture_groups_equal_the_sums_of_its_members(self):
        with Hogs() as hogs, tempfile.TemporaryDirectory() as tmp:
            cap = os.path.join(tmp, "all.tar")
            r = memsnap("capture", "--all", "--light", "-o", cap, timeout=120)
            self.assertEqual(r.returncode, 0, r.stderr)
            for by in ("program", "user", "cgroup"):
                with self.subTest(by=by):
                    listing = memsnap_json("--mem", "--proc-root", cap, "--group-by", by)
                    got = {g["group"]: (g["processes"], g["pss"] + g["swap_pss"],
                                        g["shared_address_space"]) for g in listing["groups"]}
                    self.assertEqual(got, self.python_groups(cap, by))
            g = group(memsnap_json("--mem", "--proc-root", cap, "--group-by", "program"), hogs.name)
            self.assertEqual((g["processes"], g["shared_address_space"]), (4, 1))


class Refused(unittest.TestCase):
    def test_bad_key_and_a_pid(self):
        r = memsnap("--mem", "--group-by", "pid")
        self.assertEqual(r.returncode, 2, r.stderr)
        r = memsnap("--mem", "self", "--group-by", "program")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--group-by", r.stderr)


class SnapshotCgroup(unittest.TestCase):
    def test_snapshots_carry_the_cgroup(self):
        mine = own_cgroup()
        if mine is None:
            self.skipTest("no cgroup v2 line in /proc/self/cgroup")
        with Memhog() as hog:
            snap = memsnap_json("snapshot", hog.pid)
            self.assertEqual(snap["cgroup"], mine)


# diff --group-by of a many-process stream

def light_line(tick, pid, name, uid, cgroup, pss):
    """One light line of a many-process stream, as watch --all writes it (totals only)."""
    return json.dumps({
        "schema": "memsnap.snapshot/1", "unit": "kB", "time_ms": 1_700_000_000_000 + 1000 * tick,
        "pid": pid, "starttime": 1000 + pid, "name": name, "uid": uid, "cgroup": cgroup,
        "categories": {}, "total": {"pss": pss, "swap_pss": 0}, "status": {"threads": 1},
        "system": {"total": 8_000_000, "free": 4_000_000, "available": 6_000_000},
        "light": True, "tick": tick}, separators=(",", ":"))  # compact, as watch writes it


def churn_stream(path):
    """12 ticks, 1 s apart; sizes in kB, worked out by hand in DiffGroups.
    leaky: 100, 101, 102 each 20480 + 1024 a tick (each +11264 over the stream: under the
      total threshold of 16 MiB alone; together +33792).
    restarter: 202 flat 102400; 200 flat 102400 at ticks 0-5, gone at 6; its successor 201 at
      ticks 6-11: 30720, 51200, 71680, 92160, 102400, 102400 (a restart that warms up).
    spawner: 300 flat 51200; 301-305 come at ticks 2, 4, 6, 8, 10, each flat 51200."""
    lines = []
    warm = [30720, 51200, 71680, 92160, 102400, 102400]
    for t in range(12):
        for pid in (100, 101, 102):
            lines.append(light_line(t, pid, "leaky", 4000001, "/leaky.slice", 20480 + 1024 * t))
        if t <= 5:
            lines.append(light_line(t, 200, "restarter", 0, "/restart.slice", 102400))
        else:
            lines.append(light_line(t, 201, "restarter", 0, "/restart.slice", warm[t - 6]))
        lines.append(light_line(t, 202, "restarter", 0, "/restart.slice", 102400))
        lines.append(light_line(t, 300, "spawner", 4000002, "/spawn.slice", 51200))
        for i, born in enumerate((2, 4, 6, 8, 10)):
            if t >= born:
                lines.append(light_line(t, 301 + i, "spawner", 4000002, "/spawn.slice", 51200))
        if t == 6:
            lines.append(json.dumps({"schema": "memsnap.gone/1", "tick": 6,
                                     "time_ms": 1_700_000_006_000, "pid": 200, "starttime": 1200,
                                     "name": "restarter", "reason": "exited"},
                                    separators=(",", ":")))
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


class DiffGroups(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.TemporaryDirectory()
        cls.stream = os.path.join(cls.dir.name, "churn.ndjson")
        churn_stream(cls.stream)

    @classmethod
    def tearDownClass(cls):
        cls.dir.cleanup()

    def diff_json(self, *args):
        r = memsnap("diff", self.stream, "--format", "json", *args)
        self.assertIn(r.returncode, (0, 1), r.stderr)
        return r.returncode, json.loads(r.stdout)

    def test_a_leak_spread_over_processes_is_the_groups_and_churn_is_not(self):
        for by, keys in (("program", ("leaky", "restarter", "spawner")),
                         ("user", ("4000001", "root", "4000002")),
                         ("cgroup", ("/leaky.slice", "/restart.slice", "/spawn.slice"))):
            with self.subTest(by=by):
                code, j = self.diff_json("--group-by", by)
                self.assertEqual(code, 1)
                self.assertEqual((j["group_by"], j["groups"], j["processes"], j["ticks"]),
                                 (by, 3, 12, 12))
                leaky, restarter, spawner = keys
                self.assertEqual([g["group"] for g in j["leaks"]], [leaky])
                g = j["leaks"][0]
                # 3 x 20480 at tick 0; 3 x (20480 + 11 x 1024) at tick 11.
                self.assertEqual(g["sum"], {"first": 61440, "last": 95232})
                self.assertEqual(g["members_growth"], 3 * 11 * 1024)
                self.assertEqual(g["members"], {"first": 3, "last": 3, "came": 0, "gone": 0})
                self.assertEqual(g["verdicts"][0]["group"], "total")
                # The spawner's sum grew 5 x 51200 by arrivals, its one first member not at all.
                self.assertEqual([a["group"] for a in j["arrivals"]], [spawner])
                a = j["arrivals"][0]
                self.assertEqual(a["sum"], {"first": 51200, "last": 6 * 51200})
                self.assertEqual(a["members_growth"], 0)
                self.assertEqual(a["members"], {"first": 1, "last": 6, "came": 5, "gone": 0})
                if by == "user":
                    self.assertEqual(g["uid"], 4000001)

    def test_per_process_diff_sees_the_restart_and_misses_the_spread_leak(self):
        code, j = self.diff_json()
        leaking = {p["pid"] for p in j["leaks"]}
        # 201 warmed up from 30720 to 102400 kB: alone, a process that grew and held.
        self.assertIn(201, leaking)
        # Each of the leaky three grew 11264 kB, under the 16 MiB total threshold.
        self.assertFalse(leaking & {100, 101, 102}, j["leaks"])

    def test_text_names_the_group_and_the_arrivals(self):
        r = memsnap("diff", self.stream, "--group-by", "program")
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertIn("12 processes in 3 programs over 12 ticks", r.stdout)
        self.assertIn("program leaky (3 processes: 3 -> 3, 0 came, 0 gone): ", r.stdout)
        self.assertRegex(r.stdout, r"program spawner \(6 processes: 1 -> 6, 5 came, 0 gone\): "
                                   r"Pss \+ SwapPss 51200 kB -> 307200 kB through processes that came")
        self.assertNotIn("program restarter", r.stdout)
        self.assertIn("\nsystem: ", r.stdout)

    def test_refused_without_a_stream_or_with_pid(self):
        r = memsnap("diff", self.stream, "--group-by", "program", "--pid", "100")
        self.assertEqual(r.returncode, 2, r.stderr)
        one = os.path.join(self.dir.name, "one.ndjson")
        with open(one, "w") as f:
            for t in range(3):
                line = json.loads(light_line(t, 7, "x", 0, "/", 100))
                del line["tick"]
                f.write(json.dumps(line, separators=(",", ":")) + "\n")
        r = memsnap("diff", one, "--group-by", "user")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("many-process stream", r.stderr)


# serve --group-by

def prom_samples(text, family):
    """{labels text: value} of `family`'s samples in an exposition."""
    out = {}
    for line in text.splitlines():
        if line.startswith(family + "{"):
            labels, value = line[len(family):].rsplit(" ", 1)
            out[labels] = float(value)
    return out


class ServeGroups(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.hogs = Hogs()

    @classmethod
    def tearDownClass(cls):
        cls.hogs.close()

    def test_groups_replace_the_processes_series(self):
        from test_serve import Serve
        serve = Serve("--group-by", "program", "--interval", "200ms")
        try:
            text = serve.metrics()
        finally:
            code, err = serve.stop()
        self.assertEqual(code, 0, err)
        promtool_check(self, text)
        labels = f'{{group_by="program",group="{self.hogs.name}"}}'
        self.assertEqual(prom_samples(text, "memsnap_process_group_processes")[labels], 4)
        self.assertEqual(
            prom_samples(text, "memsnap_process_group_shared_address_space_processes")[labels], 1)
        own = sum(total_pss(h.pid) for h in self.hogs.hogs)
        got = prom_samples(text, "memsnap_process_group_pss_with_swap_bytes")[labels] / 1024
        self.assertLessEqual(abs(got - own), 0.02 * own + 64, (got, own))
        # Bounded cardinality: no per-process family of the unnamed processes.
        self.assertNotIn("memsnap_process_pss_bytes{", text)
        self.assertIn("memsnap_build_info{", text)

    def test_a_named_pid_keeps_its_series_and_is_counted_in_its_group(self):
        from test_serve import Serve
        hog0 = self.hogs.hogs[0]
        serve = Serve(hog0.pid, "--all", "--group-by", "program", "--interval", "200ms")
        try:
            text = serve.metrics()
        finally:
            serve.stop()
        promtool_check(self, text)
        self.assertIn(f'memsnap_process_pss_bytes{{pid="{hog0.pid}"', text)
        labels = f'{{group_by="program",group="{self.hogs.name}"}}'
        self.assertEqual(prom_samples(text, "memsnap_process_group_processes")[labels], 4)
        self.assertEqual(
            prom_samples(text, "memsnap_process_group_shared_address_space_processes")[labels], 1)


if __name__ == "__main__":
    unittest.main()
