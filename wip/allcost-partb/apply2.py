def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old[:60], s.count(old))
    s = s.replace(old, new)
    open(p, 'w').write(s)

edit('src/procfs/collect.h', '''// Unix time now, in milliseconds.''', '''// Reads <pid>/smaps_rollup alone (streamed through `reader`) and returns its totals: no stat,
// status or meminfo, so nothing here ties them to one process; the caller does (the
// many-process watch reads stat after it: the same start time then means the same process,
// alive since before the read). nullopt when the file held no rollup. Errors as SmapsReader's.
std::optional<MemUsage> read_rollup_totals(const ProcRoot& root, int64_t pid, SmapsReader& reader);

// Unix time now, in milliseconds.''')
edit('src/procfs/collect.cpp', '''Snapshot classify_smaps_file(''', '''std::optional<MemUsage> read_rollup_totals(const ProcRoot& root, int64_t pid, SmapsReader& reader) {
    MemUsage total;
    bool any = false;
    reader.read(root, root.pid_path(pid, "smaps_rollup"), [&](const Mapping& m) {
        total += m.usage;
        any = true;
    });
    if (!any) return std::nullopt;
    return total;
}

Snapshot classify_smaps_file(''')
