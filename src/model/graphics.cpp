#include "model/graphics.h"

#include <algorithm>

#include "model/descriptor.h"

namespace memsnap {
namespace {

uint64_t bytes_to_kb(uint64_t bytes) { return bytes / 1024 + (bytes % 1024 != 0); }

}  // namespace

GraphicsAccumulator::Buffer& GraphicsAccumulator::buffer(uint64_t ino) {
    if (ino != 0) {
        auto it = std::find_if(buffers_.begin(), buffers_.end(),
                               [&](const Buffer& b) { return b.ino == ino; });
        if (it != buffers_.end()) return *it;
    }
    Buffer b;
    b.ino = ino;
    buffers_.push_back(std::move(b));
    return buffers_.back();
}

void GraphicsAccumulator::add_mapping(const Mapping& m, Category c) {
    if (c == Category::Dmabuf) {
        Buffer& b = buffer(m.inode);
        b.mapped = true;
        b.mapped_kb = std::max(b.mapped_kb, m.usage.size);
    } else if (c == Category::Dev && is_gpu_device(m.name)) {
        gpu_mapped_kb_ += m.usage.rss;
    }
}

void GraphicsAccumulator::add_dmabuf_fd(uint64_t ino, uint64_t size_bytes,
                                        std::string_view exporter) {
    Buffer& b = buffer(ino);
    b.held = true;
    b.fd_bytes = size_bytes;
    b.exporter = std::string(exporter);
}

void GraphicsAccumulator::add_drm_client(std::string_view client_key, uint64_t total_bytes,
                                         uint64_t resident_bytes) {
    if (!client_key.empty()) {
        if (std::find(drm_clients_.begin(), drm_clients_.end(), client_key) != drm_clients_.end())
            return;
        drm_clients_.emplace_back(client_key);
    }
    gpu_total_bytes_ += total_bytes;
    gpu_resident_bytes_ += resident_bytes;
}

void GraphicsAccumulator::finish(Snapshot& snap) const {
    DmaSummary dma;
    for (const Buffer& b : buffers_) {
        // fdinfo's size is the whole buffer; a mapping may cover part of it.
        uint64_t kb = b.held ? bytes_to_kb(b.fd_bytes) : b.mapped_kb;
        (b.mapped ? dma.mapped : dma.unmapped) += kb;
        dma.by_exporter[b.exporter.empty() ? "unknown" : b.exporter] += kb;
    }
    dma.total = dma.mapped + dma.unmapped;
    snap.dma = std::move(dma);
    snap.gpu.total = bytes_to_kb(gpu_total_bytes_);
    snap.gpu.resident = bytes_to_kb(gpu_resident_bytes_);
    snap.gpu.mapped = gpu_mapped_kb_;
    if (snap.rollup) return;
    MemUsage& gl = snap.categories[Category::GL];
    gl.pss = gl.private_dirty = snap.gpu.total;
    MemUsage& graph = snap.categories[Category::Graph];
    graph.pss = graph.private_dirty = snap.dma.unmapped;
}

}  // namespace memsnap
