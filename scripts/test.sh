#!/usr/bin/env bash
# Sets up (Debian packages), builds and runs the whole test suite.
#   scripts/test.sh                 release build in build/
#   scripts/test.sh --sanitize      AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
build=build
# Warnings are errors here (CI); the project's default is off, for users' own compilers and flags.
extra=(-DMEMSNAP_WERROR=ON)
ctest_extra=()
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  extra+=(-DMEMSNAP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
  ctest_extra=(-LE 'slow|package')  # the static build and the .deb prove nothing more under ASan
fi
bash scripts/setup.sh
cmake -S . -B "$build" -G Ninja "${extra[@]}"
cmake --build "$build" -j"$(nproc)"
ctest --test-dir "$build" --output-on-failure -j"$(nproc)" "${ctest_extra[@]}"
