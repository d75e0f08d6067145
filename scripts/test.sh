#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole test suite.
#   scripts/test.sh                 release build in build/
#   scripts/test.sh --sanitize      AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   scripts/test.sh --cross         only the static arm64/armhf builds checked under qemu-user
#                                   (ctest -L cross: two more builds of memsnap, ~13 min on 2 cores;
#                                   not yet in .ci/run: first proven on a clean machine)
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
# Warnings are errors here (CI); the project's default is off, for users' own compilers and flags.
extra=(-DMEMSNAP_WERROR=ON)
ctest_extra=(-LE cross)  # minutes of cross compiling: a run of its own, --cross
setup=()
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  extra+=(-DMEMSNAP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  ctest_extra=(-LE 'slow|package')  # the static builds and the .deb prove nothing more under ASan
elif [ "${1:-}" = "--cross" ]; then
  setup=(--cross)
  ctest_extra=(-L cross)
fi
bash scripts/setup.sh ${setup[@]+"${setup[@]}"}
cmake -S . -B "$build" -G Ninja "${extra[@]}"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "${ctest_extra[@]}"
