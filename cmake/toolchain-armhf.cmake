# Cross build for armhf with Debian's cross toolchain (g++-arm-linux-gnueabihf) and multiarch libraries
# (dpkg --add-architecture ...; libarchive-dev:..., zlib1g-dev:...: scripts/setup.sh --cross):
#   cmake -S . -B build-armhf -G Ninja -DCMAKE_TOOLCHAIN_FILE=cmake/toolchain-armhf.cmake \
#         -DMEMSNAP_STATIC=ON -DMEMSNAP_TESTS=OFF
# The header-only dependencies (CLI11, fmt, nlohmann-json) come from the host's /usr/include.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR armv7l)
set(CMAKE_C_COMPILER arm-linux-gnueabihf-gcc)
set(CMAKE_CXX_COMPILER arm-linux-gnueabihf-g++)
set(CMAKE_LIBRARY_ARCHITECTURE arm-linux-gnueabihf)
# Programs (the compilers, ccache) from the host; libraries of the target only.
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_CROSSCOMPILING_EMULATOR qemu-arm-static)
