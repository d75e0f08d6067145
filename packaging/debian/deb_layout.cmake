# CPack pre-build script (CPACK_PRE_BUILD_SCRIPTS) for the DEB generator: turns the tree that
# `cmake --install` staged into the layout Debian Policy asks of a package, without changing
# what a plain `cmake --install` installs:
#   - zsh completion in /usr/share/zsh/vendor-completions (Debian's zsh does not read
#     /usr/share/zsh/site-functions; its fpath is /usr/local/share/zsh/site-functions and
#     /usr/share/zsh/vendor-completions);
#   - the man page gzip -9n compressed (Policy 12.1);
#   - /usr/share/doc/memsnap/copyright and changelog.gz, a native package's changelog (Policy 12.5,
#     12.7).
# CPACK_MEMSNAP_PACKAGING_DIR (packaging/debian) is set by packaging/debian/cpack.cmake.
foreach(root IN LISTS CPACK_TEMPORARY_INSTALL_DIRECTORY)
  set(usr "${root}/usr")
  if(NOT EXISTS "${usr}/bin/memsnap")
    message(FATAL_ERROR "deb_layout: ${usr}/bin/memsnap is missing (CPACK_PACKAGING_INSTALL_PREFIX must be /usr)")
  endif()
  file(MAKE_DIRECTORY "${usr}/share/zsh/vendor-completions")
  file(RENAME "${usr}/share/zsh/site-functions/_memsnap" "${usr}/share/zsh/vendor-completions/_memsnap")
  file(REMOVE_RECURSE "${usr}/share/zsh/site-functions")
  set(doc "${usr}/share/doc/memsnap")
  file(MAKE_DIRECTORY "${doc}")
  file(COPY_FILE "${CPACK_MEMSNAP_PACKAGING_DIR}/copyright" "${doc}/copyright")
  file(COPY_FILE "${CPACK_MEMSNAP_PACKAGING_DIR}/changelog" "${doc}/changelog")
  foreach(f "${doc}/changelog" "${usr}/share/man/man1/memsnap.1")
    execute_process(COMMAND gzip -9nf "${f}" RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "deb_layout: gzip -9nf ${f} failed")
    endif()
  endforeach()
  file(CHMOD_RECURSE "${usr}/share" FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ
       DIRECTORY_PERMISSIONS OWNER_READ OWNER_WRITE OWNER_EXECUTE GROUP_READ GROUP_EXECUTE
       WORLD_READ WORLD_EXECUTE)
endforeach()
