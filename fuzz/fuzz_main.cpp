// libFuzzer entry point for the target named by MEMSNAP_FUZZ_TARGET (fuzz/CMakeLists.txt).
#include <cstdlib>
#include <string_view>

#include "targets.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, std::size_t size) {
    static memsnap::fuzz::Target target = [] {
        std::size_t n = 0;
        const memsnap::fuzz::NamedTarget* all = memsnap::fuzz::all_targets(n);
        for (std::size_t i = 0; i < n; ++i) {
            if (all[i].name == MEMSNAP_FUZZ_TARGET) return all[i].run;
        }
        std::abort();
    }();
    return target(data, size);
}
