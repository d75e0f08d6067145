#pragma once
// The smaps_rollup files of a many-process watch's processes (cli/watch_many.cpp), kept open
// from one tick to the next on a live procfs. Reading a held file again costs one pread(2)
// (SmapsReader::reread_record), where opening it anew costs a path walk and four more calls
// (open, fstat, a read at the end, close). A held file stays the process it was opened for:
// once that process has exited (its PID maybe another's now) or exec'd (a new address space),
// a read of it fails with ESRCH (NotFound), and the caller drops it and reads by path again.
//
// Each held file is a descriptor and about 5 kB of kernel memory (the file and its seq_file
// page). At most kMaxHeld are held, fewer when RLIMIT_NOFILE (raised to its hard limit when
// needed) leaves less than kSpareFds free; the rest are read by path every tick, as before.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <unordered_map>

#include "model/mem_usage.h"
#include "procfs/process.h"
#include "procfs/smaps.h"

namespace memsnap {

class RollupFiles {
  public:
    static constexpr std::size_t kMaxHeld = 4096;
    static constexpr std::size_t kSpareFds = 256;

    // Holds nothing unless `root` is a procfs mount (ProcSource::is_procfs); a captured tree's
    // files are read by path.
    explicit RollupFiles(const ProcRoot& root);
    ~RollupFiles();
    RollupFiles(const RollupFiles&) = delete;
    RollupFiles& operator=(const RollupFiles&) = delete;

    bool enabled() const { return budget_ > 0; }
    bool holds(int64_t pid) const { return held_.count(pid) != 0; }
    // Room for one more held file (open() may still find none at adopt()).
    bool has_room() const { return held_.size() < budget_; }

    // Opens <pid>/smaps_rollup for adopt(): the descriptor, or -1 (not a procfs root, or the
    // open failed). Safe from several threads at once (reads no state but the root).
    int open(int64_t pid) const;
    // Keeps `fd` (from open(), opened before the read that showed the process to be the one
    // followed) as the file of the process `pid`, `starttime`, or closes it when there is no
    // room or one is held for that PID already.
    void adopt(int64_t pid, uint64_t starttime, int fd);
    // Closes the file held for that process, if one is (not one of a later process of the PID).
    void drop(int64_t pid, uint64_t starttime);

    // The totals of the held file of `pid` (holds(pid) must be true), read again from its
    // start: nullopt for a process without mappings. Throws Error: NotFound once the process
    // has exited or exec'd. Safe from several threads at once for different PIDs.
    std::optional<MemUsage> read(int64_t pid, SmapsReader& reader) const;

    std::size_t size() const { return held_.size(); }

  private:
    ProcRoot root_;
    std::size_t budget_ = 0;
    struct Held {
        int fd = -1;
        uint64_t starttime = 0;
    };
    std::unordered_map<int64_t, Held> held_;  // by PID
};

}  // namespace memsnap
