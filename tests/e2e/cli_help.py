"""What memsnap's own --help says it accepts: its subcommands and each one's options. The docs
and completion tests check these against the man page and the completions, so an option added
to the code without documenting it fails them."""
import re

from harness import memsnap


def _help(*args):
    r = memsnap(*args, "--help")
    if r.returncode != 0:
        raise AssertionError(f"memsnap {' '.join(args)} --help exited {r.returncode}: {r.stderr}")
    return r.stdout


def _section(text, title):
    """The lines of the CLI11 help section `title` ("Options:", "Subcommands:")."""
    lines, inside = [], False
    for line in text.splitlines():
        if line.strip() == title:
            inside = True
            continue
        if inside:
            if line and not line.startswith(" "):
                break
            lines.append(line)
    return lines


def subcommands():
    """The subcommands `memsnap --help` lists, e.g. ["mem", "snapshot", "diff"]."""
    subs = [m.group(1) for line in _section(_help(), "Subcommands:")
            if (m := re.match(r"^  ([a-z][\w-]*)\s", line))]
    if not subs:
        raise AssertionError("memsnap --help lists no subcommands")
    return subs


def options(*sub):
    """The options (long and short, e.g. "--format", "-o") that `memsnap [SUB] --help` lists."""
    opts = []
    for line in _section(_help(*sub), "Options:"):
        m = re.match(r"^  (-\S+)", line)  # descriptions are indented further
        if not m:
            continue
        for name in m.group(1).split(","):
            name = re.match(r"-{1,2}[\w.-]+", name).group(0)  # --web.listen-address
            opts.append(name)
    if "--help" not in opts:
        raise AssertionError(f"could not read the options of memsnap {' '.join(sub)} --help")
    return opts


def long_options(*sub):
    return [o for o in options(*sub) if o.startswith("--")]


def choices(option, *sub):
    """The values CLI11 lists for `option` in `memsnap [SUB] --help` ("--format FORMAT:{a,b}")."""
    for line in _help(*sub).splitlines():
        m = re.match(r"^  " + re.escape(option) + r" \S*?:\{([^}]*)\}", line)
        if m:
            return m.group(1).split(",")
    raise AssertionError(f"memsnap {' '.join(sub)} --help lists no choices for {option}")
