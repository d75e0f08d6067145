#!/usr/bin/env bash
# Installs everything memsnap needs to build and test on Debian 12, from Debian's packages.
#   scripts/setup.sh          build + test dependencies
#   scripts/setup.sh --bench  also the peers and tools the benchmark compares against
#   scripts/setup.sh --fuzz   also clang's libFuzzer runtime
#   scripts/setup.sh --clang  also clang (CI compiles every build type with it: .ci/build-types)
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config libcli11-dev libfmt-dev doctest-dev nlohmann-json3-dev
      libarchive-dev libcpp-httplib-dev
      python3 nodejs prometheus bash-completion zsh fish man-db groff-base time
      default-jre-headless openjdk-17-jdk-headless golang-go libjemalloc2 libgoogle-perftools4
      libmimalloc2.0 libxml2-utils chromium
      dpkg-dev lintian)  # the Debian package test: cpack -G DEB (dpkg-shlibdeps), lintian
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(smem smemstat hyperfine valgrind procps) ;;
    --fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    --clang) pkgs+=(clang) ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# nodejs may come from outside Debian on some machines; a working `node` is enough.
if command -v node >/dev/null 2>&1; then
  missing=("${missing[@]/nodejs}")
fi
missing=(${missing[@]+"${missing[@]}"})
if [ ${#missing[@]} -gt 0 ]; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
