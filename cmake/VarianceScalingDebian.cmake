# Debian packages of libvariance_scaling, built by CPack's DEB generator from
# the install rules of CMakeLists.txt. Included when VS_PACKAGE_DEB is ON:
#
#   cmake --workflow --preset package   # build/package with VS_PACKAGE_DEB=ON,
#                                       # built, then cpack, which writes to
#                                       # build/package/packages/:
#        libvariance-scaling0_<v>-1_<arch>.deb
#        libvariance-scaling-dev_<v>-1_<arch>.deb
#        libvariance-scaling0-dbgsym_<v>-1_<arch>.deb
#        variance-scaling-tools_<v>-1_<arch>.deb
#
# The ctest tests labelled `package` (cmake/VarianceScalingInstallTests.cmake)
# build the same packages in a nested tree and check them.
#
# Four packages, one per install component:
#   runtime -> libvariance-scaling<ABI major>: the .so (stripped) and its
#              soname link (Section libs; shlibs, ldconfig trigger)
#   dev     -> libvariance-scaling-dev: header, .a (stripped of debug info),
#              dev link, .pc, CMake package, section 3 man pages
#              (cmake/VarianceScalingMan.cmake), README and license texts
#              (Section libdevel; Depends on the runtime package of exactly
#              the same version)
#   debug   -> libvariance-scaling<ABI major>-dbgsym: the .so's detached
#              debug info, as debhelper (dh_strip, dh_gencontrol) builds a
#              dbgsym package: /usr/lib/debug/.build-id/<xx>/<rest of the
#              build ID>.debug, /usr/share/doc/<package> a symlink to the
#              runtime package's directory, Section debug, Priority
#              optional, Depends on the runtime package of exactly this
#              version, Auto-Built-Package: debug-symbols and Build-Ids (the
#              last two added after CPack built it: see
#              cmake/VarianceScalingCPackProject.cmake.in). gdb, valgrind,
#              perf and debuginfod find the file by the library's build ID.
#   tools   -> variance-scaling-tools: /usr/bin/vs-init (stripped; its debug
#              info is not packaged) and its man page (Section utils;
#              Depends from dpkg-shlibdeps on the binary: libc6, libgcc-s1
#              and, when built with MPI, Open MPI's libmpi package; the
#              library is linked in statically, as a Rust rlib, so it does
#              not depend on the runtime package)
# runtime, dev and tools carry /usr/share/doc/<package>/copyright
# (packaging/debian/copyright, DEP-5) and changelog.Debian.gz
# (packaging/debian/changelog, whose top entry must name the package
# version: add an entry when Cargo.toml's version changes).
include_guard(GLOBAL)

include(VarianceScalingDebianNames)
set(VS_DEB_MAINTAINER "libvariance_scaling developers <libvariance-scaling@example.org>"
    CACHE STRING "Maintainer field of the Debian packages")

set(_vs_deb_dir "${PROJECT_SOURCE_DIR}/packaging/debian")
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
  "${_vs_deb_dir}/changelog")

# The changelog's newest entry must be this version.
file(STRINGS "${_vs_deb_dir}/changelog" _vs_changelog_top LIMIT_COUNT 1)
if(NOT _vs_changelog_top MATCHES "^libvariance-scaling \\(([^)]+)\\) ")
  message(FATAL_ERROR "packaging/debian/changelog: cannot read the version of its first entry")
endif()
if(NOT CMAKE_MATCH_1 STREQUAL VS_DEB_VERSION)
  message(FATAL_ERROR
    "packaging/debian/changelog's newest entry is ${CMAKE_MATCH_1}, but the "
    "packages are ${VS_DEB_VERSION} (Cargo.toml ${VS_CARGO_VERSION}, VS_DEB_RELEASE "
    "${VS_DEB_RELEASE}): add an entry for ${VS_DEB_VERSION} at the top")
endif()

# changelog.Debian.gz: maximal compression and no name or timestamp in the
# gzip header, as Debian policy (and lintian) ask.
find_program(VS_GZIP_EXECUTABLE gzip REQUIRED)
set(_vs_changelog_gz "${CMAKE_CURRENT_BINARY_DIR}/debian/changelog.Debian.gz")
file(MAKE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/debian")
execute_process(
  COMMAND "${VS_GZIP_EXECUTABLE}" -9 -n -c "${_vs_deb_dir}/changelog"
  OUTPUT_FILE "${_vs_changelog_gz}"
  COMMAND_ERROR_IS_FATAL ANY)

# copyright and changelog per package.
foreach(_vs_comp IN ITEMS runtime dev tools)
  if(_vs_comp STREQUAL "runtime")
    set(_vs_pkg "${VS_DEB_RUNTIME_PACKAGE}")
  elseif(_vs_comp STREQUAL "tools")
    set(_vs_pkg "${VS_DEB_TOOLS_PACKAGE}")
  else()
    set(_vs_pkg "${VS_DEB_DEV_PACKAGE}")
  endif()
  install(FILES "${_vs_deb_dir}/copyright" "${_vs_changelog_gz}"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc/${_vs_pkg}"
          COMPONENT ${_vs_comp})
endforeach()
# lintian overrides (each one commented): the runtime package has some; a
# package without any has no file (and the dbgsym package may not have one:
# it may hold nothing but .debug files).
set(_vs_overrides "${_vs_deb_dir}/${VS_DEB_RUNTIME_PACKAGE}.lintian-overrides")
if(NOT EXISTS "${_vs_overrides}")
  message(FATAL_ERROR "${_vs_overrides} is missing (ABI major changed? rename it and the package names inside)")
endif()
install(FILES "${_vs_overrides}"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides"
        RENAME "${VS_DEB_RUNTIME_PACKAGE}"
        COMPONENT runtime)
if(EXISTS "${_vs_deb_dir}/${VS_DEB_DEV_PACKAGE}.lintian-overrides")
  install(FILES "${_vs_deb_dir}/${VS_DEB_DEV_PACKAGE}.lintian-overrides"
          DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/lintian/overrides"
          RENAME "${VS_DEB_DEV_PACKAGE}"
          COMPONENT dev)
endif()

# The dbgsym package's contents (component debug), as dh_strip lays them
# out: the debug file under its build ID (known once the library is built,
# so the rule reads it when installing), and the doc directory as a symlink
# to the runtime package's.
if(NOT DEFINED VS_DEBUG_FILE OR NOT CMAKE_READELF)
  message(FATAL_ERROR "VS_PACKAGE_DEB needs objcopy, strip and readelf (binutils) for the dbgsym package")
endif()
install(CODE "
  execute_process(
    COMMAND \"${CMAKE_COMMAND}\" -E env LC_ALL=C \"${CMAKE_READELF}\" -n \"${VS_DEBUG_FILE}\"
    OUTPUT_VARIABLE _vs_notes
    COMMAND_ERROR_IS_FATAL ANY)
  if(NOT _vs_notes MATCHES \"Build ID: ([0-9a-f][0-9a-f])([0-9a-f]+)\")
    message(FATAL_ERROR \"${VS_DEBUG_FILE} has no build ID\")
  endif()
  file(INSTALL \"${VS_DEBUG_FILE}\"
       DESTINATION \"\${CMAKE_INSTALL_PREFIX}/lib/debug/.build-id/\${CMAKE_MATCH_1}\"
       RENAME \"\${CMAKE_MATCH_2}.debug\"
       PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)"
  COMPONENT debug
  EXCLUDE_FROM_ALL)
set(_vs_dbgsym_doc_link "${CMAKE_CURRENT_BINARY_DIR}/debian/${VS_DEB_DBGSYM_PACKAGE}")
file(CREATE_LINK "${VS_DEB_RUNTIME_PACKAGE}" "${_vs_dbgsym_doc_link}" SYMBOLIC)
install(FILES "${_vs_dbgsym_doc_link}"
        DESTINATION "${CMAKE_INSTALL_DATAROOTDIR}/doc"
        COMPONENT debug
        EXCLUDE_FROM_ALL)

# --- CPack -------------------------------------------------------------------
set(CPACK_GENERATOR "DEB")
set(CPACK_PACKAGE_NAME "libvariance-scaling")
set(CPACK_PACKAGE_VENDOR "The libvariance_scaling developers")
set(CPACK_PACKAGE_VERSION "${VS_DEB_UPSTREAM_VERSION}")
# Each package's Description (summary line included) is its own
# CPACK_DEBIAN_<COMPONENT>_DESCRIPTION below. CPackDeb prepends
# CPACK_PACKAGE_DESCRIPTION_SUMMARY to it unless that is CPack's default
# text, so it is left at that default here.
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "${CMAKE_PROJECT_NAME} built using CMake")
set(CPACK_PACKAGE_CONTACT "${VS_DEB_MAINTAINER}")
set(CPACK_PACKAGING_INSTALL_PREFIX "${CMAKE_INSTALL_PREFIX}")
set(CPACK_PACKAGE_DIRECTORY "${CMAKE_CURRENT_BINARY_DIR}/packages")
# The libraries are stripped when built (CMakeLists.txt): nothing is left
# for CPack to strip.
set(CPACK_STRIP_FILES OFF)
set(CPACK_COMPONENTS_ALL runtime dev debug tools)

set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_DEBIAN_FILE_NAME "DEB-DEFAULT")
set(CPACK_DEBIAN_PACKAGE_RELEASE "${VS_DEB_RELEASE}")
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "${VS_DEB_MAINTAINER}")
set(CPACK_DEBIAN_PACKAGE_SOURCE "libvariance-scaling")
set(CPACK_DEBIAN_PACKAGE_PRIORITY "optional")
set(CPACK_DEBIAN_ENABLE_COMPONENT_DEPENDS ON)
set(CPACK_DEBIAN_COMPRESSION_TYPE "xz")

# CPackDeb indents these lines and turns the empty ones into " .".
set(_vs_deb_long_description
"libvariance_scaling implements the VarianceScaling weight initializer of
TensorFlow and Keras (he_normal, glorot_uniform, lecun_normal and the other
presets) in Rust, behind a stable C ABI. The values a fill gives are a pure
function of the seed, the configuration and the shape, the same on every
machine and thread count. It reads and writes Keras configuration JSON.")

# runtime: the shared library, with the shlibs file and the ldconfig trigger
# lintian expects of a public shared library. CPack's own
# CPACK_DEBIAN_PACKAGE_SHLIBDEPS / _GENERATE_SHLIBS are not used: with either
# one CPack also writes postinst/postrm scripts that call ldconfig, which the
# trigger replaces (lintian: maintscript-calls-ldconfig). Instead the shlibs
# file is written here, and Depends comes from dpkg-shlibdeps, run on the
# built library when cpack starts (cmake/VarianceScalingCPackProject.cmake.in).
set(_vs_shlibs "${CMAKE_CURRENT_BINARY_DIR}/debian/shlibs")
file(WRITE "${_vs_shlibs}"
     "libvariance_scaling ${VS_ABI_MAJOR} ${VS_DEB_RUNTIME_PACKAGE} (>= ${VS_DEB_UPSTREAM_VERSION})\n")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_NAME "${VS_DEB_RUNTIME_PACKAGE}")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_SECTION "libs")
# symbols: every exported function with the version that introduced it, kept
# by hand (add a line with the new version for each new vs_* function;
# ctest's install_symbols and deb_symbols fail when it and the library differ).
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_EXTRA
    "${_vs_shlibs}" "${_vs_deb_dir}/symbols" "${_vs_deb_dir}/triggers")
set(CPACK_DEBIAN_RUNTIME_PACKAGE_CONTROL_STRICT_PERMISSION ON)
set(VS_DEB_SHLIBDEPS_INPUT "${VS_INSTALL_SHARED_LIBRARY}")
configure_file(cmake/VarianceScalingCPackProject.cmake.in
               "${CMAKE_CURRENT_BINARY_DIR}/VarianceScalingCPackProject.cmake" @ONLY)
set(CPACK_PROJECT_CONFIG_FILE "${CMAKE_CURRENT_BINARY_DIR}/VarianceScalingCPackProject.cmake")
set(CPACK_DEBIAN_RUNTIME_DESCRIPTION
"TensorFlow/Keras VarianceScaling weight initializer (shared library)
${_vs_deb_long_description}

This package contains the shared library.")

# dev: Depends on the runtime package of exactly this version (component
# dependency), and on libc's development files, which a static link needs.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME "${VS_DEB_DEV_PACKAGE}")
set(CPACK_DEBIAN_DEV_PACKAGE_SECTION "libdevel")
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS "libc6-dev | libc-dev")
set(CPACK_DEBIAN_DEV_DESCRIPTION
"TensorFlow/Keras VarianceScaling weight initializer (development files)
${_vs_deb_long_description}

This package contains the C header, the static library, the pkg-config
file and the CMake package (find_package(VarianceScaling)), and the man
pages of the C API (section 3).")

# tools: vs-init. Depends from CPack's own dpkg-shlibdeps run on the binary
# (an executable: CPack writes no ldconfig scripts for it).
set(CPACK_DEBIAN_TOOLS_PACKAGE_NAME "${VS_DEB_TOOLS_PACKAGE}")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SECTION "utils")
set(CPACK_DEBIAN_TOOLS_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_TOOLS_DESCRIPTION
"writes a model's initial checkpoint with VarianceScaling initializers
vs-init reads a Keras model.to_json() file or a manifest of tensors and
writes every kernel's initial values, filled by libvariance_scaling
(he_normal, glorot_uniform and the other VarianceScaling presets), to a
safetensors, .npy or GGUF file. The bytes depend only on the inputs and the
seed, not on the thread count; under mpirun the ranks share the work and
write one file together, byte-identical to a one-process run.")

# dbgsym (component debug): fields as dh_gencontrol writes them. Depends
# comes from the component dependency below: the runtime package (= this
# version). No Package-Type field and a .deb file name, as on Debian
# (Ubuntu's debhelper writes Package-Type: ddeb and .ddeb files).
set(CPACK_DEBIAN_DEBUG_PACKAGE_NAME "${VS_DEB_DBGSYM_PACKAGE}")
set(CPACK_DEBIAN_DEBUG_PACKAGE_SECTION "debug")
set(CPACK_DEBIAN_DEBUG_DESCRIPTION "debug symbols for ${VS_DEB_RUNTIME_PACKAGE}")
# cmake/VarianceScalingCPackProject.cmake.in, run again after the packages
# are built, adds Auto-Built-Package and Build-Ids to the dbgsym package.
set(CPACK_POST_BUILD_SCRIPTS "${CMAKE_CURRENT_BINARY_DIR}/VarianceScalingCPackProject.cmake")

include(CPack)
cpack_add_component(runtime
  DISPLAY_NAME "Shared library"
  DESCRIPTION "libvariance_scaling.so.${VS_ABI_MAJOR}")
cpack_add_component(dev
  DISPLAY_NAME "Development files"
  DESCRIPTION "Header, static library, pkg-config and CMake files"
  DEPENDS runtime)
cpack_add_component(tools
  DISPLAY_NAME "Command-line tool"
  DESCRIPTION "vs-init and its man page")
cpack_add_component(debug
  DISPLAY_NAME "Debug symbols"
  DESCRIPTION "Detached debug info of libvariance_scaling.so.${VS_ABI_MAJOR}"
  DEPENDS runtime)
