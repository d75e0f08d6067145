def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old[:60], s.count(old))
    s = s.replace(old, new)
    open(p, 'w').write(s)
T = 'tests/unit/procfs/status_test.cpp'
edit(T, '''    CHECK(st.starttime == 987654);
    CHECK_FALSE(st.exiting());''', '''    CHECK(st.starttime == 987654);
    CHECK(st.threads == 1);  // field 20
    CHECK(parse_stat("7 (w) S 1 7 7 0 -1 0 0 0 0 0 0 0 0 0 20 0 12 0 5 1 1\\n", "stat").threads == 12);
    CHECK_FALSE(st.exiting());''')
edit(T, '''          }) == "stat:1: bad ppid (field 4)");
''', '''          }) == "stat:1: bad ppid (field 4)");
    CHECK(error_of([] {
              parse_stat("1 (c) S 1 1 1 0 -1 0 0 0 0 0 0 0 0 0 20 0 many 0 5 1 1\\n", "stat");
          }) == "stat:1: bad num_threads (field 20)");
''')
edit(T, '''    CHECK_FALSE(mi.get("MemAvailable").has_value());
''', '''    CHECK_FALSE(mi.get("MemAvailable").has_value());
    // The three fields a snapshot keeps; a missing one is 0.
    CHECK(system_memory_of(mi) == SystemMemory{24000000, 100, 0});
''')
