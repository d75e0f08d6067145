"""`memsnap serve`, the Prometheus exporter: a real Prometheus (Debian's `prometheus`) scrapes it
every second while memhog leaks a known number of bytes; bad addresses; clients that stall; its
own memory over a minute of scrapes."""
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request

from harness import MEMSNAP, SANITIZED, Memhog, PrivateMemhogs, kernel_kb, memsnap, unittest

MIB = 1024 * 1024


def free_port():
    """A loopback port nobody listens on now (the OS's pick; a small race is acceptable)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url, timeout=10):
    """(status, body text) of a GET; HTTP errors are returned, not raised."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


class Serve:
    """A running `memsnap serve --listen 127.0.0.1:0 ARGS`; `url` is where it listens (read
    from its start-up line on stderr)."""

    def __init__(self, *args):
        self.proc = subprocess.Popen([MEMSNAP, "serve", "--listen", "127.0.0.1:0", *map(str, args)],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"listening on (http://127\.0\.0\.1:(\d+)/)", line)
        if not m:
            self.proc.kill()
            rest = self.proc.communicate()[1]
            raise AssertionError(f"memsnap serve did not start: {line}{rest}")
        self.url, self.port = m.group(1), int(m.group(2))
        self.pid = self.proc.pid

    def metrics(self):
        status, body = http_get(self.url + "metrics")
        if status != 200:
            raise AssertionError(f"/metrics answered {status}")
        return body

    def stop(self, sig=signal.SIGTERM):
        """Sends `sig`; returns (exit code, stderr)."""
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            _, err = self.proc.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            _, err = self.proc.communicate()
            raise AssertionError("memsnap serve did not stop within 15 s of " + sig.name)
        return self.proc.returncode, err


def read_response(sock):
    """Reads one HTTP/1.1 response with a Content-Length from `sock`; returns its body."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise AssertionError("connection closed mid-response")
        data += chunk
    head, body = data.split(b"\r\n\r\n", 1)
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length:
        body += sock.recv(65536)
    return body


def warm_every_pool_thread(port, threads=8, rounds=3):
    """Makes each of the exporter's HTTP threads serve gzip'd /metrics `rounds` times on one
    keep-alive connection, as Prometheus asks for it: `threads` connections held open at once
    cannot share a thread. A thread's first requests cost it once (glibc gives each thread its
    own malloc arena; zlib's buffers; its stack)."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(threads)]
    try:
        for _ in range(rounds):
            for s in socks:
                s.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n")
            for s in socks:
                read_response(s)
    finally:
        for s in socks:
            s.close()


def samples_of(text, family):
    """{labels string: value} of `family`'s samples in an exposition."""
    out = {}
    for line in text.splitlines():
        if line.startswith(family + "{") or line.startswith(family + " "):
            name_labels, value = line.rsplit(" ", 1)
            out[name_labels[len(family):]] = float(value)
    return out


class Prometheus:
    """Debian's prometheus on a loopback port, scraping `targets` every second, data in a
    temporary folder."""

    def __init__(self, tmp, targets):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        config = os.path.join(tmp, "prometheus.yml")
        with open(config, "w") as f:
            f.write("global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
                    "scrape_configs:\n  - job_name: memsnap\n    static_configs:\n"
                    f"      - targets: {json.dumps(targets)}\n")
        binary = shutil.which("prometheus")
        if binary is None:
            raise AssertionError("prometheus is missing: run scripts/setup.sh (Debian package prometheus)")
        self.log = open(os.path.join(tmp, "prometheus.log"), "w")
        self.proc = subprocess.Popen([binary, "--config.file", config,
                                      "--storage.tsdb.path", os.path.join(tmp, "data"),
                                      "--web.listen-address", f"127.0.0.1:{self.port}"],
                                     stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                if http_get(self.url + "-/ready", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.2)
        self.close()
        raise AssertionError("prometheus did not become ready: see " + self.log.name)

    def query(self, promql):
        """The instant vector of `promql` now: [(labels, value)]."""
        status, body = http_get(self.url + "api/v1/query?" + urllib.parse.urlencode({"query": promql}))
        if status != 200:
            raise AssertionError(f"query {promql!r}: {status} {body}")
        return [(r["metric"], float(r["value"][1])) for r in json.loads(body)["data"]["result"]]

    def query_range(self, promql, start, end, step=1):
        """[(labels, [(t, value), ...])] of `promql` from `start` to `end` (Unix seconds)."""
        args = urllib.parse.urlencode({"query": promql, "start": start, "end": end, "step": step})
        status, body = http_get(self.url + "api/v1/query_range?" + args)
        if status != 200:
            raise AssertionError(f"query_range {promql!r}: {status} {body}")
        return [(r["metric"], [(float(t), float(v)) for t, v in r["values"]])
                for r in json.loads(body)["data"]["result"]]

    def value(self, promql):
        """The one value of `promql`, or None when the result is empty."""
        result = self.query(promql)
        if len(result) > 1:
            raise AssertionError(f"{promql!r} has {len(result)} series")
        return result[0][1] if result else None

    def wait_for(self, promql, timeout=30):
        """Waits until `promql` has a value; returns it."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            v = self.value(promql)
            if v is not None:
                return v
            time.sleep(0.5)
        raise AssertionError(f"{promql!r} had no value within {timeout} s")

    def close(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def vm_rss_kb(pid):
    return kernel_kb(f"/proc/{pid}/status", "VmRSS")


class RealPrometheus(unittest.TestCase):
    """One exporter and one Prometheus for about a minute: the leak is seen in the right
    category, and the exporter's own memory stays flat under 1 s scrapes."""

    # How long the exporter is scraped in all (the issue asks for minutes; the suite's budget
    # allows one). The leak happens in the first part.
    RUN_SECONDS = 60
    LEAK_STEPS = 6
    LEAK_STEP_MIB = 8  # memhog "malloc 8": 8 MiB of 64 KiB chunks in the brk heap, touched

    def test_leak_seen_by_prometheus_and_exporter_memory_flat(self):
        tmp = tempfile.mkdtemp(prefix="memsnap-serve-")
        self.addCleanup(shutil.rmtree, tmp, True)
        hog = Memhog()
        self.addCleanup(hog.close)
        # memhog's and the exporter's own categories: an exposition of a size that does not
        # depend on what else runs on the machine (with --all, a suite starting 1 000
        # processes next to this one made it, and the RSS of the 8 HTTP threads holding
        # copies of it, 10x larger for a while).
        serve = Serve(hog.pid, "self", "--interval", "1s")
        self.addCleanup(serve.stop)
        prom = Prometheus(tmp, [f"127.0.0.1:{serve.port}"])
        self.addCleanup(prom.close)
        started = time.time()
        pid = hog.pid
        native = f'memsnap_category_pss_bytes{{pid="{pid}",category="native_heap"}}'
        prom.wait_for(native)
        before_native = prom.value(native)
        # The exporter's baseline RSS: after its first samples and after each HTTP thread has
        # served once (their arenas exist; measured before this warm-up, RSS rose ~330 kB each
        # time Prometheus's keep-alive reconnect reached a new thread, and stopped after 8).
        warm_every_pool_thread(serve.port)
        time.sleep(6)  # and some samples before the leak, for the recorded rule test below
        rss = [(time.time() - started, vm_rss_kb(serve.pid))]
        baseline_time = time.time()
        # The leak: 6 x 8 MiB of malloc'd, touched memory, one step every 2 s.
        for _ in range(self.LEAK_STEPS):
            hog.cmd(f"malloc {self.LEAK_STEP_MIB}")
            time.sleep(2)
            rss.append((time.time() - started, vm_rss_kb(serve.pid)))
        leaked = self.LEAK_STEPS * self.LEAK_STEP_MIB * MIB
        # Wait for a scrape that saw the whole leak (sampled after the last step).
        deadline = time.time() + 15
        while time.time() < deadline and prom.value(native) - before_native < 0.97 * leaked:
            time.sleep(0.5)
        grown = prom.value(native) - before_native
        window = f"{int(time.time() - started)}s"
        rise = prom.value(f"max_over_time({native}[{window}]) - min_over_time({native}[{window}])")
        # memhog asked for exactly `leaked` bytes; malloc adds 16 bytes per 64 KiB chunk and
        # the brk heap grows in pages: within 3 % below (Pss of pages shared with nothing
        # is their size) and 2 MiB above.
        for what, v in (("now - before", grown), ("max - min", rise)):
            self.assertGreaterEqual(v, 0.97 * leaked, f"native heap {what}: {v} bytes")
            self.assertLessEqual(v, leaked + 2 * MIB, f"native heap {what}: {v} bytes")
        # The growth is in the native group and in no other memory group.
        by_group = {m["group"]: v for m, v in prom.query(
            f'max_over_time(memsnap_group_pss_with_swap_bytes{{pid="{pid}"}}[{window}])'
            f' - min_over_time(memsnap_group_pss_with_swap_bytes{{pid="{pid}"}}[{window}])')}
        self.assertGreaterEqual(by_group["native"], 0.97 * leaked, by_group)
        for group, v in by_group.items():
            if group != "native":
                self.assertLess(v, 2 * MIB, f"{group} grew {v} bytes: {by_group}")
        # The exporter's own cost is exported and each scrape was fresh.
        self.assertGreaterEqual(prom.value('memsnap_samples_total'), 10)
        self.assertIsNotNone(prom.value('memsnap_last_sample_duration_seconds'))
        self.assertEqual(prom.value('up{job="memsnap"}'), 1)

        # The rest of the minute: scrapes every second, the exporter's RSS read every second.
        while time.time() - started < self.RUN_SECONDS:
            time.sleep(1)
            rss.append((time.time() - started, vm_rss_kb(serve.pid)))
        scrapes = prom.value('count_over_time(up{job="memsnap"}[5m])')
        self.assertGreaterEqual(scrapes, self.RUN_SECONDS * 0.8)
        self.assertEqual(prom.value('min_over_time(up{job="memsnap"}[5m])'), 1)
        payload = len(serve.metrics())
        self.assertGreater(payload, 30000, "memhog's categories alone are ~35 kB")
        baseline = rss[0][1]
        peak = max(kb for _, kb in rss)
        # Bound: after the warm-up every sample and scrape allocates blocks of the sizes the
        # previous ones freed, and glibc reuses them; what varies is the exposition's size
        # (processes come and go) and how many are alive at once (the latest, the one being
        # built, one per scrape in flight): 2 payloads + 512 KiB. A leak of one exposition per
        # scrape would be about 50 payloads by now (> 1.5 MiB).
        bound_kb = (2 * payload + 512 * 1024) // 1024
        if not SANITIZED:  # ASan's quarantine keeps freed blocks resident by design
            self.assertLessEqual(peak - baseline, bound_kb,
                                 f"exporter RSS kB over time {rss}, payload {payload} bytes")
        # memsnap sees itself: its own row (smaps Rss, sampled by the exporter and stored by
        # Prometheus) agrees that it stayed flat since the baseline.
        own = f'memsnap_process_rss_bytes{{pid="{serve.pid}"}}'
        since = f"{int(time.time() - baseline_time)}s"
        own_rise = prom.value(f"max_over_time({own}[{since}]) - {own} offset {since}")
        self.assertIsNotNone(own_rise)
        if not SANITIZED:
            self.assertLessEqual(own_rise, bound_kb * 1024)
        self.recorded_series_fire_the_shipped_rule(prom, tmp, pid, started)
        print(f"\nexporter RSS kB {[kb for _, kb in rss]}")
        print(f"exporter RSS {baseline} -> peak {peak} kB over {len(rss)} s, payload "
              f"{payload} bytes, {scrapes:.0f} scrapes; memsnap's own row rose {own_rise / 1024:.0f} kB")

    def recorded_series_fire_the_shipped_rule(self, prom, tmp, pid, started):
        """The rule shipped in contrib/ fires on what this Prometheus recorded: memhog's six group
        series (1 s apart), their clock stretched so that the minute spans the rule's hour, the
        values untouched. Expected: one MemsnapLeak, for native; its value, the floor's rise, is
        worked out here from the same values as PromQL does (min over each window)."""
        recorded = prom.query_range(f'memsnap_group_pss_with_swap_bytes{{pid="{pid}"}}',
                                    started, time.time())
        self.assertEqual(len(recorded), 6, [m for m, _ in recorded])
        n = min(len(v) for _, v in recorded)
        series = [(dict(m, __name__="memsnap_group_pss_with_swap_bytes"), [x for _, x in v[-n:]])
                  for m, v in recorded]
        step = stretched_interval(n)
        end = (n - 1) * step
        native = next(vals for m, vals in series if m["group"] == "native")
        times = [i * step for i in range(n)]

        def floor(lo, hi):
            return min(v for t, v in zip(times, native) if lo <= t <= hi)

        # The shape the rule needs: flat before the leak in the hour's first windows, done by the
        # last ten minutes of the two last evaluations (else this is a test of timing, not rules).
        leak_start = next(i for i, v in enumerate(native) if v > native[0] + MIB)
        self.assertGreater(times[leak_start], 5 * 60 + step, f"leak started at sample {leak_start}")
        self.assertLess(times[native.index(max(native))], end - 20 * 60)
        rise = floor(end - 600, end) - floor(end - 3600, end - 3000)
        self.assertGreater(rise, 40 * MIB)
        labels = next(dict(m) for m, _ in series if m["group"] == "native")
        del labels["__name__"]
        text = recorded_rule_test(series, step)
        exp = ", ".join(f'{k}: "{v}"' for k, v in sorted(labels.items()))
        text += (f"    alert_rule_test:\n      - eval_time: {end}s\n        alertname: MemsnapLeak\n"
                 f"        exp_alerts:\n          - exp_labels: {{severity: warning, {exp}}}\n"
                 f"            exp_annotations:\n"
                 f"              summary: \"memhog ({pid}): native grew {humanize1024(rise)}B in an hour and stayed up\"\n"
                 f"              description: \"memsnap's leak rule: the native group's floor rose past its threshold and kept rising. `memsnap watch {pid}` then `memsnap diff` tells where.\"\n")
        shutil.copy(os.path.join(CONTRIB, "prometheus", "memsnap-rules.yml"), tmp)
        test_file = os.path.join(tmp, "recorded.test.yml")
        with open(test_file, "w") as f:
            f.write(text)
        r = subprocess.run(["promtool", "test", "rules", test_file], capture_output=True, text=True,
                           timeout=120)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr + "\n" + text[:2000])


def humanize1024(v):
    """Prometheus's template function humanize1024 (Go: %.4g and a binary prefix)."""
    prefix = ""
    if abs(v) > 1:
        for p in ["ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"]:
            if abs(v) < 1024:
                break
            prefix, v = p, v / 1024
    return f"{v:.4g}{prefix}"


def stretched_interval(n, span=65 * 60):
    """Seconds between samples so that `n` samples span at least `span`, and no sample falls on
    a window edge of the rule (10, 50 and 60 minutes before the last sample)."""
    step = -(-span // (n - 1))
    while any(edge % step == 0 for edge in (600, 3000, 3600)):
        step += 1
    return step


def recorded_rule_test(series, step):
    """A promtool test file: `series` [(labels, values)] one sample every `step` seconds, the
    alerts expected at the last sample added by the caller."""
    lines = ["rule_files:", "  - memsnap-rules.yml", "evaluation_interval: 1m", "tests:",
             f"  - interval: {step}s", "    input_series:"]
    for labels, values in series:
        selector = "{" + ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()) if k != "__name__") + "}"
        lines.append(f"      - series: '{labels['__name__']}{selector}'")
        lines.append(f"        values: '{' '.join(repr(v) for v in values)}'")
    return "\n".join(lines) + "\n"


class ServeHttp(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        # A memhog on private copies of its files (harness.PrivateMemhogs): its idle Pss does
        # not move when other processes that map the system's libc start or exit.
        cls.tmp = tempfile.mkdtemp()
        cls.hog = Memhog(PrivateMemhogs(cls.tmp).argv())
        cls.serve = Serve(cls.hog.pid, "--interval", "200ms")

    @classmethod
    def tearDownClass(cls):
        cls.serve.stop()
        cls.hog.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_index_health_and_not_found(self):
        status, body = http_get(self.serve.url)
        self.assertEqual(status, 200)
        self.assertIn('<a href="/metrics">', body)
        self.assertIn(f"PID {self.hog.pid}", body)
        status, body = http_get(self.serve.url + "-/healthy")
        self.assertEqual((status, body), (200, "memsnap serve is Healthy.\n"))
        self.assertEqual(http_get(self.serve.url + "nothing-here")[0], 404)

    def test_metrics_are_valid_exposition_with_build_info_and_own_cost(self):
        text = self.serve.metrics()
        promtool = shutil.which("promtool")
        self.assertIsNotNone(promtool, "promtool is missing: run scripts/setup.sh")
        r = subprocess.run([promtool, "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))
        version = memsnap("--version").stdout.split()[-1]
        self.assertEqual(samples_of(text, "memsnap_build_info"), {f'{{version="{version}"}}': 1})
        self.assertIn("# TYPE memsnap_samples_total counter", text)
        self.assertGreaterEqual(samples_of(text, "memsnap_samples_total")[""], 1)
        skipped = samples_of(text, "memsnap_skipped_processes")
        self.assertEqual(set(skipped), {'{reason="gone"}', '{reason="permission_denied"}',
                                        '{reason="zombie"}', '{reason="malformed"}',
                                        '{reason="error"}'})
        self.assertEqual(samples_of(text, "memsnap_processes")[""], 1)
        self.assertEqual(len(samples_of(text, "memsnap_group_pss_with_swap_bytes")), 6)
        # memhog's total in the exposition is its smaps' total, in bytes: the kernel's
        # smaps_rollup Pss, read now (up to 200 ms later), within 64 kB (memhog is idle, and
        # with the system's libc another memhog starting moved its Pss by 78 kB).
        labels = f'{{pid="{self.hog.pid}",name="{self.hog.name}"}}'
        pss = samples_of(text, "memsnap_process_pss_bytes")[labels]
        kernel = kernel_kb(f"/proc/{self.hog.pid}/smaps_rollup", "Pss") * 1024
        self.assertLess(abs(pss - kernel), 64 * 1024, (pss, kernel))

    def test_all_processes_with_a_named_one_read_once(self):
        serve = Serve("--all", self.hog.pid, "--interval", "1s")
        try:
            text = serve.metrics()
        finally:
            serve.stop()
        r = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True,
                           text=True, timeout=60)
        self.assertEqual((r.returncode, r.stdout + r.stderr), (0, ""))
        pss = samples_of(text, "memsnap_process_pss_bytes")
        mine = [k for k in pss if f'pid="{self.hog.pid}"' in k]
        self.assertEqual(len(mine), 1, "memhog once, from its full smaps, not again from the listing")
        # Every process of /proc with an address space is there (or skipped): at least the
        # test's own python and memhog; the exporter counts them.
        self.assertIn(f'{{pid="{os.getpid()}",', "".join(pss))
        self.assertEqual(samples_of(text, "memsnap_processes")[""], len(pss))

    def test_a_scrape_gets_the_latest_sample(self):
        # At 200 ms, a scrape 1 s after another sees more samples taken: served from the
        # sampler's cadence, not read on request and not a stale copy.
        a = samples_of(self.serve.metrics(), "memsnap_samples_total")[""]
        time.sleep(1)
        b = samples_of(self.serve.metrics(), "memsnap_samples_total")[""]
        self.assertGreaterEqual(b - a, 3)

    def test_clients_that_stall_do_not_stop_others(self):
        # Three clients connect and send nothing; one sends requests and never reads a byte of
        # the answers (its receive buffer shrunk so the server's writes block).
        silent = [socket.create_connection(("127.0.0.1", self.serve.port)) for _ in range(3)]
        greedy = socket.socket()
        greedy.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        greedy.connect(("127.0.0.1", self.serve.port))
        greedy.sendall(b"GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n" * 50)
        try:
            for _ in range(5):
                t = time.time()
                self.assertIn("memsnap_build_info", self.serve.metrics())
                self.assertLess(time.time() - t, 2.0)
            # The silent ones are dropped after the read timeout (5 s), not held forever.
            for s in silent:
                s.settimeout(10)
                self.assertEqual(s.recv(1), b"")
        finally:
            for s in silent + [greedy]:
                s.close()


CONTRIB = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "contrib")


def exported_families():
    """The families a real `memsnap serve --all self` exports (self: with categories and
    descriptors; --all: every process's listing row)."""
    serve = Serve("--all", "self", "--interval", "1s")
    try:
        text = serve.metrics()
    finally:
        serve.stop()
    return set(re.findall(r"(?m)^# TYPE (\S+) ", text))


class Contrib(unittest.TestCase):
    """contrib/: the Grafana dashboard and the alert rules query only what serve exports."""

    @classmethod
    def setUpClass(cls):
        cls.families = exported_families()

    def test_dashboard_is_json_and_queries_exported_metrics(self):
        with open(os.path.join(CONTRIB, "grafana", "memsnap.json")) as f:
            dash = json.load(f)
        exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
        exprs += [v["definition"] for v in dash["templating"]["list"] if "definition" in v]
        self.assertGreaterEqual(len(exprs), 8)
        used = set()
        for e in exprs:
            used |= set(re.findall(r"\bmemsnap_[a-z_]+", e))
        self.assertIn("memsnap_group_pss_with_swap_bytes", used)
        self.assertFalse(used - self.families, "the dashboard queries metrics serve does not export")
        for p in dash["panels"]:
            self.assertTrue(p["title"] and p["targets"] and p["gridPos"], p)

    def test_rules_use_exported_metrics(self):
        with open(os.path.join(CONTRIB, "prometheus", "memsnap-rules.yml")) as f:
            used = set(re.findall(r"\bmemsnap_[a-z_]+", f.read()))
        self.assertIn("memsnap_group_pss_with_swap_bytes", used)
        self.assertFalse(used - self.families, "the rules use metrics serve does not export")


class ServeErrors(unittest.TestCase):
    def run_serve(self, *args):
        return memsnap("serve", *args, timeout=30)

    def test_port_in_use_is_one_line_and_exit_6(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            r = self.run_serve("--listen", f"127.0.0.1:{port}")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn(f"cannot listen on 127.0.0.1:{port}: Address already in use", r.stderr)

    def test_address_not_of_this_machine_exit_6(self):
        # 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
        r = self.run_serve("--web.listen-address", "192.0.2.1:9400")
        self.assertEqual(r.returncode, 6, r.stderr)
        self.assertEqual(r.stderr.count("\n"), 1, r.stderr)
        self.assertIn("not an address of this machine", r.stderr)

    def test_bad_addresses_are_usage_errors(self):
        for address, said in [(":9400", "never listens on every interface"),
                              ("127.0.0.1", "HOST:PORT"), ("127.0.0.1:99999", "0 to 65535"),
                              ("::1:9400", "brackets"), ("127.0.0.1:http", "0 to 65535")]:
            with self.subTest(address=address):
                r = self.run_serve("--listen", address)
                self.assertEqual(r.returncode, 2, r.stderr)
                self.assertIn(said, r.stderr)
                self.assertEqual(r.stderr.count("\n"), 1, r.stderr)

    def test_missing_pid_exit_3_and_bad_pattern_exit_2(self):
        r = self.run_serve("--listen", "127.0.0.1:0", "999999999")
        self.assertEqual(r.returncode, 3, r.stderr)
        r = self.run_serve("--listen", "127.0.0.1:0", "--name", "(")
        self.assertEqual(r.returncode, 2, r.stderr)
        self.assertIn("--name '('", r.stderr)

    def test_sigint_stops_cleanly(self):
        serve = Serve("self", "--interval", "100ms")
        self.assertEqual(http_get(serve.url + "-/healthy")[0], 200)
        code, err = serve.stop(signal.SIGINT)
        self.assertEqual(code, 0, err)
        self.assertEqual(err, "")


if __name__ == "__main__":
    unittest.main()
