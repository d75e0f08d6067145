// GraphicsAccumulator: each dmabuf inode and each DRM client counted once; GL and Graph rows.
#include <doctest/doctest.h>

#include "model/graphics.h"

using namespace memsnap;

namespace {
Mapping mapping(std::string_view name, uint64_t inode, uint64_t size_kb, uint64_t rss_kb) {
    Mapping m;
    m.name = name;
    m.inode = inode;
    m.usage.size = size_kb;
    m.usage.rss = rss_kb;
    return m;
}
}  // namespace

TEST_CASE("a dmabuf held by two fds and mapped twice counts once, as mapped") {
    GraphicsAccumulator g;
    g.add_mapping(mapping("/dmabuf:gralloc", 5001, 4096, 4096), Category::Dmabuf);
    g.add_mapping(mapping("/dmabuf:gralloc", 5001, 1024, 1024), Category::Dmabuf);
    g.add_dmabuf_fd(5001, 4 << 20, "qcom,system");
    g.add_dmabuf_fd(5001, 4 << 20, "qcom,system");
    g.add_dmabuf_fd(5002, 2 << 20, "system");  // held only
    g.add_mapping(mapping("anon_inode:dmabuf", 5003, 512, 512), Category::Dmabuf);  // mapped only
    Snapshot s;
    g.finish(s);
    CHECK(s.dma.mapped == 4096 + 512);
    CHECK(s.dma.unmapped == 2048);
    CHECK(s.dma.total == 4096 + 512 + 2048);
    CHECK(s.dma.by_exporter ==
          std::map<std::string, uint64_t>{{"qcom,system", 4096}, {"system", 2048}, {"unknown", 512}});
    CHECK(s.categories[Category::Graph].pss == 2048);
    CHECK(s.categories[Category::Graph].private_dirty == 2048);
    CHECK(s.categories[Category::Graph].rss == 0);
    CHECK(s.categories[Category::GL] == MemUsage{});
}

TEST_CASE("dmabuf sizes round up to kB, a buffer with no inode cannot be matched") {
    GraphicsAccumulator g;
    g.add_dmabuf_fd(0, 1, "a");
    g.add_dmabuf_fd(0, 1025, "a");
    Snapshot s;
    g.finish(s);
    CHECK(s.dma.unmapped == 1 + 2);
}

TEST_CASE("DRM clients: a client id seen twice counts once, no id always counts") {
    GraphicsAccumulator g;
    g.add_drm_client("msm|0000:00:02.0|42", 5 << 20, 1 << 20);
    g.add_drm_client("msm|0000:00:02.0|42", 5 << 20, 1 << 20);
    g.add_drm_client("msm|0000:00:02.0|43", 1 << 20, 1 << 20);
    g.add_drm_client("", 1024, 0);
    g.add_drm_client("", 1024, 0);
    Snapshot s;
    g.finish(s);
    CHECK(s.gpu.total == 5 * 1024 + 1024 + 2);
    CHECK(s.gpu.resident == 2048);
    CHECK(s.categories[Category::GL].pss == s.gpu.total);
    CHECK(s.categories[Category::GL].private_dirty == s.gpu.total);
    CHECK(s.dma == DmaSummary{});
}

TEST_CASE("GPU device mappings are gpu.mapped by Rss, other devices are not") {
    GraphicsAccumulator g;
    for (const char* dev : {"/dev/kgsl-3d0", "/dev/mali0", "/dev/dri/renderD128", "/dev/nvidia0"})
        g.add_mapping(mapping(dev, 7, 1000, 10), Category::Dev);
    g.add_mapping(mapping("/dev/ashmem/x", 8, 1000, 1000), Category::Dev);
    g.add_mapping(mapping("/dev/kgsl-3d0", 7, 1000, 1000), Category::So);  // not Dev: ignored
    Snapshot s;
    g.finish(s);
    CHECK(s.gpu.mapped == 40);
    CHECK(s.gpu.total == 0);
    CHECK(s.categories[Category::GL] == MemUsage{});
}
