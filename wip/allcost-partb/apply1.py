import re
def edit(p, old, new, count=1):
    s = open(p).read()
    assert s.count(old) == count, (p, old[:60], s.count(old))
    s = s.replace(old, new)
    open(p, 'w').write(s)

# stat: num_threads (field 20)
edit('src/procfs/status.h', '''    uint64_t flags = 0;      // field 9: the kernel's PF_* flags of the main thread
''', '''    uint64_t flags = 0;      // field 9: the kernel's PF_* flags of the main thread
    uint64_t threads = 0;    // field 20, num_threads: status' Threads, from the same counter
''')
edit('src/procfs/status.cpp', '''        } else if (field == 22) {''', '''        } else if (field == 20) {
            auto [p2, ec2] = std::from_chars(tok.data(), tok.data() + tok.size(), st.threads);
            if (ec2 != std::errc() || p2 != tok.data() + tok.size() || st.threads > kMaxCount)
                malformed(display_name, 1, "bad num_threads (field 20)");
        } else if (field == 22) {''')

# the selector passes on what stat said
edit('src/procfs/process_select.h', '''    std::string comm;
    bool named = false;''', '''    std::string comm;
    uint64_t threads = 0;   // stat's num_threads
    bool exiting = false;   // stat says it is exiting or a zombie (ProcessStat::exiting)
    bool named = false;''')
edit('src/procfs/process_select.cpp', '''            c.process.comm = st.comm;
''', '''            c.process.comm = st.comm;
            c.process.threads = st.threads;
            c.process.exiting = st.exiting();
''')
