#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for SECONDS (default 60),
# seeded from tests/fixtures and the regression inputs. A crash is saved under
# tests/fixtures/fuzz-regressions/<target>/ so the normal suite replays it forever after;
# the script then exits non-zero.
#   fuzz/run.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
bash scripts/setup.sh --fuzz
build=build-fuzz
cmake -S . -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DMEMSNAP_FUZZ=ON -DMEMSNAP_TESTS=OFF -DMEMSNAP_WERROR=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(smaps status stat meminfo fdinfo snapshot_json series_line csv_record arguments)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"

seed_dir() {  # the seed corpus of a target: fixture files and the saved regressions
  local t=$1 dir=$build/corpus/$1 i=0 f
  mkdir -p "$dir"
  local globs=()
  case $t in
    smaps) globs=(tests/fixtures/*/*/smaps tests/fixtures/*/*/smaps_rollup) ;;
    status) globs=(tests/fixtures/*/*/status) ;;
    stat) globs=(tests/fixtures/*/*/stat) ;;
    meminfo) globs=(tests/fixtures/*/meminfo) ;;
    fdinfo) globs=(tests/fixtures/*/*/fdinfo/*) ;;
    csv_record) printf 'a,"b,c","d""e",' > "$dir/seed-csv" ;;
    arguments) printf '42' > "$dir/seed-pid"; printf 'app' > "$dir/seed-name"
               printf 'native=16MiB,js=8MiB/5%%,fd=100' > "$dir/seed-threshold"; printf '250ms' > "$dir/seed-duration" ;;
  esac
  for f in "${globs[@]}"; do  # regular files only: some fixtures hold FIFOs or directories there
    if [ -f "$f" ] && [ ! -L "$f" ]; then cp "$f" "$dir/seed-$i"; i=$((i+1)); fi
  done
  if [ -d "tests/fixtures/fuzz-regressions/$t" ]; then cp tests/fixtures/fuzz-regressions/"$t"/* "$dir/"; fi
  echo "$dir"
}

status=0
for t in "${targets[@]}"; do
  corpus=$(seed_dir "$t")
  artifacts=$build/artifacts/$t
  rm -rf "$artifacts"
  mkdir -p "$artifacts"
  log=$build/fuzz-$t.log
  if "$build/fuzz/fuzz_$t" -max_total_time="$seconds" -max_len=1048576 -rss_limit_mb=2048 \
       -timeout=10 -artifact_prefix="$artifacts/" "$corpus" > "$log" 2>&1; then
    # libFuzzer's own summary line; the recommended dictionary printed before it can hold '#<digits>'
    runs=$(sed -nE 's/^Done ([0-9]+) runs in .*/\1/p' "$log" | tail -1)
    echo "fuzz $t: ok, $runs executions in ${seconds}s"
  else
    status=1
    if compgen -G "$artifacts/*" > /dev/null; then
      mkdir -p "tests/fixtures/fuzz-regressions/$t"
      cp "$artifacts"/* "tests/fixtures/fuzz-regressions/$t/"
      echo "fuzz $t: FAILED (input saved under tests/fixtures/fuzz-regressions/$t; log $log)"
    else
      echo "fuzz $t: FAILED to run (log $log)"
    fi
    tail -30 "$log"
  fi
done
exit $status
