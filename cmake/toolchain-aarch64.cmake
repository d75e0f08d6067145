# Cross build for aarch64 with Debian's cross toolchain (g++-aarch64-linux-gnu) and multiarch libraries
# (dpkg --add-architecture ...; libarchive-dev:..., zlib1g-dev:...: scripts/setup.sh --cross):
#   cmake -S . -B build-aarch64 -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-aarch64.cmake \
#         -DMEMSNAP_STATIC=ON -DMEMSNAP_TESTS=OFF
# The header-only dependencies (CLI11, fmt, nlohmann-json) come from the host's /usr/include.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CXX_COMPILER aarch64-linux-gnu-g++)
set(CMAKE_LIBRARY_ARCHITECTURE aarch64-linux-gnu)
# Programs (the compilers, ccache) from the host; libraries of the target only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64-static)
