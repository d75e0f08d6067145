# The Debian binary package: `cpack -G DEB` in a build directory (after `cmake --build`) writes
# memsnap_<version>_<arch>.deb. Depends come from dpkg-shlibdeps; deb_layout.cmake puts the
# zsh completion, compressed man page, changelog and copyright where Debian Policy wants them.
# tests/e2e/package_deb.py builds it, lists it, runs lintian on it and runs the binary from it.
set(MEMSNAP_PACKAGING_DIR "${CMAKE_CURRENT_LIST_DIR}")
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME memsnap)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGE_CONTACT "memsnap maintainers <maintainers@users.noreply.b-seed-ca23754c.example>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "per-process memory tables, snapshots and leak verdicts from /proc")
# The extended description (CPack puts the summary above it as the synopsis line).
set(CPACK_PACKAGE_DESCRIPTION
"memsnap reads /proc/PID/smaps, status, fd/ and task/ without stopping or
attaching to the process, and prints OpenHarmony hidumper --mem's
per-category memory table (native heap, JS heap, stacks, .so, dmabuf, GPU).
It also writes snapshots as JSON, CSV or Prometheus text, compares two
snapshots with a leak verdict per memory group, and watches a process over
time. It works on a /proc tree captured from a phone or board as well.")
set(CPACK_PRE_BUILD_SCRIPTS "${CMAKE_CURRENT_LIST_DIR}/deb_layout.cmake")
# Passed through to deb_layout.cmake (CPack copies CPACK_* variables into its configuration).
set(CPACK_MEMSNAP_PACKAGING_DIR "${MEMSNAP_PACKAGING_DIR}")
include(CPack)
