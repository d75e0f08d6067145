#pragma once
// GraphicsAccumulator: dmabuf buffers and GPU memory of one process, each buffer and each DRM
// client counted once, folded into the snapshot's dma and gpu objects and the GL and Graph rows
// (DESIGN.md section 4). Fed by collect_snapshot: mappings from smaps, then fdinfo records.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/category.h"
#include "model/mapping.h"
#include "model/snapshot.h"

namespace memsnap {

class GraphicsAccumulator {
public:
    // A mapping the classifier put in `c`: a dmabuf mapping (Dmabuf) is remembered by its inode
    // (a buffer mapped twice counts once, at its largest mapping's Size); a GPU device mapping
    // (Dev and is_gpu_device()) adds its Rss to gpu.mapped. Anything else is ignored, at the
    // cost of one comparison. Allocates only for a dmabuf inode not seen before.
    void add_mapping(const Mapping& m, Category c);

    // A dmabuf held through a descriptor, from its fdinfo: inode `ino` (0 when fdinfo has none:
    // then it cannot be matched and counts on its own), `size_bytes` and exporter name.
    // The same inode through several descriptors counts once.
    void add_dmabuf_fd(uint64_t ino, uint64_t size_bytes, std::string_view exporter);

    // One DRM client's usage from one descriptor's fdinfo, in bytes. `client_key` identifies the
    // client (driver, pdev and drm-client-id); a key seen before is not counted again. An empty
    // key (no drm-client-id) always counts.
    void add_drm_client(std::string_view client_key, uint64_t total_bytes,
                        uint64_t resident_bytes);

    // Fills snap.dma (total = mapped + unmapped, by_exporter over both, a mapped buffer with no
    // descriptor under "unknown"), snap.gpu (total, resident, mapped) and the GL (gpu.total)
    // and Graph (dma.unmapped) rows as Pss and Private Dirty, as hidumper's output shows them.
    // Byte sizes are rounded up to kB per buffer and per total. A light sample (snap.rollup set:
    // no categories) gets dma and gpu but no rows.
    void finish(Snapshot& snap) const;

private:
    struct Buffer {
        uint64_t ino = 0;
        uint64_t fd_bytes = 0;   // size from fdinfo
        uint64_t mapped_kb = 0;  // largest mapping Size
        std::string exporter;
        bool held = false;    // through a descriptor
        bool mapped = false;  // in smaps
    };
    Buffer& buffer(uint64_t ino);

    std::vector<Buffer> buffers_;
    std::vector<std::string> drm_clients_;
    uint64_t gpu_total_bytes_ = 0;
    uint64_t gpu_resident_bytes_ = 0;
    uint64_t gpu_mapped_kb_ = 0;
};

}  // namespace memsnap
