"""Real runtime and allocator processes for the attribution tests (test_runtimes.py) and the
README's table (measure_runtimes.py): a JVM, a Go program, CPython, and memhog under jemalloc,
tcmalloc and mimalloc, each grown on command while memsnap snapshots it. Each helper answers
with its own count of what it holds (the expected numbers come from the runtime, never from
memsnap). Compiled helpers are cached in the build directory (javac once, Go's build cache)."""
import json
import os
import shutil
import subprocess
import tempfile

from harness import MEMHOG, memsnap

HELPERS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "helpers")
BUILD = os.environ.get("MEMSNAP_BUILD_DIR", os.path.join(os.path.dirname(MEMHOG) or "."))
LIBDIR = "/usr/lib/x86_64-linux-gnu"
ALLOCATORS = {"jemalloc": "libjemalloc.so.2", "tcmalloc": "libtcmalloc.so.4",
              "mimalloc": "libmimalloc.so.2"}
MIB_KB = 1024


def _newer(target, *sources):
    return os.path.exists(target) and all(
        os.path.getmtime(target) >= os.path.getmtime(s) for s in sources)


def java_classpath():
    """Compiles JavaHog.java into BUILD/helpers-java once; returns the class path, or None
    without a JDK."""
    if not shutil.which("javac") or not shutil.which("java"):
        return None
    out = os.path.join(BUILD, "helpers-java")
    src = os.path.join(HELPERS, "JavaHog.java")
    if not _newer(os.path.join(out, "JavaHog.class"), src):
        os.makedirs(out, exist_ok=True)
        subprocess.run(["javac", "-d", out, src], check=True, timeout=300)
    return out


def go_binary():
    """Builds tests/helpers/gohog into BUILD/gohog once (Go's cache in BUILD/go-cache); returns
    its path, or None without a Go toolchain."""
    if not shutil.which("go"):
        return None
    out = os.path.join(BUILD, "gohog")
    src = os.path.join(HELPERS, "gohog")
    if not _newer(out, os.path.join(src, "main.go"), os.path.join(src, "go.mod")):
        env = dict(os.environ, GOCACHE=os.path.join(os.path.abspath(BUILD), "go-cache"),
                   GOPATH=os.path.join(os.path.abspath(BUILD), "go-path"), GOFLAGS="-mod=mod",
                   CGO_ENABLED="0")
        subprocess.run(["go", "build", "-o", os.path.abspath(out), "."], cwd=src, env=env,
                       check=True, timeout=300, capture_output=True)
    return out


def allocator_lib(name):
    path = os.path.join(LIBDIR, ALLOCATORS[name])
    return path if os.path.exists(path) else None


class LineHog:
    """A helper speaking the line protocol of memhog: "ready PID" first, then one reply per
    command, "ok ..." or "err ...". cmd() returns the words after "ok"."""

    def __init__(self, argv, env=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True, bufsize=1,
                                     env=None if env is None else dict(os.environ, **env))
        ready = self.proc.stdout.readline().split()
        if len(ready) < 2 or ready[0] != "ready":
            self.close()
            raise RuntimeError(f"{argv[0]} did not start: {ready}")
        self.pid = int(ready[1])

    def cmd(self, line):
        self.proc.stdin.write(line + "\n")
        self.proc.stdin.flush()
        reply = self.proc.stdout.readline().split()
        if not reply or reply[0] != "ok":
            raise RuntimeError(f"{line!r}: {reply}")
        return reply[1:]

    def close(self):
        if self.proc.poll() is None:
            try:
                self.proc.stdin.write("exit\n")
                self.proc.stdin.flush()
            except BrokenPipeError:
                pass
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        for f in (self.proc.stdin, self.proc.stdout):
            f.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def java_hog(*options):
    return LineHog(["java", *(options or ["-XX:+UseG1GC"]), "-cp", java_classpath(), "JavaHog"])


def go_hog():
    return LineHog([go_binary()])


def python_hog():
    return LineHog(["/usr/bin/python3" if os.path.exists("/usr/bin/python3") else "python3",
                    os.path.join(HELPERS, "pyhog.py")])


def memhog(preload=None):
    return LineHog([MEMHOG], env={"LD_PRELOAD": preload} if preload else None)


class Run:
    """One scenario: snapshot files before and after a command (or a list of commands), the
    helper's replies to `stat` before, to each command (`replies`) and to the last command
    (`after_reply`), and `memsnap diff` of the two snapshots."""

    def __init__(self, hog, command, stat="stat"):
        with tempfile.TemporaryDirectory() as tmp:
            a_path, b_path = os.path.join(tmp, "a.json"), os.path.join(tmp, "b.json")
            self.before_reply = hog.cmd(stat) if stat else []
            self._snapshot(hog.pid, a_path)
            commands = [command] if isinstance(command, str) else command
            self.replies = [hog.cmd(c) for c in commands]
            self.after_reply = self.replies[-1]
            self._snapshot(hog.pid, b_path)
            with open(a_path) as f:
                self.a = json.load(f)
            with open(b_path) as f:
                self.b = json.load(f)
            self.diff = memsnap("diff", a_path, b_path)

    @staticmethod
    def _snapshot(pid, path):
        r = memsnap("snapshot", pid, "-o", path)
        if r.returncode != 0:
            raise AssertionError(f"memsnap snapshot {pid}: {r.returncode} {r.stderr}")

    def grew(self, *keys, counter="rss"):
        """kB the categories `keys` grew by together."""
        return sum(self.b["categories"][k][counter] - self.a["categories"][k][counter]
                   for k in keys)


NATIVE = ("native_heap", "native_heap_inferred")
