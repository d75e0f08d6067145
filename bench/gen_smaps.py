#!/usr/bin/env python3
"""Writes a synthetic /proc/PID/smaps of about SIZE bytes to OUT, for the parsing benchmark.

Usage: gen_smaps.py SIZE_BYTES OUT

Every entry has the header and the 24 key lines (plus VmFlags) of a Linux 6.x smaps, laid out as
the kernel prints them (names padded to column 73, values right-aligned, ' kB'). The names mix what
a phone or desktop process maps, so classify_mapping() sees every kind of rule: unnamed anonymous
memory, versioned and plain .so, [heap], [stack], [anon:...] heaps (OpenHarmony, Android, glibc),
/dev, /dmabuf, anon_inode:dmabuf, fonts, databases, app packages and ' (deleted)' files. The
sequence is fixed (seeded), so two runs write the same bytes.
"""
import random
import sys

KEYS = ["Size", "KernelPageSize", "MMUPageSize", "Rss", "Pss", "Pss_Dirty", "Shared_Clean",
        "Shared_Dirty", "Private_Clean", "Private_Dirty", "Referenced", "Anonymous", "KSM",
        "LazyFree", "AnonHugePages", "ShmemPmdMapped", "FilePmdMapped", "Shared_Hugetlb",
        "Private_Hugetlb", "Swap", "SwapPss", "Locked"]

# (weight, perms, file-backed, name); {i} is replaced by a small number.
KINDS = [
    (40, "rw-p", False, ""),
    (6, "r--p", False, ""),
    (8, "r-xp", True, "/usr/lib/x86_64-linux-gnu/libfoo{i}.so.6"),
    (6, "r--p", True, "/system/lib64/libbar{i}.so"),
    (2, "r--p", True, "/system/lib64/libace{i}.so.1"),
    (5, "rw-p", False, "[anon:native_heap:jemalloc]"),
    (2, "rw-p", False, "[anon:native_heap:brk]"),
    (2, "rw-p", False, "[anon:libc_malloc]"),
    (2, "rw-p", False, "[anon: glibc: malloc arena]"),
    (4, "rw-p", False, "[anon:ArkTS Heap]"),
    (2, "rw-p", False, "[anon:dalvik-main space (region space)]"),
    (2, "rw-p", False, "[anon:stack_and_tls:{i}]"),
    (2, "---p", False, "[anon:guard:{i}]"),
    (1, "rw-p", False, "[stack]"),
    (1, "rw-p", False, "[heap]"),
    (3, "rw-s", True, "/dev/ashmem/shared{i} (deleted)"),
    (2, "rw-s", True, "/dmabuf{i}"),
    (1, "rw-s", True, "anon_inode:dmabuf"),
    (2, "r--s", True, "/system/fonts/Font{i}.ttf"),
    (1, "rw-s", True, "/data/storage/el2/database/app{i}.db-shm"),
    (2, "r--p", True, "/data/storage/el1/bundle/entry{i}.hap"),
    (2, "r--p", True, "/usr/share/misc/data{i}.bin (deleted)"),
]


def entry(rng, addr):
    weights = [k[0] for k in KINDS]
    _, perms, file_backed, name = rng.choices(KINDS, weights)[0]
    name = name.replace("{i}", str(rng.randrange(64)))
    pages = rng.choice((1, 1, 2, 4, 16, 256))
    size = pages * 4
    rss = rng.randrange(pages + 1) * 4
    shared = rss // 2 if perms.endswith("s") or file_backed else 0
    private = rss - shared
    pss = private + shared // 2
    swap = rng.choice((0, 0, 0, 4)) if not file_backed else 0
    values = {"Size": size, "KernelPageSize": 4, "MMUPageSize": 4, "Rss": rss, "Pss": pss,
              "Pss_Dirty": private, "Shared_Clean": shared if file_backed else 0,
              "Shared_Dirty": 0 if file_backed else shared,
              "Private_Clean": private if file_backed else 0,
              "Private_Dirty": 0 if file_backed else private, "Referenced": rss,
              "Anonymous": 0 if file_backed else private, "Swap": swap, "SwapPss": swap}
    dev, inode = ("fe:00", rng.randrange(1, 10**7)) if file_backed else ("00:00", 0)
    head = f"{addr:08x}-{addr + size * 1024:08x} {perms} {0:08x} {dev} {inode} "
    if name:
        head = head.ljust(73) + name
    lines = [head]
    for key in KEYS:
        lines.append(f"{key + ':':<16}{values.get(key, 0):>8} kB")
    lines.append("THPeligible:           0")
    lines.append("VmFlags: rd wr mr mw me ac sd ")
    return "\n".join(lines) + "\n", size * 1024 + 4096


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: gen_smaps.py SIZE_BYTES OUT")
    target = int(sys.argv[1])
    rng = random.Random(8)
    addr = 0x5500000000
    written = 0
    chunk = []
    with open(sys.argv[2], "w") as out:
        while written < target:
            text, step = entry(rng, addr)
            addr += step
            written += len(text)
            chunk.append(text)
            if len(chunk) == 4096:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))


if __name__ == "__main__":
    main()
