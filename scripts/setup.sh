#!/usr/bin/env bash
# Installs everything memsnap needs to build and test on Debian 12, from Debian's packages.
#   scripts/setup.sh          build + test dependencies
#   scripts/setup.sh --bench  also the peers and tools the benchmark compares against
#   scripts/setup.sh --fuzz   also clang's libFuzzer runtime
#   scripts/setup.sh --clang  also clang (CI compiles every build type with it: .ci/build-types)
#   scripts/setup.sh --cross  also the arm64/armhf cross toolchains, the targets' static libraries
#                             (Debian multiarch) and qemu-user (ctest -L cross)
set -euo pipefail
pkgs=(build-essential cmake ninja-build pkg-config libcli11-dev libfmt-dev doctest-dev nlohmann-json3-dev
      libarchive-dev libcpp-httplib-dev
      python3 nodejs prometheus bash-completion zsh fish man-db groff-base time
      default-jre-headless openjdk-17-jdk-headless golang-go libjemalloc2 libgoogle-perftools4
      libmimalloc2.0 libxml2-utils chromium
      strace  # test_watch_many counts the system calls of watch --all's steady ticks
      dpkg-dev lintian)  # the Debian package test: cpack -G DEB (dpkg-shlibdeps), lintian
foreign=()
for arg in "$@"; do
  case "$arg" in
    --bench) pkgs+=(smem smemstat hyperfine valgrind procps) ;;
    --fuzz) pkgs+=(clang libclang-rt-14-dev) ;;
    --clang) pkgs+=(clang) ;;
    # The static cross builds (cmake/toolchain-*.cmake): the target's libarchive.a and libz.a, and
    # fmt's CMake config for the target (fmt is used header-only; CLI11 and nlohmann-json are
    # arch-independent and come from the host's packages).
    --cross) foreign=(arm64 armhf)
             pkgs+=(g++-aarch64-linux-gnu g++-arm-linux-gnueabihf qemu-user-static
                    libarchive-dev:arm64 zlib1g-dev:arm64 libfmt-dev:arm64
                    libarchive-dev:armhf zlib1g-dev:armhf libfmt-dev:armhf) ;;
    *) echo "setup.sh: unknown option $arg" >&2; exit 2 ;;
  esac
done
sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
update=0
for arch in ${foreign[@]+"${foreign[@]}"}; do
  if ! dpkg --print-foreign-architectures | grep -qx "$arch"; then
    $sudo dpkg --add-architecture "$arch"
    update=1  # apt must fetch the new architecture's package lists
  fi
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
if [ ${#missing[@]} -gt 0 ] || [ "$update" = 1 ]; then
  $sudo apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
