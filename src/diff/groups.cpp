#include "diff/groups.h"

#include <algorithm>

#include "diff/snapshot_diff.h"

namespace memsnap {
namespace {

using C = Category;
using G = Group;

constexpr bool holds_categories(Group g) {
    return g != G::Fd && g != G::Thread && g != G::Total;
}

struct Membership {
    Category category;
    Group group;
    std::string_view why;  // where the rule comes from
};

// Every category, in enum order, with its group. DESIGN.md section 6: native, managed (js),
// graphics, memory no runtime claims (anon and file separately), shared memory/devices.
constexpr std::array<Membership, kCategoryCount> kMembership = {{
    {C::GL, G::Graphics, "hidumper: GPU memory of DRM clients"},
    {C::Graph, G::Graphics, "hidumper: dmabuf held through descriptors"},
    {C::ArkTsHeap, G::Js, "hidumper: ArkTS's managed heap"},
    {C::JsHeapInferred, G::Js, "V8 heap pages (model/shape_rules)"},
    {C::JavaHeapInferred, G::Js, "a JVM's heap: a managed heap (model/shape_rules)"},
    {C::GoHeapInferred, G::Js, "Go's heap arenas: a managed heap (model/shape_rules)"},
    {C::ArkTsStaticHeap, G::Js, "hidumper: ArkTS static heap"},
    {C::Guard, G::Anon, "guard pages: anonymous, no runtime claims them"},
    {C::NativeHeap, G::Native, "hidumper: malloc's heaps, named"},
    {C::NativeHeapInferred, G::Native, "glibc arenas and mmapped chunks (model/shape_rules)"},
    {C::Hap, G::File, "app packages: file-backed"},
    {C::AnonOther, G::Anon, "hidumper: every other anonymous mapping (js under --js-heap anon)"},
    {C::Stack, G::Anon, "thread stacks: anonymous, claimed by no heap"},
    {C::StackInferred, G::Anon, "thread stacks (model/shape_rules)"},
    {C::Db, G::File, "databases: file-backed"},
    {C::So, G::File, "shared libraries: file-backed"},
    {C::Dev, G::Shared, "hidumper: /dev mappings (ashmem, /dev/shm, drivers)"},
    {C::Dmabuf, G::Graphics, "hidumper: mapped dmabuf buffers"},
    {C::Ttf, G::File, "fonts: file-backed"},
    {C::ArkWebPaHeap, G::Native, "ArkWeb's PartitionAlloc: an allocator's heap"},
    {C::DalvikHeap, G::Js, "Android's managed (ART) heap"},
    {C::FileOther, G::File, "hidumper: every other file-backed mapping"},
    {C::JsvmHeap, G::Js, "hiview: JSVM's V8 heap, a managed heap"},
    {C::ArkWebJsHeap, G::Js, "hiview: ArkWeb's V8 heap, a managed heap"},
    {C::KotlinHeap, G::Js, "hiview: Kotlin's managed heap"},
    {C::RnHermesHeap, G::Js, "hiview: React Native Hermes's managed heap"},
    {C::DartHeap, G::Js, "hiview: Dart's managed heap"},
    {C::DalvikOther, G::Anon, "androidprocheaps: ART's other anonymous memory (not its heap)"},
    {C::Cursor, G::Shared, "androidprocheaps: CursorWindow ashmem, shared memory"},
    {C::Ashmem, G::Shared, "androidprocheaps: ashmem, shared memory"},
    {C::GfxDev, G::Graphics, "androidprocheaps: GPU device mappings (kgsl-3d0)"},
    {C::Jar, G::File, "androidprocheaps: .jar mmap, file-backed"},
    {C::Apk, G::File, "androidprocheaps: .apk mmap, file-backed"},
    {C::Dex, G::File, "androidprocheaps: .dex mmap, file-backed"},
    {C::Oat, G::File, "androidprocheaps: .oat mmap, file-backed"},
    {C::Art, G::File, "androidprocheaps: .art mmap (boot image), file-backed"},
    {C::OtherMmap, G::File, "androidprocheaps: other named mappings (mostly files)"},
    {C::Memfd, G::Shared, "libmeminfo: memfd mappings, shared memory"},
}};

// A category added to the enum without a row here fails to compile.
constexpr bool membership_in_enum_order() {
    for (std::size_t i = 0; i < kMembership.size(); ++i) {
        if (static_cast<std::size_t>(kMembership[i].category) != i) return false;
        if (!holds_categories(kMembership[i].group)) return false;
    }
    return true;
}
static_assert(kMembership.size() == kCategoryCount && membership_in_enum_order(),
              "every Category needs its row in kMembership, in enum order, in a memory group");

uint64_t charged(const Snapshot& s, Category c) { return charged_kb(s.categories[c]); }

}  // namespace

std::string_view group_key(Group g) {
    static constexpr std::array<std::string_view, kGroupCount> kKeys = {
        "native", "js", "graphics", "anon", "file", "shared", "fd", "thread", "total"};
    return kKeys[static_cast<std::size_t>(g)];
}

bool group_is_memory(Group g) { return g != G::Fd && g != G::Thread; }

bool group_has_categories(Group g) { return holds_categories(g); }

Group group_of(Category c, bool anon_is_js) {
    if (c == C::AnonOther && anon_is_js) return G::Js;
    return kMembership[static_cast<std::size_t>(c)].group;
}

std::array<uint64_t, kGroupCount> group_values(const Snapshot& s, bool anon_is_js) {
    std::array<uint64_t, kGroupCount> v{};
    auto at = [&](Group g) -> uint64_t& { return v[static_cast<std::size_t>(g)]; };
    for (const Membership& m : kMembership) {
        if (m.group == G::Graphics) continue;  // below: not counted twice
        at(group_of(m.category, anon_is_js)) += charged(s, m.category);
    }
    // GPU device mappings are Dev rows too: counted once, as graphics.
    at(G::Shared) -= std::min(at(G::Shared), s.gpu.mapped);
    at(G::Graphics) = std::max(charged(s, C::GL), s.gpu.total) +
                      std::max(charged(s, C::Graph) + charged(s, C::Dmabuf), s.dma.total) +
                      s.gpu.mapped + charged(s, C::GfxDev);
    at(G::Fd) = s.fd.num;
    at(G::Thread) = thread_count(s);
    const MemUsage total = s.total();
    at(G::Total) = total.pss + total.swap_pss;
    return v;
}

}  // namespace memsnap
