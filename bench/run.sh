#!/usr/bin/env bash
# memsnap's benchmark: bench/run.sh [--smoke] [--out FILE] [--reps N]
# Builds memsnap and the memhog helper in BUILD_DIR (default: build/, configured if missing),
# then runs bench/bench.py, which prints the results and (without --smoke) writes
# bench/RESULTS.md. Set MEMSNAP_BIN and MEMHOG_BIN to skip the build (ctest does).
# Generated inputs (a ~40 MB smaps file, a 100 000-sample series) are cached in
# BENCH_DATA (default: BUILD_DIR/bench-data). The peers: scripts/setup.sh --bench.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
build=${BUILD_DIR:-$repo/build}
if [ -z "${MEMSNAP_BIN:-}" ] || [ -z "${MEMHOG_BIN:-}" ]; then
  [ -f "$build/CMakeCache.txt" ] || cmake -S "$repo" -B "$build" -G Ninja >/dev/null
  cmake --build "$build" --target memsnap memhog -j2 >/dev/null
  export MEMSNAP_BIN=$build/memsnap MEMHOG_BIN=$build/memhog
fi
export BENCH_DATA=${BENCH_DATA:-$build/bench-data}
exec python3 "$here/bench.py" "$@"
